#pragma once
// Parks long-polling /sync requests without holding a thread, and wakes them when one of
// their user's streams moves or their timeout passes. Each waiter is woken exactly once.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

namespace hs::streams {

class Notifier {
 public:
  // `timed_out` is true when the wake-up is the timeout rather than new data. The callback
  // runs on the notifying or the timer thread: it must only hand work off, never block.
  using Wake = std::function<void(bool timed_out)>;

  Notifier();
  ~Notifier();
  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;

  uint64_t park(const std::string& user_id, std::chrono::milliseconds timeout, Wake wake);
  // Wakes every waiter of these users.
  void notifyUsers(const std::vector<std::string>& user_ids);
  void notifyAll();
  size_t parkedCount() const;
  // Wakes everyone as timed out and stops the timer thread (shutdown).
  void stop();

 private:
  struct Waiter {
    std::string user_id;
    Wake wake;
  };
  void timerLoop();

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t next_id_ = 1;                                               // guarded by mu_
  std::unordered_map<uint64_t, Waiter> waiters_;                       // guarded by mu_
  std::unordered_multimap<std::string, uint64_t> by_user_;             // guarded by mu_
  std::multimap<std::chrono::steady_clock::time_point, uint64_t> deadlines_;  // guarded by mu_
  bool stopping_ = false;                                              // guarded by mu_
  std::thread timer_;
};

}  // namespace hs::streams
