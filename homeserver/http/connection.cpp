// A connection's I/O, output and deadlines; connection_requests.cpp frames and dispatches.
#include "homeserver/http/connection.h"

#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "homeserver/http/access_log.h"
#include "homeserver/http/response_head.h"

namespace hs::http {

namespace {
constexpr size_t kReadChunk = 64 * 1024;
// Per drive(): a client sending or receiving fast cannot keep the reactor from its others.
constexpr size_t kReadBudget = 256 * 1024;
constexpr size_t kWriteBudget = 1024 * 1024;
// Input kept while a request is being answered (pipelined requests); reading stops beyond it.
constexpr size_t kMaxBufferedInput = 64 * 1024;
// The next request is not taken up while more than this of the last response is unsent.
constexpr uint64_t kOutputLowWater = 64 * 1024;
// After an error answer, what the client still sends is read and dropped for this long, so
// closing with unread bytes (a TCP reset) cannot destroy the answer on its way.
constexpr std::chrono::seconds kLinger{2};
}  // namespace

Connection::Connection(ServerContext& ctx, std::shared_ptr<Mailbox> mailbox, uint64_t id,
                       std::unique_ptr<SocketStream> io, std::string remote_ip,
                       Clock::time_point now)
    : ctx_(ctx), mailbox_(std::move(mailbox)), id_(id), io_(std::move(io)),
      remote_ip_(std::move(remote_ip)), deadline_(now + ctx.options.header_timeout),
      parser_(ctx.options.head_limits), last_write_(now) {}

Connection::~Connection() {
  abandonRequest();
  for (auto& piece : out_) {
    if (piece.file_fd >= 0) {
      ::close(piece.file_fd);
    }
  }
}

bool Connection::idle() const {
  return phase_ == Phase::Head && !head_started_ && out_.empty() && unread().empty() &&
         io_->established() && !finished_;
}

void Connection::close(const char* reason) {
  spdlog::debug("connection {} from {} closed: {}", id_, remote_ip_, reason);
  finish();
}

void Connection::finish() {
  if (!finished_) {
    finished_ = true;
    abandonRequest();
  }
}

// The request in progress dies with the connection: its body's sink is discarded, and its
// answer, if one comes, is dropped by deliver() (the connection no longer exists).
void Connection::abandonRequest() {
  if (stream_) {
    stream_->abandon();
    stream_.reset();
  }
}

void Connection::onEvents(uint32_t events, Clock::time_point now) {
  if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) {
    readable_ = true;
  }
  drive(now);
}

void Connection::drive(Clock::time_point now) {
  revisit_ = false;
  if (finished_) {
    return;
  }
  if (!io_->established()) {
    const Io r = io_->handshake();
    if (r == Io::Failed) {
      return close("TLS handshake failed");
    }
    if (r == Io::WouldBlock) {
      return;
    }
  }
  size_t read_budget = kReadBudget;
  size_t write_budget = kWriteBudget;
  bool progress = true;
  while (progress && !finished_) {
    progress = flushOutput(write_budget, now);
    progress = processInput(now) || progress;
    if (!finished_ && wantsInput()) {
      progress = readInput(read_budget) || progress;
    }
  }
  if (eof_ && !finished_) {
    handleEof();
  }
  revisit_ = read_budget == 0 || write_budget == 0 || (io_->hasBufferedInput() && wantsInput());
}

// ---- input --------------------------------------------------------------------------------

std::string_view Connection::unread() const {
  return std::string_view(in_).substr(in_off_);
}

void Connection::consume(size_t n) {
  in_off_ += n;
  if (in_off_ == in_.size()) {
    in_.clear();
    in_off_ = 0;
  }
}

bool Connection::wantsInput() const {
  if (eof_ || finished_) {
    return false;
  }
  if (phase_ == Phase::Closing) {
    return write_shut_;  // lingering: read and drop
  }
  if (read_paused_) {
    return false;
  }
  return phase_ == Phase::Body || unread().size() < kMaxBufferedInput;
}

bool Connection::readInput(size_t& budget) {
  thread_local char buf[kReadChunk];
  bool got = false;
  // TLS may hold decrypted bytes whatever the socket says: it is always worth a try.
  while (budget > 0 && (readable_ || io_->tls()) && wantsInput()) {
    const size_t asked = std::min(kReadChunk, budget);
    const IoResult r = io_->read(buf, asked);
    if (r.status == Io::WouldBlock) {
      readable_ = false;
      break;
    }
    if (r.status != Io::Done) {
      eof_ = true;  // closed or failed: either way nothing more will come
      break;
    }
    budget -= std::min(budget, r.bytes);
    got = true;
    if (in_off_ > 0 && in_off_ >= in_.size() / 2) {
      in_.erase(0, in_off_);
      in_off_ = 0;
    }
    in_.append(buf, r.bytes);
    if (r.bytes < asked && !io_->tls()) {
      readable_ = false;  // a short read emptied the socket; more data brings a new event
    }
  }
  return got;
}

// The client has closed (or half-closed) its side. A request it is still waiting for is not
// worth finishing: nobody reads the answer (nginx closes such connections too).
void Connection::handleEof() {
  if (phase_ == Phase::Closing) {
    if (out_.empty()) {
      finish();
    }
    return;
  }
  if (phase_ == Phase::Head && !out_.empty()) {
    startClosing(Clock::now());  // the last answer is still on its way: finish sending it
    return;
  }
  close("client closed the connection");
}

