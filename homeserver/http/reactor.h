#pragma once
// One I/O thread of a listener: an epoll loop over its share of the connections, the listening
// socket (shared by every reactor, EPOLLEXCLUSIVE, so one wakes per new connection) and its
// mailbox. Connections are edge-triggered and driven with read and write budgets; one that
// stops at a budget is driven again on the next turn, after the others have had theirs.
// Deadlines are checked every 250 ms. Nothing here blocks except epoll_wait.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <thread>
#include <vector>

#include "homeserver/http/connection.h"
#include "homeserver/http/mailbox.h"
#include "homeserver/http/server_context.h"

struct sockaddr_storage;

namespace hs::http {

class Reactor {
 public:
  using Clock = std::chrono::steady_clock;

  Reactor(ServerContext& ctx, int listen_fd);
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  void start();
  // Delivers what the mailbox holds, writes what can be written at once, closes every
  // connection and joins the thread.
  void stop();

 private:
  void run();
  void turn(int timeout_ms);
  void acceptSome(Clock::time_point now);
  void admit(int fd, const sockaddr_storage& addr, Clock::time_point now);
  bool evictIdle();
  void refuseConnection(int fd, const std::string& address, const char* why);
  void pauseAccepting(Clock::time_point now);
  void deliverMail(Clock::time_point now);
  void tick(Clock::time_point now);
  void afterWork(Connection& c);
  void reap();

  ServerContext& ctx_;
  int listen_fd_;
  int epoll_fd_;
  std::shared_ptr<Mailbox> mailbox_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::map<uint64_t, std::unique_ptr<Connection>> connections_;  // by id: oldest first
  std::vector<uint64_t> revisit_;
  std::vector<uint64_t> finished_;
  bool accept_paused_ = false;
  Clock::time_point accept_resume_at_;
  Clock::time_point next_tick_;
  Clock::time_point next_refusal_log_;
};

}  // namespace hs::http
