#include "s3/s3_source.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <map>
#include <mutex>
#include <set>
#include <thread>
#include <unordered_map>
#include <vector>

#include "base/progress.h"

namespace sparkify {
namespace {

std::string FormatBytes(double bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  int unit = 0;
  while (bytes >= 1024 && unit < 4) {
    bytes /= 1024;
    ++unit;
  }
  return unit == 0 ? fmt::format("{:.0f} B", bytes) : fmt::format("{:.1f} {}", bytes, units[unit]);
}

class S3Source final : public Source {
 public:
  S3Source(std::unique_ptr<S3Client> client, std::string bucket, std::string prefix,
           const S3Options& options, Progress* progress)
      : client_(std::move(client)),
        bucket_(std::move(bucket)),
        prefix_(std::move(prefix)),
        uri_("s3://" + bucket_ + "/" + prefix_),
        connections_(std::clamp(options.connections, 1, 16)),
        window_(std::max(options.prefetch_files, 1)),
        byte_budget_(std::max<uint64_t>(options.prefetch_bytes, 1)),
        progress_(progress) {}

  ~S3Source() override {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      queue_.clear();
    }
    if (!workers_.empty()) client_->Cancel();  // in-flight downloads end promptly
    work_cv_.notify_all();
    done_cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  Result<std::vector<SourceFile>> List() override {
    // A prefix names a folder ("song_data" lists song_data/..., never song_data_backup/...), or
    // one object when it is an input name and that object exists.
    const bool may_be_object = !prefix_.empty() && prefix_.back() != '/' && IsInputName(prefix_);
    const std::string folder = prefix_.empty() || prefix_.back() == '/' ? prefix_ : prefix_ + "/";
    const std::string listed_prefix = may_be_object ? prefix_ : folder;
    auto objects =
        client_->ListObjects(bucket_, listed_prefix, [&](const std::vector<ObjectInfo>& so_far) {
          ShowProgress([&] {
            uint64_t bytes = 0;
            for (const ObjectInfo& o : so_far) bytes += o.size;
            return fmt::format("listing {}: {} objects, {}", uri_, so_far.size(),
                               FormatBytes(bytes));
          });
        });
    if (!objects.ok()) return objects.status();
    if (may_be_object) {
      auto exact = std::find_if(objects->begin(), objects->end(),
                                [&](const ObjectInfo& o) { return o.key == prefix_; });
      if (exact != objects->end()) {
        std::vector<ObjectInfo> one{std::move(*exact)};
        objects->swap(one);
      } else {
        std::erase_if(*objects, [&](const ObjectInfo& o) { return o.key.rfind(folder, 0) != 0; });
      }
    }
    // No object at all: the folder does not exist, an error as for a missing local folder (a
    // folder with objects none of which is an input file lists 0 files, as an empty one does).
    if (objects->empty() && may_be_object) {
      return Status::InvalidArgument(
          fmt::format("{}: no such object or folder: no object has the key '{}' or a key "
                      "starting with '{}' (region {})",
                      uri_, prefix_, folder, client_->region()));
    }
    if (objects->empty()) {
      return Status::InvalidArgument(fmt::format(
          "s3://{}/{}: no such folder: no object has a key starting with '{}' (region {})", bucket_,
          folder, folder, client_->region()));
    }
    std::vector<SourceFile> files;
    std::vector<ObjectInfo> kept;
    for (ObjectInfo& o : *objects) {
      if (IsInputName(o.key)) kept.push_back(std::move(o));
    }
    std::sort(kept.begin(), kept.end(),
              [](const ObjectInfo& a, const ObjectInfo& b) { return a.key < b.key; });
    std::lock_guard<std::mutex> lock(mu_);
    ++generation_;  // results of downloads for an older listing are dropped
    planned_.clear();
    slots_.clear();
    queue_.clear();
    budget_used_ = 0;
    keys_.clear();
    sizes_.clear();
    index_.clear();
    for (ObjectInfo& o : kept) {
      SourceFile file;
      file.path = "s3://" + bucket_ + "/" + o.key;
      file.size = o.size;
      file.etag = o.etag;
      index_[file.path] = keys_.size();
      keys_.push_back(std::move(o.key));
      sizes_.push_back(o.size);
      files.push_back(std::move(file));
    }
    return files;
  }

