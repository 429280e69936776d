// CheckUniqueKeys: the uniqueness checks a run makes when its warehouse does not enforce keys
// (EngineTraits::enforces_unique_keys false: Redshift). Runs every check_unique_*.sql query (a
// SELECT of the violating keys) inside the run's transaction, after the transforms; any row makes
// the run fail with kCheckFailed, naming the check and a few violating keys, so it rolls back.
#pragma once

#include "sparkify/engine.h"
#include "sparkify/status.h"

namespace sparkify {

Status CheckUniqueKeys(Engine& engine);

}  // namespace sparkify
