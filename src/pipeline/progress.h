// Moved to base/progress.h (the S3 source uses it too, and src/s3 must not include pipeline/).
// This forwarding header remains only for pipeline/etl.cpp, which is being edited elsewhere;
// include base/progress.h instead, and delete this file once etl.cpp does.
#pragma once

#include "base/progress.h"