  void PlanReads(const std::vector<const SourceFile*>& files) override {
    std::lock_guard<std::mutex> lock(mu_);
    planned_.assign(keys_.size(), false);
    for (const SourceFile* file : files) {
      auto found = index_.find(file->path);
      if (found != index_.end()) planned_[found->second] = true;
    }
  }

  // Downloads (and read-ahead) keep the objects as stored, so a .gz object that expands to
  // gigabytes is only ever inflated by the caller: whole here, a block at a time by the stager
  // (ReadStored).
  Status Read(const SourceFile& file, PaddedBuffer& out) override {
    if (!IsGzipName(file.path)) return ReadStored(file, out);
    thread_local PaddedBuffer compressed;
    SPARKIFY_RETURN_IF_ERROR(ReadStored(file, compressed));
    return Gunzip(file.path, compressed.data(), compressed.size(), out);
  }

  Status ReadStored(const SourceFile& file, PaddedBuffer& out) override {
    std::unique_lock<std::mutex> lock(mu_);
    auto found = index_.find(file.path);
    if (found == index_.end()) {
      lock.unlock();
      std::string bucket, key;
      SPARKIFY_RETURN_IF_ERROR(ParseS3Uri(file.path, bucket, key));
      return Fetch(bucket, key, file.path, out);
    }
    const size_t index = found->second;
    if (workers_.empty()) {
      for (int i = 0; i < connections_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
    }
    DropBehindLocked(index);
    if (slots_.find(index) == slots_.end()) Enqueue(index);
    Slot& slot = slots_.at(index);
    ++slot.waiters;
    ScheduleLocked(index + 1);
    work_cv_.notify_all();
    while (slot.state != Slot::kDone && !stop_) {
      if (done_cv_.wait_for(lock, std::chrono::milliseconds(100)) == std::cv_status::timeout) {
        lock.unlock();
        ShowProgress([&] {
          const S3Stats stats = client_->stats();
          return fmt::format("downloading {}: {} objects, {}, waiting for {}", uri_,
                             objects_done_.load(), FormatBytes(stats.bytes_received), file.path);
        });
        lock.lock();
      }
    }
    if (stop_) return Status::IoError(file.path + ": cancelled");
    if (--slot.waiters > 0) {  // another thread reads the same file: it takes the slot
      out.Resize(slot.data.size());
      std::memcpy(out.data(), slot.data.data(), slot.data.size());
      std::memset(out.data() + out.size(), 0, out.capacity() - out.size());
      return slot.status;
    }
    Status status = std::move(slot.status);
    std::swap(out, slot.data);
    Release(index);
    return status;
  }

 private:
  struct Slot {
    enum State { kQueued, kRunning, kDone } state = kQueued;
    PaddedBuffer data;
    Status status;
    int waiters = 0;
    bool abandoned = false;  // skipped by the reader while downloading
  };

  template <typename MakeLine>
  void ShowProgress(MakeLine&& make_line) {
    if (progress_ == nullptr) return;
    std::lock_guard<std::mutex> lock(progress_mu_);
    progress_->Update(make_line);
  }

  Status Fetch(const std::string& bucket, const std::string& key, const std::string& uri,
               PaddedBuffer& out) {
    Status status = client_->GetObject(bucket, key, out);
    if (status.ok()) objects_done_.fetch_add(1, std::memory_order_relaxed);
    return status;
  }

  void Enqueue(size_t index) {
    slots_.emplace(index, Slot{});
    queue_.insert(index);
    budget_used_ += sizes_[index];
  }

  void Release(size_t index) {
    budget_used_ -= sizes_[index];
    slots_.erase(index);
  }

  // Queues the objects after the one being read, within the count and byte budgets.
  void ScheduleLocked(size_t from) {
    size_t ahead = 0;
    for (size_t i = from; i < keys_.size() && ahead < static_cast<size_t>(window_); ++i) {
      if (!planned_.empty() && !planned_[i]) continue;  // the caller will not read it
      ++ahead;
      if (slots_.count(i)) continue;
      if (budget_used_ + sizes_[i] > byte_budget_) break;
      Enqueue(i);
    }
  }

  // Forgets read-ahead the caller skipped (files already in its ledger).
  void DropBehindLocked(size_t index) {
    for (auto it = slots_.begin(); it != slots_.end() && it->first < index;) {
      Slot& slot = it->second;
      if (slot.waiters > 0) {
        ++it;
      } else if (slot.state == Slot::kRunning) {
        slot.abandoned = true;
        ++it;
      } else {
        queue_.erase(it->first);
        budget_used_ -= sizes_[it->first];
        it = slots_.erase(it);
      }
    }
  }

  void WorkerLoop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      work_cv_.wait(lock, [&] { return stop_ || !queue_.empty(); });
      if (stop_) return;
      const size_t index = *queue_.begin();
      queue_.erase(queue_.begin());
      const uint64_t generation = generation_;
      slots_.at(index).state = Slot::kRunning;
      const std::string key = keys_[index];
      lock.unlock();
      PaddedBuffer data;
      Status status = Fetch(bucket_, key, "s3://" + bucket_ + "/" + key, data);
      lock.lock();
      auto it = slots_.find(index);
      if (generation != generation_ || it == slots_.end()) continue;
      if (it->second.abandoned && it->second.waiters == 0) {
        Release(index);
        continue;
      }
      it->second.data = std::move(data);
      it->second.status = std::move(status);
      it->second.state = Slot::kDone;
      done_cv_.notify_all();
    }
  }

