#pragma once
// Runs tasks on a pool after a delay (retries with backoff), holding no pool thread while it
// waits: one timer thread hands each task to the pool when it is due. Tasks still waiting at
// shutdown are dropped.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <thread>

#include "homeserver/core/thread_pool.h"

namespace hs::core {

class RetryScheduler {
 public:
  explicit RetryScheduler(ThreadPool& pool);
  ~RetryScheduler();
  RetryScheduler(const RetryScheduler&) = delete;
  RetryScheduler& operator=(const RetryScheduler&) = delete;

  // False when the pool is full or stopping (the task is dropped).
  bool runNow(std::function<void()> task) { return pool_.trySubmit(std::move(task)); }
  void runAfter(std::chrono::milliseconds delay, std::function<void()> task);

 private:
  void loop();

  ThreadPool& pool_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::multimap<std::chrono::steady_clock::time_point, std::function<void()>> due_;  // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread timer_;
};

}  // namespace hs::core
