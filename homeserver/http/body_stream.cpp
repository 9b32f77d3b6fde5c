#include "homeserver/http/body_stream.h"

#include <algorithm>

namespace hs::http {

namespace {
// Pieces are joined up to this size while the sink is busy: each socket read (a chunk of a
// chunked body, often tiny) would otherwise be one allocation and one hand-off to the sink.
constexpr size_t kJoinBelow = 1 << 20;
}  // namespace

BodyStream::BodyStream(Dispatcher& dispatcher, core::ThreadPool& workers,
                       std::shared_ptr<Request> request,
                       std::shared_ptr<ConnectionResponder> responder,
                       std::shared_ptr<Mailbox> mailbox, uint64_t connection, uint64_t seq)
    : dispatcher_(dispatcher), workers_(workers), request_(std::move(request)),
      responder_(std::move(responder)), mailbox_(std::move(mailbox)), connection_(connection),
      seq_(seq) {}

bool BodyStream::scheduleLocked() {
  if (scheduled_) {
    return true;
  }
  scheduled_ = workers_.trySubmit([self = shared_from_this()] { self->run(); });
  return scheduled_;
}

bool BodyStream::start() {
  std::lock_guard lock(mu_);
  return scheduleLocked();
}

bool BodyStream::push(std::string_view piece) {
  std::lock_guard lock(mu_);
  if (pieces_.empty() || pieces_.back().size() + piece.size() > kJoinBelow) {
    pieces_.emplace_back();
    pieces_.back().reserve(std::max(piece.size(), kJoinBelow));
  }
  pieces_.back().append(piece);
  queued_bytes_ += piece.size();
  return scheduleLocked();
}

bool BodyStream::end() {
  std::lock_guard lock(mu_);
  ended_ = true;
  return scheduleLocked();
}

void BodyStream::abandon() {
  std::lock_guard lock(mu_);
  abandoned_ = true;
  pieces_.clear();
  queued_bytes_ = 0;
  scheduleLocked();  // the sink is dropped on a worker, never on the reactor
}

bool BodyStream::pauseReading() {
  std::lock_guard lock(mu_);
  if (queued_bytes_ > kHighWater) {
    reader_paused_ = true;
  }
  return reader_paused_;
}

void BodyStream::answer(Response response) {
  done_ = true;
  sink_.reset();
  answered_ = true;
  responder_->sendPrepared(std::move(response));
}

void BodyStream::begin() {
  begun_ = true;
  StreamStart start = dispatcher_.beginStream(*request_);
  if (start.sink) {
    sink_ = std::move(start.sink);
  } else {
    answer(std::move(start.response));
  }
}

void BodyStream::writeBatch(std::deque<std::string>& batch) {
  for (const auto& piece : batch) {
    if (done_) {
      return;
    }
    if (auto error = dispatcher_.writeStream(*request_, *sink_, piece)) {
      answer(std::move(*error));
    }
  }
}

// The one worker task of this stream: takes what has arrived, writes it, and ends the request
// once the whole body is in; returns when the queue is empty.
void BodyStream::run() {
  if (!begun_) {
    begin();
  }
  for (;;) {
    std::deque<std::string> batch;
    bool resume = false;
    bool ended = false;
    bool abandoned = false;
    {
      std::lock_guard lock(mu_);
      batch.swap(pieces_);
      queued_bytes_ = 0;
      resume = std::exchange(reader_paused_, false);
      ended = ended_;
      abandoned = abandoned_;
      if (batch.empty() && (done_ || abandoned || !ended)) {
        scheduled_ = false;
      }
    }
    if (resume) {
      Delivery d;
      d.kind = Delivery::Kind::ResumeReading;
      d.connection = connection_;
      d.seq = seq_;
      mailbox_->post(std::move(d));
    }
    if (abandoned) {
      done_ = true;
      sink_.reset();
    }
    if (batch.empty() && (done_ || !ended)) {
      return;
    }
    writeBatch(batch);
    if (ended && !done_) {
      Response res = dispatcher_.finishStream(*request_, *sink_);
      answer(std::move(res));
    }
  }
}

}  // namespace hs::http
