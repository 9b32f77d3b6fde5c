#pragma once
// A named, bounded pool of worker threads. Blocking work (database, argon2id, outbound HTTP)
// runs here so the HTTP reactors' I/O threads never wait on it.
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace hs::core {

class ThreadPool {
 public:
  ThreadPool(std::string name, int threads, size_t max_queue);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // False when the queue is full or the pool is stopping: the caller sheds the load.
  bool trySubmit(std::function<void()> task);
  // Waits until every queued and running task is done, or the timeout passes; true if idle.
  bool drain(std::chrono::milliseconds timeout);
  void stop();  // finishes running tasks, drops queued ones, joins
  size_t busy() const;

 private:
  void run();
  std::string name_;
  size_t max_queue_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> queue_;  // guarded by mu_
  size_t running_ = 0;                        // guarded by mu_
  bool stopping_ = false;                     // guarded by mu_
  std::vector<std::thread> threads_;
};

}  // namespace hs::core
