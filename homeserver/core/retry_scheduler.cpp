#include "homeserver/core/retry_scheduler.h"

#include <spdlog/spdlog.h>

namespace hs::core {

RetryScheduler::RetryScheduler(ThreadPool& pool) : pool_(pool), timer_([this] { loop(); }) {}

RetryScheduler::~RetryScheduler() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  timer_.join();
}

void RetryScheduler::runAfter(std::chrono::milliseconds delay, std::function<void()> task) {
  {
    std::lock_guard lock(mu_);
    due_.emplace(std::chrono::steady_clock::now() + delay, std::move(task));
  }
  cv_.notify_all();
}

void RetryScheduler::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (due_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto next = due_.begin()->first;
    if (std::chrono::steady_clock::now() < next) {
      cv_.wait_until(lock, next);
      continue;
    }
    auto task = std::move(due_.begin()->second);
    due_.erase(due_.begin());
    lock.unlock();
    if (!pool_.trySubmit(std::move(task))) {
      spdlog::warn("delayed task dropped: its pool is full or stopping");
    }
    lock.lock();
  }
}

}  // namespace hs::core
