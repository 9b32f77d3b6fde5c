#pragma once
// Sends a message over SMTP on the outbound pool and waits for the outcome, so a request
// thread never talks to the mail server itself and holds no database lease meanwhile.
#include <string>

#include "homeserver/config/config.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/net/outbound_client.h"

namespace hs::email {

class Mailer {
 public:
  Mailer(const config::Smtp& smtp, net::OutboundClient& client, core::ThreadPool& pool)
      : smtp_(smtp), client_(client), pool_(pool) {}

  bool enabled() const { return !smtp_.host.empty(); }
  // `message` is a whole RFC 5322 message. Throws MatrixError: 502 M_UNKNOWN when the mail
  // server cannot be reached or refuses it (the details go to the log), 503 when the pool is
  // full.
  void send(const std::string& to, const std::string& message);

 private:
  const config::Smtp& smtp_;
  net::OutboundClient& client_;
  core::ThreadPool& pool_;
};

}  // namespace hs::email
