#include "homeserver/core/thread_pool.h"

#include <spdlog/spdlog.h>

namespace hs::core {

ThreadPool::ThreadPool(std::string name, int threads, size_t max_queue)
    : name_(std::move(name)), max_queue_(max_queue) {
  for (int i = 0; i < threads; ++i) {
    threads_.emplace_back([this] { run(); });
  }
}

ThreadPool::~ThreadPool() { stop(); }

bool ThreadPool::trySubmit(std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    if (stopping_ || queue_.size() >= max_queue_) {
      return false;
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return true;
}

bool ThreadPool::drain(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  return idle_cv_.wait_for(lock, timeout, [this] { return queue_.empty() && running_ == 0; });
}

void ThreadPool::stop() {
  {
    std::lock_guard lock(mu_);
    if (stopping_ && threads_.empty()) {
      return;
    }
    stopping_ = true;
    queue_.clear();
  }
  cv_.notify_all();
  for (auto& t : threads_) {
    if (t.joinable()) {
      t.join();
    }
  }
  threads_.clear();
}

size_t ThreadPool::busy() const {
  std::lock_guard lock(mu_);
  return running_ + queue_.size();
}

void ThreadPool::run() {
  for (;;) {
    std::function<void()> task;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) {
        return;  // stopping
      }
      task = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    try {
      task();
    } catch (const std::exception& e) {  // a worker thread's entry: nothing may escape
      spdlog::error("{}: task failed: {}", name_, e.what());
    } catch (...) {
      spdlog::error("{}: task failed with an unknown exception", name_);
    }
    {
      std::lock_guard lock(mu_);
      --running_;
      if (queue_.empty() && running_ == 0) {
        idle_cv_.notify_all();
      }
    }
  }
}

}  // namespace hs::core
