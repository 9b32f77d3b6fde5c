#include "homeserver/services/streams/notifier.h"

#include <spdlog/spdlog.h>

namespace hs::streams {

namespace {
void runAll(std::vector<std::pair<Notifier::Wake, bool>>& wakes) {
  for (auto& [wake, timed_out] : wakes) {
    try {
      wake(timed_out);
    } catch (const std::exception& e) {
      spdlog::error("notifier: wake-up failed: {}", e.what());
    }
  }
}
}  // namespace

Notifier::Notifier() : timer_([this] { timerLoop(); }) {}

Notifier::~Notifier() { stop(); }

uint64_t Notifier::park(const std::string& user_id, std::chrono::milliseconds timeout, Wake wake) {
  std::lock_guard lock(mu_);
  const uint64_t id = next_id_++;
  if (stopping_) {
    wake(true);
    return id;
  }
  waiters_.emplace(id, Waiter{user_id, std::move(wake)});
  by_user_.emplace(user_id, id);
  deadlines_.emplace(std::chrono::steady_clock::now() + timeout, id);
  cv_.notify_one();
  return id;
}

void Notifier::notifyUsers(const std::vector<std::string>& user_ids) {
  std::vector<std::pair<Wake, bool>> wakes;
  {
    std::lock_guard lock(mu_);
    for (const auto& user : user_ids) {
      auto [begin, end] = by_user_.equal_range(user);
      for (auto it = begin; it != end; ++it) {
        auto w = waiters_.find(it->second);
        if (w != waiters_.end()) {
          wakes.emplace_back(std::move(w->second.wake), false);
          waiters_.erase(w);  // its deadline entry is dropped lazily by the timer
        }
      }
      by_user_.erase(user);
    }
  }
  runAll(wakes);
}

void Notifier::notifyAll() {
  std::vector<std::pair<Wake, bool>> wakes;
  {
    std::lock_guard lock(mu_);
    for (auto& [id, w] : waiters_) {
      wakes.emplace_back(std::move(w.wake), false);
    }
    waiters_.clear();
    by_user_.clear();
  }
  runAll(wakes);
}

size_t Notifier::parkedCount() const {
  std::lock_guard lock(mu_);
  return waiters_.size();
}

void Notifier::stop() {
  std::vector<std::pair<Wake, bool>> wakes;
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      return;
    }
    stopping_ = true;
    for (auto& [id, w] : waiters_) {
      wakes.emplace_back(std::move(w.wake), true);
    }
    waiters_.clear();
    by_user_.clear();
  }
  cv_.notify_all();
  if (timer_.joinable()) {
    timer_.join();
  }
  runAll(wakes);
}

void Notifier::timerLoop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (deadlines_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const auto first = deadlines_.begin()->first;
    if (cv_.wait_until(lock, first) != std::cv_status::timeout && first == deadlines_.begin()->first) {
      continue;  // woken early (new waiter or stop): recompute
    }
    std::vector<std::pair<Wake, bool>> wakes;
    const auto now = std::chrono::steady_clock::now();
    while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
      const uint64_t id = deadlines_.begin()->second;
      deadlines_.erase(deadlines_.begin());
      auto w = waiters_.find(id);
      if (w == waiters_.end()) {
        continue;  // already woken by a notification
      }
      auto [begin, end] = by_user_.equal_range(w->second.user_id);
      for (auto it = begin; it != end; ++it) {
        if (it->second == id) {
          by_user_.erase(it);
          break;
        }
      }
      wakes.emplace_back(std::move(w->second.wake), true);
      waiters_.erase(w);
    }
    lock.unlock();
    runAll(wakes);
    lock.lock();
  }
}

}  // namespace hs::streams
