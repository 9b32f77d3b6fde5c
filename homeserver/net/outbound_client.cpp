#include "homeserver/net/outbound_client.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <atomic>
#include <cassert>
#include <future>
#include <map>
#include <mutex>
#include <thread>

#include "homeserver/net/curl_handles.h"
#include "homeserver/net/tls_anchors.h"

namespace hs::net {

namespace {

// One request between start() and its callback.
struct Transfer {
  HttpRequest request;
  OutboundClient::Callback done;
  CurlPtr easy;
  SlistPtr headers;
  SlistPtr connect_to;
  HttpResponse response;
  const core::AddressPolicy* policy = nullptr;
  const TlsAnchors* anchors = nullptr;
  std::string refused_address;  // set when the policy refused the connection
  bool too_large = false;
  char error[CURL_ERROR_SIZE] = {0};
};

size_t collectBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t bytes = size * n;
  if (t->response.body.size() + bytes > t->request.max_response_bytes) {
    t->too_large = true;
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  t->response.body.append(data, bytes);
  return bytes;
}

// Header lines of the last response only: a status line starts a new set.
size_t collectHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const std::string_view line(data, size * n);
  if (line.rfind("HTTP/", 0) == 0) {
    t->response.headers.clear();
    return line.size();
  }
  const size_t colon = line.find(':');
  if (colon != std::string_view::npos) {
    std::string name(line.substr(0, colon));
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::string_view value = line.substr(colon + 1);
    while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) {
      value.remove_prefix(1);
    }
    while (!value.empty() && (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
      value.remove_suffix(1);
    }
    t->response.headers.emplace_back(std::move(name), std::string(value));
  }
  return line.size();
}

// Every socket curl opens passes here with its resolved address: the address policy's one
// enforcement point (redirects, connection retries and push gateways included).
curl_socket_t openChecked(void* user, curlsocktype, curl_sockaddr* address) {
  auto* t = static_cast<Transfer*>(user);
  const auto ip = core::IpAddress::fromSockaddr(&address->addr);
  if (!ip || !t->policy->allowed(*ip)) {
    t->refused_address = ip ? ip->str() : "an address of an unknown family";
    return CURL_SOCKET_BAD;
  }
  return socket(address->family, address->socktype, address->protocol);
}

CURLcode addAnchors(CURL*, void* ssl_ctx, void* user) {
  static_cast<const TlsAnchors*>(user)->addTo(ssl_ctx);
  return CURLE_OK;
}

void configure(Transfer& t) {
  CURL* c = t.easy.get();
  const HttpRequest& r = t.request;
  curl_easy_setopt(c, CURLOPT_URL, r.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_PROXY, "");  // never an environment proxy
  curl_easy_setopt(c, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, t.error);
  curl_easy_setopt(c, CURLOPT_PRIVATE, &t);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, collectBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, collectHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETFUNCTION, openChecked);
  curl_easy_setopt(c, CURLOPT_OPENSOCKETDATA, &t);
  if (!t.anchors->empty()) {
    curl_easy_setopt(c, CURLOPT_SSL_CTX_FUNCTION, addAnchors);
    curl_easy_setopt(c, CURLOPT_SSL_CTX_DATA, t.anchors);
  }
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, static_cast<long>(r.timeout_ms));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(std::min<int64_t>(r.timeout_ms, 20000)));
  if (r.method == "GET") {
    curl_easy_setopt(c, CURLOPT_HTTPGET, 1L);
  } else {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, r.method.c_str());
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, r.body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(r.body.size()));
  }
  SlistPtr headers = append(SlistPtr(), "Expect:");  // no 100-continue round trip
  for (const auto& h : r.headers) {
    headers = append(std::move(headers), h);
  }
  t.headers = std::move(headers);
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, t.headers.get());
  if (!r.connect_to.empty()) {
    t.connect_to = append(SlistPtr(), r.connect_to);
    curl_easy_setopt(c, CURLOPT_CONNECT_TO, t.connect_to.get());
  }
}

HttpResult resultOf(Transfer& t, CURLcode rc) {
  HttpResult out;
  if (rc == CURLE_OK) {
    curl_easy_getinfo(t.easy.get(), CURLINFO_RESPONSE_CODE, &t.response.status);
    out.response = std::move(t.response);
    return out;
  }
  if (!t.refused_address.empty()) {
    out.refused_by_policy = true;
    out.error = "refused: " + t.refused_address + " is on a range outbound requests may not reach";
  } else if (t.too_large) {
    out.error = "response larger than " + std::to_string(t.request.max_response_bytes) + " bytes";
  } else {
    out.error = t.error[0] != '\0' ? t.error : curl_easy_strerror(rc);
  }
  return out;
}

}  // namespace

const std::string* HttpResponse::header(const std::string& lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) {
      return &value;
    }
  }
  return nullptr;
}

struct OutboundClient::Impl {
  explicit Impl(OutboundOptions o) : options(std::move(o)), anchors(options.extra_ca_file) {}

  void run();
  void addPending();
  void finishDone();
  void failAll(const std::string& why);

