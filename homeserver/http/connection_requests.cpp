// A connection's requests: the head parsed, the body framed and checked against its route's
// limit, the request dispatched to a worker, and its answer (or a late one) taken in.
#include <spdlog/spdlog.h>
#include <unistd.h>

#include "homeserver/http/access_log.h"
#include "homeserver/http/connection.h"
#include "homeserver/http/response_head.h"

namespace hs::http {

namespace {
constexpr uint64_t kOutputLowWater = 64 * 1024;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

Request requestOf(RequestHead& head) {
  Request req;
  req.method = std::move(head.method);
  req.target = head.target;
  const size_t q = req.target.find('?');
  req.path = req.target.substr(0, q);
  if (q != std::string::npos) {
    req.query = parseQueryString(req.target.substr(q + 1));
  }
  for (auto& [name, value] : head.headers) {
    auto [it, inserted] = req.headers.emplace(std::move(name), value);
    if (!inserted) {
      it->second.append(", ").append(value);  // RFC 9110 5.3: repeated fields form one list
    }
  }
  return req;
}
}  // namespace

bool Connection::processInput(Clock::time_point now) {
  switch (phase_) {
    case Phase::Head:
      return parseHead(now);
    case Phase::Body:
      return feedBody(now);
    case Phase::Waiting:
      return false;  // pipelined bytes wait until this request is answered
    case Phase::Closing: {
      const size_t n = unread().size();  // lingering: dropped
      consume(n);
      return n > 0;
    }
  }
  return false;
}

bool Connection::parseHead(Clock::time_point now) {
  if (out_bytes_ > kOutputLowWater || unread().empty()) {
    return false;  // a client that does not read its answers gets no more of them
  }
  const size_t used = parser_.feed(unread());
  consume(used);
  if (!head_started_ && parser_.started()) {
    head_started_ = true;
    deadline_ = now + ctx_.options.header_timeout;
  }
  if (parser_.state() == HeadParser::State::Failed) {
    const FramingError error = parser_.error();
    refuse(error.status, error.message);
    return true;
  }
  if (parser_.state() == HeadParser::State::Complete) {
    onHead(parser_.head(), now);
    return true;
  }
  return used > 0;
}

void Connection::onHead(RequestHead& head, Clock::time_point now) {
  ++seq_;
  req_start_ = now;
  answered_ = false;
  close_after_ = false;
  keep_alive_ = head.keep_alive;
  http10_ = head.minor_version == 0;
  head_request_ = head.method == "HEAD";
  handler_deadline_ = ctx_.options.handler_timeout;
  req_ = std::make_shared<Request>(requestOf(head));
  req_->remote_ip = remote_ip_;
  req_->request_id = newRequestId();
  responder_ = std::make_shared<ConnectionResponder>(
      mailbox_, id_, seq_, RequestTag{req_->request_id, req_->method, now});
  req_->responder = responder_;
  const RequestHead framing = std::move(head);
  parser_.reset();
  head_started_ = false;
  if (!ctx_.accepting.load()) {
    close_after_ = true;
    answer(serverErrorResponse(503, "Server is shutting down"), RouteNote{"(shutdown)", "-", 0},
           "shutting down");
    return requestDone(now);
  }
  if (!framing.hasBody()) {
    return dispatch(now);
  }
  startBody(framing, now);
}

// The route's limit is known before any body byte is read: a declared length past it is
// refused at once, a chunked body when its running total would pass it.
void Connection::startBody(const RequestHead& head, Clock::time_point now) {
  const BodyPolicy policy = ctx_.dispatcher.bodyPolicy(req_->method, req_->path);
  const uint64_t limit = std::min<uint64_t>(static_cast<uint64_t>(std::max<int64_t>(policy.max_body, 0)),
                                            ctx_.options.max_request_size);
  if (head.content_length && *head.content_length > limit) {
    return refuse(413, "Request body too large");
  }
  phase_ = Phase::Body;
  deadline_ = now + ctx_.options.body_timeout;
  if (head.chunked) {
    chunked_.emplace(limit);
  } else {
    body_left_ = *head.content_length;
    if (!policy.streaming) {
      req_->body.reserve(body_left_);
    }
  }
  if (head.expect_continue && unread().empty()) {
    OutPiece go_on;
    go_on.bytes = std::string(kContinue);
    out_bytes_ += go_on.bytes.size();
    out_.push_back(std::move(go_on));
  }
  if (policy.streaming) {
    stream_ = std::make_shared<BodyStream>(ctx_.dispatcher, ctx_.workers, req_, responder_, mailbox_,
                                           id_, seq_);
    if (!stream_->start()) {
      failStream();
    }
  }
}

// The worker pool could not take a streaming body's work: the request fails, its body is read
// and dropped.
void Connection::failStream() {
  abandonRequest();
  close_after_ = true;
  answer(serverErrorResponse(503, "Server is busy"), RouteNote{"(busy)", "-", 0},
         "the worker pool is full");
}

bool Connection::feedBody(Clock::time_point now) {
  const std::string_view avail = unread();
  if (avail.empty()) {
    return false;
  }
  size_t used = 0;
  bool done = false;
  if (chunked_) {
    used = chunked_->feed(avail, [this](std::string_view piece) { bodyPiece(piece); });
    if (chunked_->state() == ChunkedDecoder::State::Failed) {
      consume(used);
      refuse(chunked_->errorStatus(), chunked_->error());
      return true;
    }
    done = chunked_->state() == ChunkedDecoder::State::Done;
  } else {
    used = static_cast<size_t>(std::min<uint64_t>(body_left_, avail.size()));
    bodyPiece(avail.substr(0, used));
    body_left_ -= used;
    done = body_left_ == 0;
  }
  consume(used);
  deadline_ = now + ctx_.options.body_timeout;
  if (done && !finished_) {
    bodyComplete(now);
  }
  return true;
}

void Connection::bodyPiece(std::string_view piece) {
  if (answered_ || piece.empty()) {
    return;  // answered before the body ended: the rest is dropped
  }
  if (!stream_) {
    req_->body.append(piece);
    return;
  }
  if (stream_->answered()) {
    return;
  }
  if (!stream_->push(piece)) {
    return failStream();
  }
  if (stream_->pauseReading()) {
    read_paused_ = true;
  }
}

void Connection::bodyComplete(Clock::time_point now) {
  chunked_.reset();
  if (answered_) {
    return requestDone(now);
  }
  if (!stream_) {
    return dispatch(now);
  }
  phase_ = Phase::Waiting;
  dispatched_at_ = now;
  deadline_ = now + handler_deadline_;
  if (!stream_->answered() && !stream_->end()) {
    failStream();
    requestDone(now);
  }
}

void Connection::dispatch(Clock::time_point now) {
  phase_ = Phase::Waiting;
  dispatched_at_ = now;
  deadline_ = now + handler_deadline_;
  auto task = [&dispatcher = ctx_.dispatcher, req = req_, responder = responder_] {
    Response res = dispatcher.handle(*req);
    if (res.deferred) {
      responder->markDeferred();
    } else {
      responder->sendPrepared(std::move(res));
    }
  };
  if (!ctx_.accepting.load() || !ctx_.workers.trySubmit(std::move(task))) {
    answer(serverErrorResponse(503, "Server is busy or shutting down"),
           RouteNote{"(busy)", "-", 0}, "the worker pool is full");
    requestDone(now);
  }
}

void Connection::deliver(Delivery d, Clock::time_point now) {
  const bool current = d.seq == seq_ && req_ && !answered_ && phase_ != Phase::Closing;
  switch (d.kind) {
    case Delivery::Kind::ResumeReading:
      if (d.seq == seq_) {
        read_paused_ = false;
      }
      return;
    case Delivery::Kind::Deferred:
      if (current && phase_ == Phase::Waiting) {
        deadline_ = now + ctx_.options.long_poll_timeout;
      }
      return;
    case Delivery::Kind::Deadline:
      if (current) {
        handler_deadline_ = std::chrono::milliseconds(d.note.deadline_ms);
        if (phase_ == Phase::Waiting) {
          deadline_ = dispatched_at_ + handler_deadline_;
        }
      }
      return;
    case Delivery::Kind::Response:
      break;
  }
  if (!current) {
    spdlog::info("{} {} {}: the handler's {} came after the server had answered; dropped",
                 d.tag.request_id, d.tag.method, d.note.route, d.response.status);
    closeFileOf(d);
    return;
  }
  answer(std::move(d.response), d.note, "", d.file_fd, d.file_size);
  if (phase_ == Phase::Waiting) {
    requestDone(now);
  }
}

void Connection::requestDone(Clock::time_point now) {
  stream_.reset();
  chunked_.reset();
  req_.reset();
  responder_.reset();
  read_paused_ = false;
  answered_ = false;
  head_started_ = false;
  if (close_after_) {
    return startClosing(now);
  }
  phase_ = Phase::Head;
  deadline_ = now + ctx_.options.idle_timeout;
}

}  // namespace hs::http
