#include "homeserver/http/server.h"

#include <pistache/endpoint.h>
#include <pistache/http.h>
#include <pistache/peer.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <sstream>

namespace hs::http {

namespace Ph = Pistache::Http;

// Pistache's own Http::Handler::onInput, called by its symbol (non-virtually): it is private,
// and the request target must be read from the bytes before Pistache parses them away (it
// keeps the query only as an unordered map).
void pistacheOnInput(Ph::Handler* self, const char* buffer, size_t len,
                     const std::shared_ptr<Pistache::Tcp::Peer>& peer)
    __asm__("_ZN8Pistache4Http7Handler7onInputEPKcmRKSt10shared_ptrINS_3Tcp4PeerEE");

namespace {

constexpr size_t kMaxRequestLine = 16 * 1024;

// The request line of the request a connection is sending, read as its bytes arrive.
struct RequestLine {
  std::string line;
  bool complete = false;
  const void* first_step = nullptr;  // Pistache's parser step for a request line

  void feed(const char* buffer, size_t len) {
    if (complete) {
      return;
    }
    const std::string_view in(buffer, len);
    const size_t eol = in.find('\n');
    const size_t room = kMaxRequestLine > line.size() ? kMaxRequestLine - line.size() : 0;
    line.append(in.substr(0, std::min(eol, room)));
    complete = eol != std::string_view::npos;
  }
  // "GET /path?q HTTP/1.1" -> "/path?q"
  std::string target() const {
    const size_t a = line.find(' ');
    const size_t b = a == std::string::npos ? a : line.find(' ', a + 1);
    return b == std::string::npos ? std::string() : line.substr(a + 1, b - a - 1);
  }
  void reset() {
    line.clear();
    complete = false;
  }
};

// Set by onInput for the onRequest call Pistache makes inside it, on the same thread.
thread_local std::string* tl_target = nullptr;

std::atomic<uint64_t> g_request_counter{0};

Request toRequest(const Ph::Request& pr) {
  Request req;
  req.method = Ph::methodString(pr.method());
  req.path = pr.resource();
  for (auto it = pr.query().parameters_begin(); it != pr.query().parameters_end(); ++it) {
    auto k = queryDecode(it->first);
    auto v = queryDecode(it->second);
    if (k && v) {
      req.query.emplace(std::move(*k), std::move(*v));
    }
  }
  for (const auto& h : pr.headers().list()) {
    std::ostringstream value;
    h->write(value);
    std::string name = h->name();
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    req.headers[name] = value.str();
  }
  for (const auto& [name, raw] : pr.headers().rawList()) {
    std::string lower = name;
    for (auto& c : lower) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    req.headers[lower] = raw.value();
  }
  // Pistache resets its parser's Request right after onRequest returns (Http::Handler::onInput),
  // so the body is moved out rather than copied: an upload is then held once, not twice.
  req.body = std::move(const_cast<std::string&>(pr.body()));
  req.remote_ip = pr.address().host();
  req.request_id = "req-" + std::to_string(++g_request_counter);
  return req;
}

// Pistache 0.0.5 serializes only typed headers (raw ones are dropped on the way out), so
// every header we set goes through this one typed class with a runtime name.
class NamedHeader final : public Ph::Header::Header {
 public:
  NamedHeader(std::string name, std::string value) : name_(std::move(name)), value_(std::move(value)) {}
  const char* name() const override { return name_.c_str(); }
  void write(std::ostream& os) const override { os << value_; }
#ifdef SAFE_HEADER_CAST
  uint64_t hash() const override { return 0; }
#endif

 private:
  std::string name_;
  std::string value_;
};

// HTTP/1.1 connections persist unless the client says otherwise; Pistache 0.0.5 answers
// "Connection: Close" to every request without a Connection header, which would make each
// client reconnect (and pay a TCP handshake) for every request.
void keepAliveUnlessClosed(Ph::ResponseWriter& w, bool keep_alive) {
  if (keep_alive) {
    w.headers().remove<Ph::Header::Connection>();
    w.headers().add<Ph::Header::Connection>(Ph::ConnectionControl::KeepAlive);
  }
}

bool wantsKeepAlive(const Ph::Request& pr) {
  const auto conn = pr.headers().tryGet<Ph::Header::Connection>();
  if (conn) {
    return conn->control() == Ph::ConnectionControl::KeepAlive;
  }
  return pr.version() == Ph::Version::Http11;
}

// Pistache throws on media types it does not know (font/woff2, x-foo/bar): those are sent as
// application/octet-stream rather than failing the response.
Ph::Mime::MediaType mediaTypeOf(const std::string& content_type) {
  try {
    return Ph::Mime::MediaType::fromString(content_type);
  } catch (const Ph::HttpError&) {
    return Ph::Mime::MediaType::fromString("application/octet-stream");
  }
}

void writeResponse(Ph::ResponseWriter& w, const Response& res) {
  for (const auto& [name, value] : res.headers) {
    w.headers().add(std::make_shared<NamedHeader>(name, value));
  }
  const auto mime = mediaTypeOf(res.content_type);
  if (!res.file_path.empty()) {
    w.setMime(mime);
    Ph::serveFile(w, res.file_path, mime);
    return;
  }
  w.send(static_cast<Ph::Code>(res.status), res.body, mime);
}

// Owns the Pistache writer of one request; sends at most once, from any thread.
class PistacheResponder final : public Responder {
 public:
  PistacheResponder(Ph::ResponseWriter w, Request meta, Metrics& metrics)
      : writer_(std::move(w)), meta_(std::move(meta)), metrics_(metrics),
        start_(std::chrono::steady_clock::now()) {}
  void send(Response res) override {
    std::lock_guard lock(mu_);
    if (sent_) {
      return;
    }
    sent_ = true;
    Dispatcher::addCors(res);
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    metrics_.recordRequest(meta_.method, meta_.route, res.status, secs);
    spdlog::info("{} {} {} {} {:.1f}ms (deferred)", meta_.request_id, meta_.method, meta_.route,
                 res.status, secs * 1000);
    writeResponse(writer_, res);
  }
  // For a response already logged and given CORS headers by the dispatcher.
  void sendPrepared(const Response& res) {
    std::lock_guard lock(mu_);
    if (!sent_) {
      sent_ = true;
      writeResponse(writer_, res);
    }
  }
  void setRoute(const std::string& route) {
    std::lock_guard lock(mu_);
    meta_.route = route;
  }

