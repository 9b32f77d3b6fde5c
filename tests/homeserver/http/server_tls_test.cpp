// TLS through the same guard (the federation listener's mode), with a certificate made by
// openssl for the test: requests, chunked bodies and files over TLS, and a client that never
// finishes its handshake holds only its own connection.
#include <curl/curl.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "tests/support/http_test_server.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

class ServerTls : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::filesystem::path(std::filesystem::temp_directory_path() /
                                     ("parley-tls-" + std::to_string(::getpid())));
    std::filesystem::create_directories(*dir_);
    const std::string cmd =
        "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost "
        "-addext subjectAltName=DNS:localhost,IP:127.0.0.1 -keyout " + key() + " -out " + cert() +
        " >/dev/null 2>&1";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << "openssl could not make a certificate";
  }
  static void TearDownTestSuite() {
    std::filesystem::remove_all(*dir_);
    delete dir_;
  }
  static std::string cert() { return (*dir_ / "cert.pem").string(); }
  static std::string key() { return (*dir_ / "key.pem").string(); }

  struct Result {
    long status = 0;
    std::string body;
    CURLcode rc = CURLE_OK;
  };
  static size_t collect(char* data, size_t size, size_t n, void* out) {
    static_cast<std::string*>(out)->append(data, size * n);
    return size * n;
  }
  // One request over TLS, verifying the server's certificate against the test's own.
  static Result https(int port, const std::string& path, const std::string& body = "",
                      bool chunked = false) {
    Result r;
    std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
    const std::string url = "https://localhost:" + std::to_string(port) + path;
    curl_slist* headers = chunked ? curl_slist_append(nullptr, "Transfer-Encoding: chunked") : nullptr;
    curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl.get(), CURLOPT_CAINFO, cert().c_str());
    curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &r.body);
    curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 10L);
    curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers);
    if (!body.empty()) {
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
    }
    r.rc = curl_easy_perform(curl.get());
    curl_slist_free_all(headers);
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &r.status);
    return r;
  }
  static std::filesystem::path* dir_;
};
std::filesystem::path* ServerTls::dir_ = nullptr;

TEST_F(ServerTls, RequestsBodiesAndFilesGoThroughTheGuardOverTls) {
  HttpTestServer server([](http::ServerOptions& o) {
    o.tls_cert_path = cert();
    o.tls_key_path = key();
  });
  const auto fast = https(server.port(), "/fast");
  ASSERT_EQ(fast.rc, CURLE_OK) << curl_easy_strerror(fast.rc);
  EXPECT_EQ(fast.status, 200);
  EXPECT_EQ(fast.body, R"({"ok":true})");
  const std::string json = R"({"k":")" + std::string(40000, 'v') + "\"}";
  const auto echoed = https(server.port(), "/echo", json, /*chunked=*/true);
  EXPECT_EQ(echoed.status, 200);
  EXPECT_EQ(echoed.body, json);
  const auto file = https(server.port(), "/file");
  EXPECT_EQ(file.status, 200);
  EXPECT_EQ(file.body, std::string(3 << 20, 'f'));
  const auto big = https(server.port(), "/echo", std::string(70000, 'x'));
  EXPECT_EQ(big.status, 413);
}

// Pistache did the handshake in its one accept thread, blocking: a client that connected and
// sent nothing stopped the whole listener.
TEST_F(ServerTls, AClientThatNeverShakesHandsBlocksNobody) {
  HttpTestServer server([](http::ServerOptions& o) {
    o.tls_cert_path = cert();
    o.tls_key_path = key();
    o.header_timeout = 500ms;
  });
  RawConnection silent(server.port());
  RawConnection garbage(server.port());
  garbage.send("GET / HTTP/1.1\r\n\r\n");  // plain HTTP to a TLS port
  const auto r = https(server.port(), "/fast");
  ASSERT_EQ(r.rc, CURLE_OK) << curl_easy_strerror(r.rc);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(garbage.closedByServer(2s));
  EXPECT_TRUE(silent.closedByServer(3s));  // the handshake's deadline is the head's
  EXPECT_TRUE(serverCpuSettles());
}

}  // namespace
}  // namespace hs::test
