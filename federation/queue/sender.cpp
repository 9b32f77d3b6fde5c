#include "federation/queue/sender.h"

#include <spdlog/spdlog.h>

#include "homeserver/core/json.h"

namespace hs::fed {

namespace {
constexpr size_t kMaxQueuedTasks = 1 << 20;  // a task per destination at most, in practice
constexpr auto kSweepInterval = std::chrono::seconds(60);

std::string describe(const net::HttpResult& r) {
  if (!r.response) {
    return r.error;
  }
  return "HTTP " + std::to_string(r.response->status) + ": " + r.response->body.substr(0, 200);
}
}  // namespace

struct Sender::Destination {
  enum class State { Idle, Busy, BackingOff };
  State state = State::Idle;
  bool more = false;        // woken while busy: look for rows again when done
  int failures = 0;         // consecutive
  uint64_t generation = 0;  // of the armed backoff timer; a stale timer does nothing
};

Sender::Sender(SenderOptions options, OutboxStore& store, FederationClient& client, const core::Clock& clock)
    : options_(std::move(options)), store_(store), client_(client), clock_(clock),
      pool_(std::make_unique<core::ThreadPool>("fed-sender", options_.threads, kMaxQueuedTasks)),
      timers_(std::make_unique<core::RetryScheduler>(*pool_)) {}

Sender::~Sender() { stop(); }

void Sender::stop() {
  timers_.reset();  // before the pool, which its timer thread feeds
  if (pool_) {
    pool_->stop();
  }
}

bool Sender::submit(const std::string& destination) {
  if (pool_->trySubmit([this, destination] { run(destination); })) {
    return true;
  }
  spdlog::warn("federation sender: no room to run {} now; the next sweep will", destination);
  return false;
}

void Sender::start() {
  const int64_t now = clock_.nowMs();
  for (const auto& st : store_.destinationsWithWork()) {
    std::lock_guard lock(mu_);
    auto& d = destinations_[st.destination];
    if (!d) {
      d = std::make_unique<Destination>();
    }
    d->failures = st.failures;
    if (st.retry_at_ms > now && d->state == Destination::State::Idle) {  // the stored schedule
      d->state = Destination::State::BackingOff;
      const uint64_t gen = ++d->generation;
      timers_->runAfter(std::chrono::milliseconds(st.retry_at_ms - now),
                        [this, dest = st.destination, gen] { onTimer(dest, gen); });
    } else if (d->state == Destination::State::Idle) {
      d->state = Destination::State::Busy;
      if (!submit(st.destination)) {
        d->state = Destination::State::Idle;
      }
    }
  }
  timers_->runAfter(kSweepInterval, [this] { sweep(); });
}

void Sender::wake(const std::string& destination) {
  std::lock_guard lock(mu_);
  auto& d = destinations_[destination];
  if (!d) {
    d = std::make_unique<Destination>();
  }
  if (d->state == Destination::State::Busy) {
    d->more = true;
    return;
  }
  if (d->state == Destination::State::BackingOff) {
    return;  // its timer (or the destination coming back) will send
  }
  d->state = Destination::State::Busy;
  if (!submit(destination)) {
    d->state = Destination::State::Idle;
  }
}

void Sender::sweep() {
  try {
    for (const auto& st : store_.destinationsWithWork()) {
      wake(st.destination);
    }
  } catch (const std::exception& e) {
    spdlog::warn("federation sender sweep: {}", e.what());
  }
  if (timers_) {
    timers_->runAfter(kSweepInterval, [this] { sweep(); });
  }
}

void Sender::run(const std::string& destination) {
  std::optional<OutboundTxn> txn;
  try {
    txn = store_.takeTransaction(destination, kMaxPdus, kMaxEdus);
  } catch (const std::exception& e) {
    fail(destination, std::string("reading the queue: ") + e.what());
    return;
  }
  continueWith(destination, txn);
}

void Sender::continueWith(const std::string& destination, const std::optional<OutboundTxn>& txn) {
  if (txn) {
    send(destination, *txn);
    return;
  }
  std::lock_guard lock(mu_);
  auto& d = *destinations_[destination];
  if (d.more) {
    d.more = false;
    if (submit(destination)) {
      return;
    }
  }
  d.state = Destination::State::Idle;
}

std::string Sender::transactionBody(const OutboundTxn& txn) const {
  json::Writer w;
  w.startObject().key("origin").string(options_.our_server_name);
  w.key("origin_server_ts").integer(txn.origin_server_ts);
  w.key("pdus").startArray();
  for (const auto& pdu : txn.pdus) {
    w.raw(pdu);
  }
  w.endArray().key("edus").startArray();
  for (const auto& [type, content] : txn.edus) {
    w.startObject().key("edu_type").string(type).key("content").raw(content).endObject();
  }
  w.endArray().endObject();
  return w.take();
}

void Sender::send(const std::string& destination, const OutboundTxn& txn) {
  FederationRequest req;
  req.destination = destination;
  req.method = "PUT";
  req.target = "/_matrix/federation/v1/send/" + txn.txn_id;
  req.json_body = transactionBody(txn);
  req.timeout_ms = options_.request_timeout_ms;
  client_.request(std::move(req), [this, destination, txn_id = txn.txn_id](net::HttpResult r) {
    if (!pool_->trySubmit([this, destination, txn_id, r = std::move(r)] { onResult(destination, txn_id, r); })) {
      std::lock_guard lock(mu_);
      destinations_[destination]->state = Destination::State::Idle;  // the next sweep resends
    }
  });
}

void Sender::onResult(const std::string& destination, const std::string& txn_id, const net::HttpResult& r) {
  if (!r.response || r.response->status != 200) {
    fail(destination, describe(r));
    return;
  }
  {
    std::lock_guard lock(mu_);
    // The take below sees every row committed before it; a wake from here on sets it again.
    destinations_[destination]->more = false;
  }
  std::optional<OutboundTxn> next;
  try {
    next = store_.acknowledgeAndTakeNext(destination, txn_id, kMaxPdus, kMaxEdus);
  } catch (const std::exception& e) {
    fail(destination, std::string("recording the acknowledgement: ") + e.what());
    return;
  }
  {
    std::lock_guard lock(mu_);
    destinations_[destination]->failures = 0;
  }
  continueWith(destination, next);  // drain: the next transaction at once
}

void Sender::fail(const std::string& destination, const std::string& error) {
  int64_t backoff = 0;
  uint64_t gen = 0;
  int failures = 0;
  {
    std::lock_guard lock(mu_);
    auto& d = *destinations_[destination];
    failures = ++d.failures;
    backoff = std::min(options_.max_backoff_ms, options_.initial_backoff_ms << std::min(failures - 1, 30));
    d.state = Destination::State::BackingOff;
    d.more = false;
    gen = ++d.generation;
  }
  spdlog::info("federation to {} failed ({} in a row), retrying in {} ms: {}", destination, failures, backoff,
               error);
  try {
    store_.recordFailure(destination, backoff, error);
  } catch (const std::exception& e) {
    spdlog::warn("recording the failure of {}: {}", destination, e.what());
  }
  timers_->runAfter(std::chrono::milliseconds(backoff), [this, destination, gen] { onTimer(destination, gen); });
}

void Sender::onTimer(const std::string& destination, uint64_t generation) {
  {
    std::lock_guard lock(mu_);
    auto& d = *destinations_[destination];
    if (d.state != Destination::State::BackingOff || d.generation != generation) {
      return;
    }
    d.state = Destination::State::Busy;
  }
  run(destination);
}

void Sender::remoteIsUp(const std::string& server) {
  bool was_backing_off = false;
  {
    std::lock_guard lock(mu_);
    auto it = destinations_.find(server);
    if (it == destinations_.end() || it->second->failures == 0) {
      return;
    }
    auto& d = *it->second;
    d.failures = 0;
    ++d.generation;  // cancels the armed timer
    was_backing_off = d.state == Destination::State::BackingOff;
    if (was_backing_off) {
      d.state = Destination::State::Busy;
    }
  }
  spdlog::info("federation: {} is back, sending now", server);
  const bool queued = pool_->trySubmit([this, server, was_backing_off] {
    try {
      store_.resetBackoff(server);
    } catch (const std::exception& e) {
      spdlog::warn("resetting the backoff of {}: {}", server, e.what());
    }
    if (was_backing_off) {
      run(server);
    }
  });
  if (!queued && was_backing_off) {
    std::lock_guard lock(mu_);
    destinations_[server]->state = Destination::State::Idle;
  }
}

}  // namespace hs::fed
