#include "generate/song_files.h"

#include "generate/file_io.h"
#include "generate/json_text.h"

namespace sparkify::gen {
namespace {

// Folder slots in made_: 26 first-level, then 26^2 second-level, then 26^3 leaves.
constexpr size_t kLevel2 = 26, kLevel3 = 26 + 26 * 26, kFolderSlots = 26 + 26 * 26 + 26 * 26 * 26;

void AppendCoordinate(std::string& out, bool known, int64_t value_e5) {
  if (known) {
    AppendDecimal5(out, value_e5);
  } else {
    out.append("null");
  }
}

}  // namespace

void AppendSongJson(const CatalogSong& song, std::string& out) {
  out.append(R"({"num_songs": 1, "artist_id": )");
  AppendSongJsonString(out, song.artist_id);
  out.append(R"(, "artist_latitude": )");
  AppendCoordinate(out, song.has_coordinates, song.latitude_e5);
  out.append(R"(, "artist_longitude": )");
  AppendCoordinate(out, song.has_coordinates, song.longitude_e5);
  out.append(R"(, "artist_location": )");
  AppendSongJsonString(out, song.artist_location);
  out.append(R"(, "artist_name": )");
  AppendSongJsonString(out, song.artist_name);
  out.append(R"(, "song_id": )");
  AppendSongJsonString(out, song.song_id);
  out.append(R"(, "title": )");
  AppendSongJsonString(out, song.title);
  out.append(R"(, "duration": )");
  AppendDecimal5(out, song.duration_e5);
  out.append(R"(, "year": )");
  AppendInt(out, song.year);
  out.push_back('}');
}

SongFileWriter::SongFileWriter(const Catalog& catalog, std::string song_dir)
    : catalog_(catalog), song_dir_(std::move(song_dir)), made_(kFolderSlots, false) {}

Status SongFileWriter::MakeFolders(const std::string& track_id) {
  const size_t a = track_id[2] - 'A', b = track_id[3] - 'A', c = track_id[4] - 'A';
  const size_t slots[3] = {a, kLevel2 + a * 26 + b, kLevel3 + (a * 26 + b) * 26 + c};
  if (made_[slots[2]]) return Status::Ok();
  path_ = song_dir_;
  for (int level = 0; level < 3; ++level) {
    path_.push_back('/');
    path_.push_back(track_id[2 + level]);
    if (!made_[slots[level]]) {
      SPARKIFY_RETURN_IF_ERROR(MakeDirectory(path_));
      made_[slots[level]] = true;
    }
  }
  return Status::Ok();
}

Status SongFileWriter::Write(int64_t begin, int64_t end) {
  for (int64_t slot = begin; slot < end; ++slot) {
    const int64_t index = catalog_.SongAtSlot(slot);
    if (index < 0) continue;
    catalog_.Song(index, song_);
    SPARKIFY_RETURN_IF_ERROR(MakeFolders(song_.track_id));
    text_.clear();
    AppendSongJson(song_, text_);
    path_.assign(song_dir_);
    for (int level = 0; level < 3; ++level) {
      path_.push_back('/');
      path_.push_back(song_.track_id[2 + level]);
    }
    path_.push_back('/');
    path_.append(song_.track_id);
    path_.append(".json");
    SPARKIFY_RETURN_IF_ERROR(WriteWholeFile(path_, text_));
    ++files_;
    bytes_ += static_cast<int64_t>(text_.size());
  }
  return Status::Ok();
}

}  // namespace sparkify::gen