// ---- output -------------------------------------------------------------------------------

bool Connection::flushOutput(size_t& budget, Clock::time_point now) {
  bool wrote = false;
  while (!out_.empty() && budget > 0) {
    OutPiece& p = out_.front();
    IoResult r;
    if (p.file_fd >= 0) {
      const size_t len = static_cast<size_t>(std::min<uint64_t>(p.file_left, budget));
      r = io_->sendFile(p.file_fd, p.file_offset, len);
    } else {
      r = io_->write(p.bytes.data() + p.offset, std::min(p.bytes.size() - p.offset, budget));
    }
    if (r.status == Io::WouldBlock) {
      break;
    }
    if (r.status != Io::Done || r.bytes == 0) {
      close("write failed: the client is gone");
      return false;
    }
    budget -= std::min(budget, r.bytes);
    out_bytes_ -= r.bytes;
    last_write_ = now;
    wrote = true;
    bool piece_done = false;
    if (p.file_fd >= 0) {
      p.file_offset += static_cast<off_t>(r.bytes);
      p.file_left -= r.bytes;
      piece_done = p.file_left == 0;
    } else {
      p.offset += r.bytes;
      piece_done = p.offset == p.bytes.size();
    }
    if (piece_done) {
      if (p.file_fd >= 0) {
        ::close(p.file_fd);
      }
      out_.pop_front();
    }
  }
  if (out_.empty() && phase_ == Phase::Closing && !write_shut_) {
    io_->shutdownWrite();
    write_shut_ = true;
    deadline_ = now + kLinger;
  }
  return wrote;
}

void Connection::queueResponse(Response res, int file_fd, uint64_t file_size) {
  const bool has_file = file_fd >= 0;
  HeadFraming framing;
  framing.content_length = has_file ? file_size : res.body.size();
  framing.close = close_after_ || !keep_alive_ || !ctx_.accepting.load();
  framing.http10_keep_alive = http10_ && !framing.close;
  close_after_ = framing.close;
  OutPiece head;
  head.bytes = serializeHead(res, framing);
  if (!head_request_ && !has_file) {
    head.bytes.append(res.body);
  }
  out_bytes_ += head.bytes.size();
  out_.push_back(std::move(head));
  if (has_file && !head_request_ && file_size > 0) {
    OutPiece file;
    file.file_fd = file_fd;
    file.file_left = file_size;
    out_bytes_ += file_size;
    out_.push_back(std::move(file));
  } else if (has_file) {
    ::close(file_fd);
  }
}

// Queues the answer to the current request and logs what the client gets.
void Connection::answer(Response res, const RouteNote& note, const std::string& server_note,
                        int file_fd, uint64_t file_size) {
  answered_ = true;
  AccessEntry entry;
  entry.request_id = req_ ? req_->request_id : newRequestId();
  entry.method = req_ ? req_->method : parser_.head().method.empty() ? "-" : parser_.head().method;
  entry.route = note.route;
  entry.user = note.user;
  entry.status = res.status;
  entry.seconds = std::chrono::duration<double>(Clock::now() - req_start_).count();
  entry.note = server_note;
  logAccess(ctx_.metrics, entry);
  queueResponse(std::move(res), file_fd, file_size);
}

// Bad framing, or a body past its limit: answered at once, then the connection is closed.
void Connection::refuse(int status, const std::string& message) {
  abandonRequest();
  close_after_ = true;
  if (!req_) {
    req_start_ = Clock::now();
  }
  const std::string route = req_ && !req_->route.empty() ? req_->route : "(framing)";
  answer(serverErrorResponse(status, message), RouteNote{route, "-", 0}, message);
  startClosing(Clock::now());
}

void Connection::startClosing(Clock::time_point now) {
  phase_ = Phase::Closing;
  req_.reset();
  responder_.reset();
  read_paused_ = false;
  deadline_ = now + ctx_.options.send_timeout;
}

// ---- deadlines ----------------------------------------------------------------------------

bool Connection::tick(Clock::time_point now) {
  if (finished_) {
    return false;
  }
  if (!out_.empty() && now - last_write_ > ctx_.options.send_timeout) {
    close("the client read nothing of its response in time");
    return true;
  }
  if (phase_ == Phase::Head && !out_.empty()) {
    deadline_ = std::max(deadline_, now + ctx_.options.idle_timeout);  // still answering
    return false;
  }
  if (phase_ == Phase::Body && read_paused_) {
    deadline_ = now + ctx_.options.body_timeout;  // we are the slow side, not the client
    return false;
  }
  if (now < deadline_) {
    return false;
  }
  onDeadline(now);
  return true;
}

void Connection::onDeadline(Clock::time_point now) {
  switch (phase_) {
    case Phase::Head:
      if (head_started_) {
        return refuse(408, "The request head did not arrive in time");
      }
      return close(io_->established() ? "idle" : "TLS handshake timed out");
    case Phase::Body:
      return refuse(408, "The request body did not arrive in time");
    case Phase::Waiting: {
      const RouteNote note = responder_ ? responder_->note() : RouteNote{};
      answer(serverErrorResponse(504, "The server did not answer in time"), note,
             "handler deadline passed; a late answer will be dropped");
      return requestDone(now);
    }
    case Phase::Closing:
      return close("closing");
  }
}

}  // namespace hs::http
