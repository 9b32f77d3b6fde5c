#pragma once
// One client connection, owned by one reactor and touched only on its thread. It reads with a
// budget, frames requests with Parley's own parser (head caps, Content-Length checked against
// the route's limit before any body byte is kept, a bounded chunked decoder), answers one
// request at a time in order (pipelined requests wait in a bounded buffer), and writes
// responses, files included, without ever blocking. Every phase has a deadline:
//   head      the request line and headers (and the TLS handshake) within header_timeout of
//             their first byte (of the connection, for its first request)
//   body      no more than body_timeout between two pieces of the body
//   waiting   the handler answers within handler_timeout (a route may set its own), a parked
//             long-poll within long_poll_timeout; past it the client gets 504
//   idle      a keep-alive connection with no request is closed after idle_timeout
//   sending   a client that reads nothing of its response for send_timeout is dropped
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/http/body_stream.h"
#include "homeserver/http/chunked_decoder.h"
#include "homeserver/http/connection_responder.h"
#include "homeserver/http/request_parser.h"
#include "homeserver/http/server_context.h"
#include "homeserver/http/socket_stream.h"

namespace hs::http {

class Connection {
 public:
  using Clock = std::chrono::steady_clock;

  Connection(ServerContext& ctx, std::shared_ptr<Mailbox> mailbox, uint64_t id,
             std::unique_ptr<SocketStream> io, std::string remote_ip, Clock::time_point now);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  uint64_t id() const { return id_; }
  const std::string& remoteIp() const { return remote_ip_; }
  // The socket reported `events` (epoll): notes readability, then drives.
  void onEvents(uint32_t events, Clock::time_point now);
  // Makes all the progress it can without blocking: handshake, read, frame, dispatch, write.
  void drive(Clock::time_point now);
  void deliver(Delivery delivery, Clock::time_point now);
  // Enforces the phase's deadline; true when it acted (the connection has output or closed).
  bool tick(Clock::time_point now);
  // Closed: the reactor destroys it.
  bool finished() const { return finished_; }
  // Between requests with nothing buffered either way: may be closed to admit a new client.
  bool idle() const;
  // Stopped at a budget (or TLS holds decrypted bytes): drive it again without an event.
  bool needsRevisit() const { return revisit_ && !finished_; }
  void close(const char* reason);

 private:
  enum class Phase { Head, Body, Waiting, Closing };
  struct OutPiece {
    std::string bytes;
    size_t offset = 0;
    int file_fd = -1;  // a file body: file_left bytes from file_offset
    off_t file_offset = 0;
    uint64_t file_left = 0;
  };

  // Input.
  bool wantsInput() const;
  bool readInput(size_t& budget);
  std::string_view unread() const;
  void consume(size_t n);
  bool processInput(Clock::time_point now);
  bool parseHead(Clock::time_point now);
  void onHead(RequestHead& head, Clock::time_point now);
  void startBody(const RequestHead& head, Clock::time_point now);
  bool feedBody(Clock::time_point now);
  void bodyPiece(std::string_view piece);
  void bodyComplete(Clock::time_point now);
  void dispatch(Clock::time_point now);
  void failStream();
  void handleEof();

  // Output.
  bool flushOutput(size_t& budget, Clock::time_point now);
  void queueResponse(Response res, int file_fd, uint64_t file_size);
  void answer(Response res, const RouteNote& note, const std::string& server_note, int file_fd = -1,
              uint64_t file_size = 0);
  void refuse(int status, const std::string& message);
  void requestDone(Clock::time_point now);
  void startClosing(Clock::time_point now);
  void onDeadline(Clock::time_point now);
  void abandonRequest();
  void finish();

  ServerContext& ctx_;
  std::shared_ptr<Mailbox> mailbox_;
  uint64_t id_;
  std::unique_ptr<SocketStream> io_;
  std::string remote_ip_;

  Phase phase_ = Phase::Head;
  Clock::time_point deadline_;
  bool head_started_ = false;  // the deadline is the head's, not the idle one
  HeadParser parser_;
  std::string in_;
  size_t in_off_ = 0;
  bool eof_ = false;
  // Bytes may be waiting in the socket: set by a readable event, cleared by a short read (the
  // socket is edge-triggered), so an answer or a deadline costs no needless recv().
  bool readable_ = true;
  bool read_paused_ = false;  // a streaming body's sink is behind
  bool revisit_ = false;
  bool finished_ = false;
  bool write_shut_ = false;

  // The request being served.
  uint64_t seq_ = 0;
  std::shared_ptr<Request> req_;
  std::shared_ptr<ConnectionResponder> responder_;
  Clock::time_point req_start_;
  Clock::time_point dispatched_at_;
  std::chrono::milliseconds handler_deadline_{0};  // the route's, or the server's
  bool keep_alive_ = true;
  bool head_request_ = false;
  bool http10_ = false;
  bool answered_ = false;  // its response is queued (maybe before its body ended)
  bool close_after_ = false;
  uint64_t body_left_ = 0;
  std::optional<ChunkedDecoder> chunked_;
  std::shared_ptr<BodyStream> stream_;

  std::deque<OutPiece> out_;
  uint64_t out_bytes_ = 0;
  Clock::time_point last_write_;
};

}  // namespace hs::http
