#pragma once
// The outbound federation sender (after Dendrite's federationapi/queue): one queue per
// destination, backed by the outbox in PostgreSQL.
//
// Per destination at most one transaction is in flight, of at most 50 PDUs and 100 EDUs, in
// queue order; a failed one is retried with the same id and content after an exponential
// backoff (initial_backoff_ms doubling to max_backoff_ms), whose schedule is stored so it
// survives restarts. A destination that answers is drained at once, one transaction after the
// other, and one that contacts us (a verified inbound request) is retried at once. Waiting for
// a backoff or a response holds no thread: the HTTP requests run on the outbound client's event
// loop, database work on the sender's small pool, timers on one timer thread.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "federation/client/federation_client.h"
#include "federation/queue/outbox_store.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/retry_scheduler.h"
#include "homeserver/core/thread_pool.h"

namespace hs::fed {

struct SenderOptions {
  std::string our_server_name;
  int64_t initial_backoff_ms = 5000;
  int64_t max_backoff_ms = 30 * 60 * 1000;
  int64_t request_timeout_ms = 60000;
  int threads = 2;
};

class Sender {
 public:
  static constexpr size_t kMaxPdus = 50;
  static constexpr size_t kMaxEdus = 100;

  Sender(SenderOptions options, OutboxStore& store, FederationClient& client, const core::Clock& clock);
  ~Sender();
  Sender(const Sender&) = delete;
  Sender& operator=(const Sender&) = delete;

  // Picks up every destination with queued rows (their stored retry schedules included).
  void start();
  void stop();
  // Rows were queued for `destination` (the outbox NOTIFY, after commit): send them unless it
  // is backing off or already busy (then it looks again when done).
  void wake(const std::string& destination);
  // A verified request came from `server`: if we were backing off from it, retry now.
  void remoteIsUp(const std::string& server);
  // Looks at every destination with queued rows (after a reconnect of the NOTIFY listener).
  void sweep();
  // Prometheus text: per destination queue depth, last success, failures and backoff.
  std::string metricsText();

 private:
  struct Destination;
  void run(const std::string& destination);
  // Sends `txn`; with nothing to send, goes idle unless woken meanwhile.
  void continueWith(const std::string& destination, const std::optional<OutboundTxn>& txn);
  void send(const std::string& destination, const OutboundTxn& txn);
  void onResult(const std::string& destination, const std::string& txn_id, const net::HttpResult& r);
  void fail(const std::string& destination, const std::string& error);
  void onTimer(const std::string& destination, uint64_t generation);
  bool submit(const std::string& destination);
  std::string transactionBody(const OutboundTxn& txn) const;

  SenderOptions options_;
  OutboxStore& store_;
  FederationClient& client_;
  const core::Clock& clock_;
  std::unique_ptr<core::ThreadPool> pool_;
  std::unique_ptr<core::RetryScheduler> timers_;
  std::mutex mu_;
  std::map<std::string, std::unique_ptr<Destination>> destinations_;  // guarded by mu_
};

}  // namespace hs::fed