 private:
  std::mutex mu_;
  Ph::ResponseWriter writer_;  // guarded by mu_
  Request meta_;               // method, route and id only
  Metrics& metrics_;
  std::chrono::steady_clock::time_point start_;
  bool sent_ = false;  // guarded by mu_
};

}  // namespace

struct HttpServer::Impl {
  class Handler : public Ph::Handler {
   public:
    HTTP_PROTOTYPE(Handler)
    explicit Handler(Impl* impl) : impl_(impl) {}
    void onRequest(const Ph::Request& request, Ph::ResponseWriter response) override {
      impl_->onRequest(request, std::move(response));
    }
    void onInput(const char* buffer, size_t len,
                 const std::shared_ptr<Pistache::Tcp::Peer>& peer) override;

   private:
    Impl* impl_;
  };

  void onRequest(const Ph::Request& pr, Ph::ResponseWriter writer);

  ServerOptions options;
  Dispatcher& dispatcher;
  core::ThreadPool& workers;
  Metrics& metrics;
  std::unique_ptr<Pistache::Http::Endpoint> endpoint;
  std::atomic<bool> accepting{true};
};

void HttpServer::Impl::Handler::onInput(const char* buffer, size_t len,
                                        const std::shared_ptr<Pistache::Tcp::Peer>& peer) {
  auto state = std::static_pointer_cast<RequestLine>(peer->tryGetData("parley.request_line"));
  if (!state) {
    state = std::make_shared<RequestLine>();
    state->first_step = getParser(peer)->step();
    peer->putData("parley.request_line", state);
  }
  state->feed(buffer, len);
  std::string target = state->target();
  tl_target = &target;
  pistacheOnInput(this, buffer, len, peer);
  const bool dispatched = tl_target == nullptr;
  tl_target = nullptr;
  // A request was handed over, or Pistache refused the bytes and reset its parser: either way
  // the next bytes start a new request line (Pistache drops anything after the request).
  if (dispatched || (state->complete && getParser(peer)->step() == state->first_step)) {
    state->reset();
  }
}

void HttpServer::Impl::onRequest(const Ph::Request& pr, Ph::ResponseWriter writer) {
  auto req = std::make_shared<Request>(toRequest(pr));
  if (tl_target != nullptr) {
    req->target = std::move(*tl_target);
    tl_target = nullptr;
  }
  if (req->target.empty()) {
    req->target = req->path;
  }
  keepAliveUnlessClosed(writer, wantsKeepAlive(pr));
  Request meta;
  meta.method = req->method;
  meta.request_id = req->request_id;
  auto responder = std::make_shared<PistacheResponder>(std::move(writer), std::move(meta), metrics);
  req->responder = responder;
  auto task = [this, req, responder] {
    Response res = dispatcher.handle(*req);
    if (res.deferred) {
      responder->setRoute(req->route);
    } else {
      responder->sendPrepared(res);
    }
  };
  if (!accepting.load() || !workers.trySubmit(task)) {
    Response busy = errorResponse(
        core::MatrixError(core::ErrCode::Unavailable, "Server is busy or shutting down"));
    Dispatcher::addCors(busy);
    responder->sendPrepared(busy);
  }
}

HttpServer::HttpServer(ServerOptions options, Dispatcher& dispatcher, core::ThreadPool& workers,
                       Metrics& metrics)
    : impl_(new Impl{std::move(options), dispatcher, workers, metrics, nullptr, {true}}) {}

HttpServer::~HttpServer() {
  if (impl_->endpoint) {
    impl_->endpoint->shutdown();
  }
}

void HttpServer::start() {
  const auto& o = impl_->options;
  Pistache::Address addr(o.bind_address, Pistache::Port(static_cast<uint16_t>(o.port)));
  impl_->endpoint = std::make_unique<Pistache::Http::Endpoint>(addr);
  auto opts = Pistache::Http::Endpoint::options()
                  .threads(o.reactor_threads)
                  .flags(Pistache::Tcp::Options::ReuseAddr)
                  .maxRequestSize(o.max_request_size)
                  .maxResponseSize(64 * 1024 * 1024)
                  .headerTimeout(o.header_timeout)
                  .bodyTimeout(o.body_timeout);
  impl_->endpoint->init(opts);
  if (!o.tls_cert_path.empty()) {
    impl_->endpoint->useSSL(o.tls_cert_path, o.tls_key_path);
  }
  impl_->endpoint->setHandler(std::make_shared<Impl::Handler>(impl_.get()));
  impl_->endpoint->serveThreaded();
}

int HttpServer::port() const { return static_cast<uint16_t>(impl_->endpoint->getPort()); }

void HttpServer::stop(std::chrono::milliseconds grace) {
  impl_->accepting = false;
  if (!impl_->workers.drain(grace)) {
    spdlog::warn("shutdown: requests still running after {} ms", grace.count());
  }
  if (impl_->endpoint) {
    impl_->endpoint->shutdown();
    impl_->endpoint.reset();
  }
}

}  // namespace hs::http