  std::unique_ptr<S3Client> client_;
  const std::string bucket_, prefix_, uri_;
  const int connections_;
  const int window_;
  const uint64_t byte_budget_;
  Progress* progress_;
  std::mutex progress_mu_;

  std::mutex mu_;
  std::condition_variable work_cv_, done_cv_;
  std::vector<std::string> keys_;  // the last listing, sorted
  std::vector<uint64_t> sizes_;
  std::vector<bool> planned_;  // PlanReads: which listed files will be read (empty: all)
  std::unordered_map<std::string, size_t> index_;  // s3:// path -> position in keys_
  std::map<size_t, Slot> slots_;                   // queued, downloading or downloaded
  std::set<size_t> queue_;                         // waiting for a worker, lowest first
  uint64_t budget_used_ = 0;                       // listed bytes of the objects in slots_
  uint64_t generation_ = 0;
  bool stop_ = false;
  std::vector<std::thread> workers_;
  std::atomic<int64_t> objects_done_{0};
};

}  // namespace

Result<std::unique_ptr<Source>> MakeS3Source(const std::string& uri, const S3SourceOptions& options,
                                             const GetEnv& env) {
  std::string bucket, prefix;
  SPARKIFY_RETURN_IF_ERROR(ParseS3Uri(uri, bucket, prefix));
  auto settings = ResolveAwsSettings(options.s3, env);
  if (!settings.ok()) return settings.status().WithContext(uri);
  S3ClientOptions client_options;
  client_options.settings = std::move(settings.value());
  client_options.retry = options.retry;
  client_options.max_keys = options.max_keys;
  return std::unique_ptr<Source>(std::make_unique<S3Source>(
      std::make_unique<S3Client>(std::move(client_options)), std::move(bucket), std::move(prefix),
      options.s3, options.progress));
}

}  // namespace sparkify
