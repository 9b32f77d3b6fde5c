#include "tests/support/federation_helpers.h"

#include <pqxx/pqxx>

#include "homeserver/core/json.h"
#include "homeserver/core/x_matrix.h"
#include "tests/support/sinks.h"

namespace hs::test {

std::string fedName(int port) { return "localhost:" + std::to_string(port); }

std::function<void(config::Config&)> federating(TestPki& pki, int port, std::function<void(config::Config&)> more) {
  const auto cert = pki.issue("hs" + std::to_string(port), {"localhost", "127.0.0.1"});
  const std::string ca = pki.caFile();
  return [cert, ca, port, more](config::Config& c) {
    c.server_name = fedName(port);
    c.federation_listener = config::Listener{};
    c.federation_listener->port = port;
    c.federation_listener->tls_cert_path = cert.cert_path;
    c.federation_listener->tls_key_path = cert.key_path;
    c.federation.ca_file = ca;
    c.federation.ip_range_whitelist = {"127.0.0.0/8"};
    c.federation.initial_backoff_ms = 200;
    c.federation.max_backoff_ms = 2000;
    c.federation.request_timeout_ms = 10000;
    if (more) {
      more(c);
    }
  };
}

void FederatingPair::SetUp() {
  p1_ = freeLoopbackPort();
  p2_ = freeLoopbackPort();
  hs1_ = std::make_unique<TestServer>(federating(pki_, p1_));
  hs2_ = std::make_unique<TestServer>(federating(pki_, p2_));
}

HttpResult signedRequest(TestServer& server, const core::SigningKey& key, const std::string& origin,
                         const SignedRequest& r, const std::string& ca_file) {
  const std::string destination = r.destination.value_or(server.config().server_name);
  std::optional<json::Document> content;
  if (!r.body.empty()) {
    content = json::tryParse(r.body);
  }
  const std::string authorization =
      r.header.value_or(core::xMatrixAuthorization(key, r.method, r.target, origin, destination,
                                                   content ? &*content : nullptr));
  return httpRequest(r.method, server.federationUrl(r.target), r.body,
                     {"Content-Type: application/json", "Authorization: " + authorization}, ca_file);
}

int64_t queryCount(const std::string& db_url, const std::string& sql) {
  pqxx::connection c(db_url);
  pqxx::nontransaction tx(c);
  return tx.exec(sql)[0][0].as<int64_t>();
}

void addRemoteMember(const std::string& db_url, const std::string& room_id, const std::string& user_id) {
  pqxx::connection c(db_url);
  pqxx::work tx(c);
  tx.exec_params(
      "INSERT INTO room_members (room_id, user_id, membership, event_nid, stream_pos) "
      "VALUES ($1, $2, 'join', 0, 0) ON CONFLICT (room_id, user_id) DO UPDATE SET membership = 'join'",
      room_id, user_id);
  tx.commit();
}

}  // namespace hs::test
