#pragma once
// The server's own request and response types: handlers never see the HTTP layer's insides.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // When set, the body is this file, streamed from disk (media downloads).
  std::string file_path;
  // Set by a handler that has taken the request's Responder and will answer later.
  bool deferred = false;

  static Response json(int status, std::string body) {
    Response r;
    r.status = status;
    r.body = std::move(body);
    return r;
  }
  static Response deferredReply() {
    Response r;
    r.deferred = true;
    return r;
  }
  Response& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

// What routing learned about a request, for the access log and the server's deadline.
struct RouteNote {
  std::string route;     // the path template, "(unknown)" or "(wrong method)"
  std::string user;      // the authenticated user, "-" for none
  int64_t deadline_ms = 0;  // the route's own handler deadline; 0: the server's default
};

// Sends a response later, from any thread, exactly once (long-polling /sync).
class Responder {
 public:
  virtual ~Responder() = default;
  virtual void send(Response response) = 0;
  // Called by the dispatcher once the route and requester are known, before the handler runs.
  virtual void onRouted(const RouteNote&) {}
};

// Where a streaming route's request body goes as it arrives (media uploads): the server never
// holds the whole body. Called on worker threads, one call at a time, in order.
class BodySink {
 public:
  virtual ~BodySink() = default;  // an unfinished sink discards what it was given
  virtual void write(std::string_view piece) = 0;
  // The whole body has arrived: the request's response.
  virtual Response finish() = 0;
};

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // as sent, percent-encoded
  // The request target exactly as sent (path and ?query, percent-encoded): X-Matrix signs it.
  std::string target;
  std::map<std::string, std::string> query;    // decoded
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string remote_ip;
  std::string request_id;
  // Filled by routing:
  std::string route;                                // the path template, for logs and metrics
  std::map<std::string, std::string> path_params;  // decoded
  std::shared_ptr<Responder> responder;             // for deferred replies

  const std::string* header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? nullptr : &it->second;
  }
  std::optional<std::string> queryParam(const std::string& name) const {
    auto it = query.find(name);
    if (it == query.end()) {
      return std::nullopt;
    }
    return it->second;
  }
  const std::string& pathParam(const std::string& name) const { return path_params.at(name); }
};

// 0-15 for a hexadecimal digit (either case), -1 for anything else.
int hexDigitValue(char c);
// Percent-decoding for path segments; '+' is kept as is.
std::optional<std::string> percentDecode(const std::string& in);
// Query keys and values are form-encoded: '+' is a space (matrix-nio 0.20 sends
// ?filename=my+photo.png, as Python's urlencode does), then percent-decoding.
std::optional<std::string> queryDecode(const std::string& in);
std::map<std::string, std::string> parseQueryString(const std::string& raw);
// Every value of a repeated query parameter (?via=a&via=b, ?ver=10&ver=11), in order.
std::vector<std::string> queryValues(const Request& req, const std::string& name);

// The name of the first decoded path or query parameter holding a control character, checked
// once for every route before its handler runs: a NUL would otherwise cut an identifier after
// authorization has judged the whole of it ("m.room.power_levels%00"). Path parameters are
// identifiers (no C0 or DEL at all); query values may hold JSON (`filter`), so tab, CR and LF
// pass there.
std::optional<std::string> paramWithControlCharacter(const Request& req);

}  // namespace hs::http
