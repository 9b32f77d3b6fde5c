#include "tests/support/http_test_server.h"

#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "homeserver/core/matrix_error.h"

namespace hs::test {

using http::Method;
using http::Request;
using http::Requester;
using http::Response;

namespace {
int64_t msParam(const Request& req) { return std::stoll(req.queryParam("ms").value_or("0")); }

// FNV-1a over the bytes a sink is given: the test compares it with the sent body's.
uint64_t fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}
}  // namespace

// Accepts the token "secret" only.
class HttpTestServer::Auth final : public http::Authenticator {
 public:
  Requester authenticate(const std::string& token) override {
    if (token != "secret") {
      throw core::MatrixError(core::ErrCode::UnknownToken, "Unknown token");
    }
    Requester who;
    who.user = core::UserId::parse("@tester:localhost");
    return who;
  }
};

// Counts and hashes what it is given, optionally sleeping on each piece (a slow disk).
class HttpTestServer::Sink final : public http::BodySink {
 public:
  Sink(HttpTestServer& owner, int64_t slow_ms) : owner_(owner), slow_ms_(slow_ms) { ++owner_.open_sinks_; }
  ~Sink() override { --owner_.open_sinks_; }
  void write(std::string_view piece) override {
    if (slow_ms_ > 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(slow_ms_));
    }
    bytes_ += static_cast<int64_t>(piece.size());
    hash_ = fnv(hash_, piece);
    owner_.streamed_ += static_cast<int64_t>(piece.size());
  }
  Response finish() override {
    return Response::json(200, "{\"bytes\":" + std::to_string(bytes_) + ",\"fnv\":\"" +
                                   std::to_string(hash_) + "\"}");
  }

 private:
  HttpTestServer& owner_;
  int64_t slow_ms_;
  int64_t bytes_ = 0;
  uint64_t hash_ = 14695981039346656037ULL;
};

HttpTestServer::HttpTestServer(const std::function<void(http::ServerOptions&)>& tweak)
    : auth_(std::make_unique<Auth>()) {
  file_path_ = (std::filesystem::temp_directory_path() /
                ("parley-http-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(reinterpret_cast<uintptr_t>(this)) + ".bin"))
                   .string();
  std::ofstream(file_path_) << std::string(3 << 20, 'f');  // 3 MiB: many socket buffers
  addRoutes();
  dispatcher_ = std::make_unique<http::Dispatcher>(routes_, *auth_, metrics_, kJsonLimit);
  workers_ = std::make_unique<core::ThreadPool>("test-worker", 8, 1024);
  http::ServerOptions o;
  o.name = "test";
  o.max_request_size = static_cast<size_t>(kUploadLimit);
  if (tweak) {
    tweak(o);
  }
  server_ = std::make_unique<http::HttpServer>(o, *dispatcher_, *workers_, metrics_);
  server_->start();
}

HttpTestServer::~HttpTestServer() {
  server_->stop(std::chrono::seconds(5));
  {
    std::lock_guard lock(timers_mu_);
    for (auto& t : timers_) {
      t.join();
    }
  }
  workers_->stop();
  std::filesystem::remove(file_path_);
}

void HttpTestServer::addRoutes() {
  routes_.add(Method::Get, "/fast", http::Auth::None,
              [](Request&, const Requester&) { return Response::json(200, R"({"ok":true})"); });
  routes_.add(Method::Get, "/sleep", http::Auth::None, [](Request& req, const Requester&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(msParam(req)));
    return Response::json(200, R"({"slept":true})");
  });
  routes_.add(Method::Get, "/short-deadline", http::Auth::None, [](Request& req, const Requester&) {
    std::this_thread::sleep_for(std::chrono::milliseconds(msParam(req)));
    return Response::json(200, "{}");
  }).deadline_ms = 300;
  routes_.add(Method::Post, "/echo", http::Auth::None, [](Request& req, const Requester&) {
    return Response::json(200, req.body);
  });
  routes_.add(Method::Post, "/count", http::Auth::None, [this](Request&, const Requester&) {
    return Response::json(200, "{\"n\":" + std::to_string(++counted_) + "}");
  });
  routes_.add(Method::Get, "/whoami", http::Auth::AccessToken, [](Request&, const Requester& who) {
    return Response::json(200, "{\"user_id\":\"" + who.userId().str() + "\"}");
  });
  routes_.add(Method::Get, "/file", http::Auth::None, [this](Request&, const Requester&) {
    Response r;
    r.content_type = "application/octet-stream";
    r.file_path = file_path_;
    return r;
  });
  // Answered from another thread after ?ms, like a long-poll the notifier ends.
  routes_.add(Method::Get, "/park", http::Auth::None, [this](Request& req, const Requester&) {
    const auto ms = std::chrono::milliseconds(msParam(req));
    std::lock_guard lock(timers_mu_);
    timers_.emplace_back([responder = req.responder, ms] {
      std::this_thread::sleep_for(ms);
      responder->send(Response::json(200, R"({"parked":true})"));
    });
    return Response::deferredReply();
  });
  for (const auto& [path, auth] : {std::pair{"/upload", http::Auth::None},
                                   std::pair{"/upload-authed", http::Auth::AccessToken}}) {
    routes_.addStreaming(Method::Post, path, auth, [this](Request& req, const Requester&) {
      return std::make_unique<Sink>(*this, msParam(req));
    }).max_body = kUploadLimit;
  }
}

std::string HttpTestServer::requestCount(const std::string& method, const std::string& route,
                                         int status) {
  const std::string text = metrics_.render();
  const std::string key = "parley_http_requests_total{method=\"" + method + "\",endpoint=\"" + route +
                          "\",status=\"" + std::to_string(status) + "\"} ";
  const size_t at = text.find(key);
  if (at == std::string::npos) {
    return "";
  }
  return text.substr(at + key.size(), text.find('\n', at) - at - key.size());
}

}  // namespace hs::test
