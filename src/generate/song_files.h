// Writes song_data: one file per catalog song, song_data/A/B/C/TRABC....json, holding one
// compact JSON object with the real key order and separators, and no trailing newline.
//
// A SongFileWriter is one worker's: it reuses its buffers and remembers which folders it has
// made. Several writers may work on disjoint slot ranges of one catalog at once; a file's
// bytes depend only on its song's index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "generate/catalog.h"
#include "sparkify/status.h"

namespace sparkify::gen {

// The file's text, as json.dumps wrote the real files.
void AppendSongJson(const CatalogSong& song, std::string& out);

class SongFileWriter {
 public:
  SongFileWriter(const Catalog& catalog, std::string song_dir);
  // Writes the files of the songs in track slots [begin, end) (see Catalog::SongAtSlot):
  // folder by folder, which the file system handles much faster than scattered files.
  Status Write(int64_t begin, int64_t end);
  int64_t files() const { return files_; }
  int64_t bytes() const { return bytes_; }

 private:
  Status MakeFolders(const std::string& track_id);

  const Catalog& catalog_;
  std::string song_dir_;
  std::vector<bool> made_;  // folders made so far: A, A/B and A/B/C, indexed by their letters
  CatalogSong song_;
  std::string text_, path_;
  int64_t files_ = 0;
  int64_t bytes_ = 0;
};

}  // namespace sparkify::gen
