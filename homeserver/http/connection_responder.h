#pragma once
// The Responder of one request on one connection: whichever thread answers (the worker that
// ran the handler, or later the one that ends a long-poll), the response goes to the
// connection's reactor through its mailbox, tagged with the connection and the request's
// sequence number. A connection that has closed, or moved on after answering the request
// itself (a deadline), drops it: a late answer can never reach another request or client.
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>

#include "homeserver/http/mailbox.h"
#include "homeserver/http/request.h"

namespace hs::http {

class ConnectionResponder final : public Responder {
 public:
  ConnectionResponder(std::shared_ptr<Mailbox> mailbox, uint64_t connection, uint64_t seq,
                      RequestTag tag)
      : mailbox_(std::move(mailbox)), connection_(connection), seq_(seq), tag_(std::move(tag)) {}

  // Deferred replies: the CORS headers are added here, as the dispatcher does for the others.
  void send(Response response) override;
  void onRouted(const RouteNote& note) override;
  // A response the dispatcher has finished (CORS included).
  void sendPrepared(Response response);
  // The handler parked the request: the connection waits up to the long-poll limit.
  void markDeferred();
  bool sent() const { return sent_.load(); }
  RouteNote note() const;

 private:
  void deliver(Response response);
  std::shared_ptr<Mailbox> mailbox_;
  uint64_t connection_;
  uint64_t seq_;
  const RequestTag tag_;
  std::atomic<bool> sent_{false};
  mutable std::mutex mu_;
  RouteNote note_{"(unknown)", "-", 0};  // guarded by mu_
};

}  // namespace hs::http
