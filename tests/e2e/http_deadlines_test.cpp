// The real server's requests that take longer than the head's timeout, over real sockets with
// a 300 ms header timeout: a /sync long-poll, a download waiting for its upload, and
// registrations hashing passwords at full cost while others do too. The old HTTP layer
// answered each of them 408 once its header timer ran out, whatever the handler was doing.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "homeserver/core/json.h"
#include "tests/support/raw_http.h"
#include "tests/support/test_server.h"

namespace hs::test {
namespace {

using Clock = std::chrono::steady_clock;

int portOf(const TestServer& s) {
  const std::string url = s.url("");
  return std::stoi(url.substr(url.rfind(':') + 1));
}

std::string field(const std::string& body, const char* name) {
  auto doc = json::tryParse(body);
  return doc && doc->IsObject() && doc->HasMember(name) ? (*doc)[name].GetString() : "";
}

void shortHeaderTimeout(config::Config& c) { c.http.header_timeout_ms = 300; }

TEST(HttpDeadlines, ASyncLongPollPastTheHeaderTimeoutIsAnswered200OnTheSameConnection) {
  TestServer server(shortHeaderTimeout);
  const std::string token = server.registerUser("poller");
  const std::string since = field(server.get("/_matrix/client/v3/sync", token).body, "next_batch");
  RawConnection c(portOf(server));
  const std::string auth = "Authorization: Bearer " + token + "\r\n";
  const auto start = Clock::now();
  c.send(rawRequest("GET", "/_matrix/client/v3/sync?timeout=1500&since=" + since, auth));
  const auto r = c.readResponse(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200) << r->body;
  EXPECT_GE(Clock::now() - start, 1400ms);  // held for its timeout, five times the head's
  c.send(rawRequest("GET", "/_matrix/client/v3/account/whoami", auth));
  EXPECT_EQ(c.readResponse(5s)->status, 200);
}

TEST(HttpDeadlines, ADownloadWaitingForItsUploadIsAnsweredWhenItArrives) {
  TestServer server(shortHeaderTimeout);
  const std::string token = server.registerUser("waiter");
  const auto created = server.post("/_matrix/media/v1/create", "", token);
  const std::string uri = field(created.body, "content_uri");
  const std::string id = uri.substr(uri.rfind('/') + 1);
  RawConnection c(portOf(server));
  c.send(rawRequest("GET", "/_matrix/client/v1/media/download/localhost/" + id + "?timeout_ms=5000",
                    "Authorization: Bearer " + token + "\r\n"));
  std::this_thread::sleep_for(1s);  // past the head's timeout
  const auto put = httpRequest("PUT", server.url("/_matrix/media/v3/upload/localhost/" + id),
                               "late bytes", {"Authorization: Bearer " + token, "Content-Type: text/plain"});
  EXPECT_EQ(put.status, 200) << put.body;
  const auto r = c.readResponse(10s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "late bytes");
}

TEST(HttpDeadlines, TwentyRegistrationsAtFullPasswordCostAllSucceed) {
  TestServer server([](config::Config& c) {
    shortHeaderTimeout(c);
    c.auth.password_ops_limit = 2;  // libsodium's interactive cost, as deployed
    c.auth.password_mem_limit_kib = 64 * 1024;
  });
  std::vector<std::future<int>> done;
  for (int i = 0; i < 20; ++i) {  // as many as the issue saw answered 408
    done.push_back(std::async(std::launch::async, [&server, i] {
      RawConnection c(portOf(server));
      c.send(rawRequest("POST", "/_matrix/client/v3/register", "Content-Type: application/json\r\n",
                        R"({"username":"slow)" + std::to_string(i) +
                            R"(","password":"password123","auth":{"type":"m.login.dummy"}})"));
      const auto r = c.readResponse(60s);
      return r ? r->status : 0;
    }));
  }
  for (auto& f : done) {
    EXPECT_EQ(f.get(), 200);
  }
}

}  // namespace
}  // namespace hs::test
