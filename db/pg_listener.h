#pragma once
// LISTEN on one PostgreSQL channel from a thread of its own (its own connection, outside the
// pool): NOTIFYs reach the callback after their transaction commits, from this process or
// another sharing the database. A lost connection is reopened; `on_connected` runs after each
// (re)connect, so the owner can look for what it may have missed meanwhile.
#include <atomic>
#include <functional>
#include <string>
#include <thread>

namespace hs::db {

class PgListener {
 public:
  PgListener(std::string url, std::string channel, std::function<void(const std::string& payload)> on_notify,
             std::function<void()> on_connected);
  ~PgListener();
  PgListener(const PgListener&) = delete;
  PgListener& operator=(const PgListener&) = delete;
  void stop();

 private:
  void run();

  std::string url_;
  std::string channel_;
  std::function<void(const std::string&)> on_notify_;
  std::function<void()> on_connected_;
  std::atomic<bool> stopping_{false};
  std::thread thread_;
};

}  // namespace hs::db
