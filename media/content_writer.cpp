#include "media/content_writer.h"

#include <fcntl.h>
#include <unistd.h>

#include <condition_variable>
#include <exception>
#include <filesystem>
#include <mutex>
#include <thread>

namespace hs::media {

namespace {
constexpr int64_t kParallelFrom = int64_t{1} << 20;
constexpr int64_t kWritebackEvery = int64_t{4} << 20;
}  // namespace

// MD5 of each piece on its own thread while the caller hashes SHA-256 and writes the same
// piece; wait() returns once the piece is done (the caller may then free it).
class ContentWriter::ParallelMd5 {
 public:
  explicit ParallelMd5(ContentDigest& digest) : digest_(digest), thread_([this] { run(); }) {}
  ~ParallelMd5() {
    {
      std::lock_guard lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  void start(std::string_view piece) {
    {
      std::lock_guard lock(mu_);
      piece_ = piece;
      busy_ = true;
    }
    cv_.notify_all();
  }
  void wait() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !busy_; });
    if (error_) {
      std::rethrow_exception(std::exchange(error_, nullptr));
    }
  }

 private:
  void run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return busy_ || stopping_; });
      if (!busy_) {
        return;
      }
      const std::string_view piece = piece_;
      lock.unlock();
      try {
        digest_.updateMd5(piece);
      } catch (...) {  // entry of a helper thread: handed to the caller by wait()
        lock.lock();
        error_ = std::current_exception();
        lock.unlock();
      }
      lock.lock();
      busy_ = false;
      cv_.notify_all();
    }
  }

  ContentDigest& digest_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string_view piece_;       // guarded by mu_
  bool busy_ = false;            // guarded by mu_
  bool stopping_ = false;        // guarded by mu_
  std::exception_ptr error_;     // guarded by mu_
  std::thread thread_;
};

ContentWriter::ContentWriter(ContentStore& store) : store_(store) {
  tmp_path_ = (std::filesystem::path(store.root()) / "tmp" / "upload-XXXXXX").string();
  fd_ = std::make_unique<Fd>(::mkostemp(tmp_path_.data(), O_CLOEXEC));
  if (fd_->get() < 0) {
    throwErrno("mkstemp " + tmp_path_);
  }
  guard_ = std::make_unique<TempFile>(tmp_path_);
}

ContentWriter::~ContentWriter() = default;

void ContentWriter::write(std::string_view piece) {
  if (!md5_ && size_ + static_cast<int64_t>(piece.size()) > kParallelFrom) {
    md5_ = std::make_unique<ParallelMd5>(digest_);
  }
  if (md5_) {
    md5_->start(piece);
  } else {
    digest_.updateMd5(piece);
  }
  try {
    digest_.updateSha256(piece);
    writeAll(fd_->get(), piece, tmp_path_);
  } catch (...) {
    if (md5_) {
      md5_->wait();  // the helper must be done with `piece` before the caller frees it
    }
    throw;
  }
  size_ += static_cast<int64_t>(piece.size());
  if (size_ - synced_to_ >= kWritebackEvery) {
    // Only a hint, so the disk works while more arrives: commit()'s fsync makes it durable.
    ::sync_file_range(fd_->get(), synced_to_, size_ - synced_to_, SYNC_FILE_RANGE_WRITE);
    synced_to_ = size_;
  }
  if (md5_) {
    md5_->wait();
  }
}

StoredContent ContentWriter::commit() {
  md5_.reset();
  StoredContent c;
  c.size = size_;
  c.sha256 = digest_.sha256Hex();
  c.md5 = digest_.md5Hex();
  const std::string path = store_.contentPath(c.sha256);
  c.already_stored = ContentStore::exists(path);  // a final name only ever holds whole content
  if (!c.already_stored) {
    if (::fsync(fd_->get()) != 0 || ::close(fd_->release()) != 0) {
      throwErrno("fsync " + tmp_path_);
    }
    store_.moveIntoPlace(tmp_path_, path);
    guard_->release();
  }
  return c;
}

}  // namespace hs::media
