// MakeS3Source: a Source over the objects of s3://bucket/prefix.
//
// List() returns the objects in the folder the prefix names (s3://b/song_data is the folder
// song_data/: its keys start with "song_data/", so song_data_old/ is not in it; a prefix that is
// an input file name and the key of an object names that one object) whose keys are input names
// (the local source's rule), sorted by key, each with path "s3://bucket/key", its size and ETag.
// A folder without any object is kInvalidArgument naming it, like a missing local folder; one
// whose objects are none of them input files lists no files.
//
// Read() downloads in the background: from the first Read on, up to S3Options::connections
// threads fetch the objects (as stored: a .gz object is inflated by the reader) that follow in
// listing order, at most prefetch_files objects and about prefetch_bytes stored bytes ahead, so
// downloads overlap the caller's decoding with bounded memory. Files the caller skips are dropped
// from the read-ahead. Reads of files not in the last listing are fetched directly. Read() may be
// called from several threads.
//
// Progress (optional, used only from the threads calling List/Read): listing pages, and the
// downloads while Read() waits for one.
#pragma once

#include <memory>
#include <string>

#include "s3/s3_client.h"
#include "source/source.h"
#include "sparkify/config.h"
#include "sparkify/s3_options.h"

namespace sparkify {

class Progress;

struct S3SourceOptions {
  S3Options s3;
  Progress* progress = nullptr;
  RetryPolicy retry;    // the client's retries
  int max_keys = 1000;  // ListObjectsV2 page size
};

Result<std::unique_ptr<Source>> MakeS3Source(const std::string& uri, const S3SourceOptions& options,
                                             const GetEnv& env = ProcessEnvironment());

}  // namespace sparkify
