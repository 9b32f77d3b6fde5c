#include "homeserver/services/email/mailer.h"

#include <spdlog/spdlog.h>

#include <future>
#include <memory>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/email/email_text.h"

namespace hs::email {

using core::ErrCode;
using core::MatrixError;

void Mailer::send(const std::string& to, const std::string& message) {
  net::SmtpSettings s{smtp_.host, smtp_.port, smtp_.security, smtp_.username, smtp_.password,
                      smtp_.ca_file, smtp_.verify_tls, smtp_.timeout_ms};
  net::Mail mail{envelopeAddress(smtp_.from), {to}, message};
  auto outcome = std::make_shared<std::promise<std::string>>();  // empty: sent
  std::future<std::string> done = outcome->get_future();
  const bool queued = pool_.trySubmit([this, s = std::move(s), mail = std::move(mail), outcome] {
    try {
      client_.sendMail(s, mail);
      outcome->set_value("");
    } catch (const std::exception& e) {  // handed back to the waiting request
      outcome->set_value(e.what());
    }
  });
  if (!queued) {
    throw MatrixError(ErrCode::Unavailable, "The server is too busy to send email now");
  }
  // The transfer has its own timeouts; this only guards against a pool that stopped.
  if (done.wait_for(std::chrono::milliseconds(2 * smtp_.timeout_ms + 1000)) != std::future_status::ready) {
    spdlog::warn("email to {}: no outcome in time", to);
    throw MatrixError(ErrCode::Unknown, "Could not send the email: the mail server did not answer", 502);
  }
  if (const std::string error = done.get(); !error.empty()) {
    spdlog::warn("email to {} failed: {}", to, error);
    throw MatrixError(ErrCode::Unknown,
                      "Could not send the email: the mail server is unreachable or refused it", 502);
  }
}

}  // namespace hs::email
