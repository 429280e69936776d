#include <fcntl.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "source/source.h"

namespace sparkify {
namespace {

namespace fs = std::filesystem;

// Closes a POSIX file descriptor.
class FileDescriptor {
 public:
  explicit FileDescriptor(int fd) : fd_(fd) {}
  FileDescriptor(const FileDescriptor&) = delete;
  FileDescriptor& operator=(const FileDescriptor&) = delete;
  ~FileDescriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

SourceFile Describe(const fs::path& path) {
  SourceFile file;
  file.path = path.string();
  struct stat st {};
  if (::stat(file.path.c_str(), &st) == 0) {
    file.size = static_cast<uint64_t>(st.st_size);
    file.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  }
  return file;
}

class LocalSource final : public Source {
 public:
  explicit LocalSource(std::string root) : root_(std::move(root)) {}

  Result<std::vector<SourceFile>> List() override {
    std::error_code ec;
    const fs::path root(root_);
    auto status = fs::status(root, ec);
    if (ec || !fs::exists(status)) {
      return Status::InvalidArgument(root_ + ": no such file or directory");
    }
    std::vector<SourceFile> files;
    if (fs::is_regular_file(status)) {
      files.push_back(Describe(root));
      return files;
    }
    fs::recursive_directory_iterator it(root, fs::directory_options::follow_directory_symlink, ec);
    if (ec) return Status::IoError(root_ + ": " + ec.message());
    for (; it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) return Status::IoError(root_ + ": " + ec.message());
      if (it->is_regular_file(ec) && IsInputName(it->path().filename().string())) {
        files.push_back(Describe(it->path()));
      }
    }
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    return files;
  }

  Status Read(const SourceFile& file, PaddedBuffer& out) override {
    FileDescriptor fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return Status::IoError(file.path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
      return Status::IoError(file.path + ": " + std::strerror(errno));
    const bool gzip = IsGzipName(file.path);
    PaddedBuffer& target = gzip ? compressed_scratch() : out;
    target.Resize(static_cast<size_t>(st.st_size));
    size_t done = 0;
    while (done < target.size()) {
      ssize_t n = ::read(fd.get(), target.data() + done, target.size() - done);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return Status::IoError(file.path + ": " + std::strerror(errno));
      if (n == 0) break;  // file shrank while reading
      done += static_cast<size_t>(n);
    }
    target.Resize(done);
    if (gzip) return Gunzip(file.path, target.data(), target.size(), out);
    return Status::Ok();
  }

 private:
  // Compressed bytes of the .gz file being read, per thread.
  static PaddedBuffer& compressed_scratch() {
    thread_local PaddedBuffer buffer;
    return buffer;
  }
  std::string root_;
};

}  // namespace

void PaddedBuffer::Reserve(size_t n) {
  const size_t needed = n + simdjson::SIMDJSON_PADDING;
  if (needed <= capacity_) return;
  size_t grown = std::max(needed, capacity_ + capacity_ / 2);
  // Not zeroed: untouched pages cost no memory, and Resize zeroes the padding it exposes.
  std::unique_ptr<char[]> bigger(new char[grown]);
  if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
  data_ = std::move(bigger);
  capacity_ = grown;
}

void PaddedBuffer::Resize(size_t n) {
  Reserve(n);
  size_ = n;
  std::memset(data_.get() + n, 0, simdjson::SIMDJSON_PADDING);
}

void PaddedBuffer::Append(const char* bytes, size_t n) {
  Reserve(size_ + n);
  std::memcpy(data_.get() + size_, bytes, n);
  Resize(size_ + n);
}

Status Gunzip(const std::string& name, const char* compressed, size_t size, PaddedBuffer& out) {
  out.Clear();
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return Status::IoError(name + ": zlib init failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(compressed));
  zs.avail_in = static_cast<uInt>(size);
  out.Reserve(size * 4 + 4096);
  int rc = Z_OK;
  while (true) {
    if (out.capacity() - simdjson::SIMDJSON_PADDING - out.size() < 65536) {
      out.Reserve(out.size() * 2 + 65536);
    }
    const size_t room = out.capacity() - simdjson::SIMDJSON_PADDING - out.size();
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + out.size());
    zs.avail_out = static_cast<uInt>(room);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.Resize(out.size() + (room - zs.avail_out));
    if (rc == Z_STREAM_END) {
      // Concatenated gzip members: keep going.
      if (zs.avail_in == 0) break;
      inflateReset(&zs);
      continue;
    }
    if (rc != Z_OK) {
      std::string why = zs.msg ? zs.msg : "corrupt or truncated gzip data";
      inflateEnd(&zs);
      return Status::IoError(name + ": gzip: " + why);
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return Status::IoError(name + ": gzip: truncated data");
    }
  }
  inflateEnd(&zs);
  // Zero the padding so simdjson never sees stale bytes there.
  std::memset(out.data() + out.size(), 0, simdjson::SIMDJSON_PADDING);
  return Status::Ok();
}

bool IsInputName(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".json") || ends_with(".json.gz") || ends_with(".jsonl") ||
         ends_with(".jsonl.gz") || ends_with(".ndjson") || ends_with(".ndjson.gz");
}

bool IsGzipName(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
}

std::unique_ptr<Source> MakeLocalSource(std::string root) {
  return std::make_unique<LocalSource>(std::move(root));
}

}  // namespace sparkify
