#pragma once
// Integration-test support for federation: test servers that federate over real TLS on
// loopback (certificates from a TestPki), requests signed as a server the test plays, and the
// few database reads and writes tests need to see what was (or was not) stored.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "homeserver/core/signing.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_server.h"

namespace hs::test {

// "localhost:<port>": the server name of a federating test server.
std::string fedName(int port);

// A TestServer tweak: serves federation on `port` as localhost:<port>, with a certificate for
// localhost and 127.0.0.1 from `pki`, trusting the PKI's CA for outbound TLS, 127.0.0.0/8
// allowed, and retries fast (initial backoff 200 ms, at most 2 s).
std::function<void(config::Config&)> federating(TestPki& pki, int port,
                                                std::function<void(config::Config&)> more = {});

// Two test servers federating over TLS on loopback, as localhost:<p1_> and localhost:<p2_>.
class FederatingPair : public ::testing::Test {
 protected:
  void SetUp() override;
  TestPki pki_;
  int p1_ = 0, p2_ = 0;
  std::unique_ptr<TestServer> hs1_, hs2_;
};

// A federation request to `server`, signed by `key` as `origin` (the test plays a server).
// `destination` defaults to the server's name; `header` replaces the whole Authorization.
struct SignedRequest {
  std::string method = "GET";
  std::string target;
  std::string body;
  std::optional<std::string> destination;
  std::optional<std::string> header;
};
HttpResult signedRequest(TestServer& server, const core::SigningKey& key, const std::string& origin,
                         const SignedRequest& r, const std::string& ca_file);

// A single number from a query against a test server's database.
int64_t queryCount(const std::string& db_url, const std::string& sql);
// Makes `user_id` (of another server) a joined member of a local room. Stands in for the
// federated join of the "Federated rooms" issue, so room-scoped EDUs have someone to go to.
void addRemoteMember(const std::string& db_url, const std::string& room_id, const std::string& user_id);

}  // namespace hs::test
