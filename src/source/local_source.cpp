#include <fcntl.h>
#include <fmt/format.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "base/json_string.h"
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

SourceFile Describe(const fs::path& path, const struct stat& st) {
  SourceFile file;
  file.path = path.string();
  file.size = static_cast<uint64_t>(st.st_size);
  file.mtime_ns = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec;
  return file;
}

// The walk behind LocalSource::List(): regular files with input names, depth first. Directory
// symbolic links are followed, except into a directory being walked (a loop); entries that are
// not readable files (dangling links, FIFOs, sockets, devices, link loops) are skipped with a
// reason; any error reading a directory or an entry ends the walk with a message naming it.
class Walk {
 public:
  Walk(std::vector<SourceFile>& files, std::vector<SkippedEntry>& skipped)
      : files_(files), skipped_(skipped) {}

  Status Directory(const fs::path& dir, const struct stat& st) {
    const DirectoryId id{st.st_dev, st.st_ino};
    ancestors_.push_back(id);
    std::error_code ec;
    fs::directory_iterator it(dir, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      SPARKIFY_RETURN_IF_ERROR(Entry(it->path()));
    }
    ancestors_.pop_back();
    if (ec) return ListingError(dir, ec.message());
    return Status::Ok();
  }

 private:
  struct DirectoryId {
    dev_t dev;
    ino_t ino;
    bool operator==(const DirectoryId& o) const { return dev == o.dev && ino == o.ino; }
  };

  static Status ListingError(const fs::path& path, const std::string& why) {
    return Status::IoError(QuotedPath(path.string()) + ": cannot list: " + why);
  }

  void Skip(const fs::path& path, std::string reason) {
    skipped_.push_back({path.string(), std::move(reason)});
  }

  Status Entry(const fs::path& path) {
    struct stat link {};
    if (::lstat(path.c_str(), &link) != 0) return ListingError(path, std::strerror(errno));
    const bool input_name = IsInputName(path.filename().string());
    struct stat st = link;
    if (S_ISLNK(link.st_mode) && ::stat(path.c_str(), &st) != 0) {
      const int err = errno;
      if (err == ENOENT) {
        Skip(path, "a dangling symbolic link (its target does not exist)");
      } else if (err == ELOOP) {
        Skip(path, "a symbolic link loop (not followed)");
      } else {
        return ListingError(path,
                            std::string("cannot follow the symbolic link: ") + std::strerror(err));
      }
      return Status::Ok();
    }
    if (S_ISDIR(st.st_mode)) {
      const DirectoryId id{st.st_dev, st.st_ino};
      if (std::find(ancestors_.begin(), ancestors_.end(), id) != ancestors_.end()) {
        Skip(path, "a symbolic link loop: it leads back to a folder being listed (not followed)");
        return Status::Ok();
      }
      return Directory(path, st);
    }
    if (S_ISREG(st.st_mode)) {
      if (input_name) files_.push_back(Describe(path, st));
      return Status::Ok();
    }
    // FIFOs, sockets and devices are never read (a FIFO would block the run); said when the
    // name says the entry was meant as input.
    if (input_name) Skip(path, std::string("not a regular file (") + KindOf(st.st_mode) + ")");
    return Status::Ok();
  }

  static const char* KindOf(mode_t mode) {
    if (S_ISFIFO(mode)) return "a FIFO";
    if (S_ISSOCK(mode)) return "a socket";
    if (S_ISCHR(mode)) return "a character device";
    if (S_ISBLK(mode)) return "a block device";
    return "an unknown kind of file";
  }

  std::vector<SourceFile>& files_;
  std::vector<SkippedEntry>& skipped_;
  std::vector<DirectoryId> ancestors_;  // the folders being walked, root first
};

class LocalSource final : public Source {
 public:
  explicit LocalSource(std::string root) : root_(std::move(root)) {}

  Result<std::vector<SourceFile>> List() override {
    skipped_.clear();
    struct stat st {};
    if (::stat(root_.c_str(), &st) != 0) {
      const int err = errno;
      if (err == ENOENT || err == ENOTDIR) {
        return Status::InvalidArgument(root_ + ": no such file or directory");
      }
      return Status::IoError(QuotedPath(root_) + ": cannot list: " + std::strerror(err));
    }
    std::vector<SourceFile> files;
    if (S_ISREG(st.st_mode)) {
      files.push_back(Describe(root_, st));
      return files;
    }
    if (!S_ISDIR(st.st_mode)) {
      return Status::InvalidArgument(QuotedPath(root_) +
                                     ": not a folder or a regular file (nothing to read)");
    }
    Walk walk(files, skipped_);
    SPARKIFY_RETURN_IF_ERROR(walk.Directory(root_, st));
    std::sort(files.begin(), files.end(),
              [](const SourceFile& a, const SourceFile& b) { return a.path < b.path; });
    std::sort(skipped_.begin(), skipped_.end(),
              [](const SkippedEntry& a, const SkippedEntry& b) { return a.path < b.path; });
    return files;
  }

  const std::vector<SkippedEntry>& Skipped() const override { return skipped_; }

  Status Read(const SourceFile& file, PaddedBuffer& out) override {
    if (!IsGzipName(file.path)) return ReadStored(file, out);
    PaddedBuffer& compressed = compressed_scratch();
    SPARKIFY_RETURN_IF_ERROR(ReadStored(file, compressed));
    return Gunzip(file.path, compressed.data(), compressed.size(), out);
  }

  Status ReadStored(const SourceFile& file, PaddedBuffer& out) override {
    FileDescriptor fd(::open(file.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return Status::IoError(file.path + ": " + std::strerror(errno));
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0)
      return Status::IoError(file.path + ": " + std::strerror(errno));
    PaddedBuffer& target = out;
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
    return Status::Ok();
  }

 private:
  // Compressed bytes of the .gz file being read, per thread.
  static PaddedBuffer& compressed_scratch() {
    thread_local PaddedBuffer buffer;
    return buffer;
  }
  std::string root_;
  std::vector<SkippedEntry> skipped_;  // of the last List()
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

bool IsInputName(const std::string& name) {
  auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() &&
           name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  return ends_with(".json") || ends_with(".json.gz") || ends_with(".jsonl") ||
         ends_with(".jsonl.gz") || ends_with(".ndjson") || ends_with(".ndjson.gz");
}

std::string QuotedPath(std::string_view path) { return QuotedText(path, ControlEscape::kHex); }

bool IsGzipName(const std::string& name) {
  return name.size() > 3 && name.compare(name.size() - 3, 3, ".gz") == 0;
}

std::unique_ptr<Source> MakeLocalSource(std::string root) {
  return std::make_unique<LocalSource>(std::move(root));
}

}  // namespace sparkify