  OutboundOptions options;
  TlsAnchors anchors;
  CURLM* multi = nullptr;
  std::thread loop;
  std::atomic<size_t> in_flight{0};
  std::mutex mu;
  std::vector<std::unique_ptr<Transfer>> pending;  // guarded by mu
  bool stopping = false;                           // guarded by mu
  std::map<CURL*, std::unique_ptr<Transfer>> running;  // loop thread only
};

void OutboundClient::Impl::addPending() {
  std::vector<std::unique_ptr<Transfer>> batch;
  {
    std::lock_guard lock(mu);
    batch.swap(pending);
  }
  for (auto& t : batch) {
    CURL* easy = t->easy.get();
    if (curl_multi_add_handle(multi, easy) != CURLM_OK) {
      HttpResult r;
      r.error = "curl_multi_add_handle failed";
      --in_flight;
      t->done(std::move(r));
      continue;
    }
    running.emplace(easy, std::move(t));
  }
}

void OutboundClient::Impl::finishDone() {
  int left = 0;
  while (CURLMsg* msg = curl_multi_info_read(multi, &left)) {
    if (msg->msg != CURLMSG_DONE) {
      continue;
    }
    auto it = running.find(msg->easy_handle);
    if (it == running.end()) {
      continue;
    }
    std::unique_ptr<Transfer> t = std::move(it->second);
    running.erase(it);
    curl_multi_remove_handle(multi, msg->easy_handle);
    HttpResult r = resultOf(*t, msg->data.result);
    --in_flight;
    try {
      t->done(std::move(r));
    } catch (const std::exception& e) {  // a callback's failure must not end the loop
      spdlog::error("outbound request callback failed: {}", e.what());
    }
  }
}

void OutboundClient::Impl::failAll(const std::string& why) {
  {
    std::lock_guard lock(mu);
    for (auto& t : pending) {
      running.emplace(t->easy.get(), std::move(t));
    }
    pending.clear();
  }
  for (auto& [easy, t] : running) {
    curl_multi_remove_handle(multi, easy);
    HttpResult r;
    r.error = why;
    --in_flight;
    t->done(std::move(r));
  }
  running.clear();
}

void OutboundClient::Impl::run() {
  for (;;) {
    {
      std::lock_guard lock(mu);
      if (stopping) {
        break;
      }
    }
    addPending();
    int still_running = 0;
    curl_multi_perform(multi, &still_running);
    finishDone();
    curl_multi_poll(multi, nullptr, 0, 1000, nullptr);
  }
  failAll("the server is shutting down");
}

OutboundClient::OutboundClient(OutboundOptions options) : impl_(new Impl(std::move(options))) {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  impl_->multi = curl_multi_init();
  if (impl_->multi == nullptr) {
    throw NetError("curl_multi_init failed");
  }
  curl_multi_setopt(impl_->multi, CURLMOPT_MAX_HOST_CONNECTIONS, impl_->options.max_host_connections);
  impl_->loop = std::thread([this] { impl_->run(); });
}

OutboundClient::~OutboundClient() {
  stop();
  curl_multi_cleanup(impl_->multi);
}

void OutboundClient::start(HttpRequest request, Callback done) {
  auto t = std::make_unique<Transfer>();
  t->request = std::move(request);
  t->done = std::move(done);
  t->policy = &impl_->options.policy;
  t->anchors = &impl_->anchors;
  t->easy = newHandle();
  configure(*t);
  {
    std::lock_guard lock(impl_->mu);
    if (!impl_->stopping) {
      ++impl_->in_flight;
      impl_->pending.push_back(std::move(t));
    }
  }
  if (t) {  // stopped: the callback runs here, outside the lock
    HttpResult r;
    r.error = "the server is shutting down";
    t->done(std::move(r));
    return;
  }
  curl_multi_wakeup(impl_->multi);
}

void OutboundClient::stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopping) {
      return;
    }
    impl_->stopping = true;
  }
  curl_multi_wakeup(impl_->multi);
  impl_->loop.join();
}

HttpResponse OutboundClient::fetch(HttpRequest request) {
  assert(std::this_thread::get_id() != impl_->loop.get_id());
  auto promise = std::make_shared<std::promise<HttpResult>>();
  auto result = promise->get_future();
  const std::string what = request.method + " " + request.url;
  start(std::move(request), [promise](HttpResult r) { promise->set_value(std::move(r)); });
  HttpResult r = result.get();
  if (!r.response) {
    throw NetError(what + ": " + r.error);
  }
  return std::move(*r.response);
}

HttpResponse OutboundClient::postJson(const std::string& url, const std::string& body, int64_t timeout_ms) {
  HttpRequest r;
  r.method = "POST";
  r.url = url;
  r.headers = {"Content-Type: application/json"};
  r.body = body;
  r.timeout_ms = timeout_ms;
  return fetch(std::move(r));
}

const core::AddressPolicy& OutboundClient::policy() const { return impl_->options.policy; }

size_t OutboundClient::inFlight() const { return impl_->in_flight.load(); }

}  // namespace hs::net
