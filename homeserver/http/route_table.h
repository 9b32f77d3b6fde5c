#pragma once
// Routes as a flat list, one line each: method, path template, auth, handler. Templates use
// `:name` for one path segment.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/identity.h"
#include "homeserver/http/request.h"

namespace hs::http {

enum class Method { Get, Post, Put, Delete };
const char* methodName(Method m);

enum class Auth {
  None,             // no token looked at
  Optional,         // a token is checked if present
  AccessToken,      // a valid access token is required
  ServerSignature,  // an X-Matrix signature by the origin server is required (federation)
};

// Who made an authenticated request (a core type: services take it too).
using Requester = core::Requester;

using Handler = std::function<Response(Request&, const Requester&)>;
// A streaming route's handler: runs when the head has arrived, before the body, and returns
// where the body goes (it throws MatrixError to refuse the request before any of it is read).
using StreamHandler = std::function<std::unique_ptr<BodySink>(Request&, const Requester&)>;

struct Route {
  Method method;
  std::string path;  // template
  Auth auth;
  Handler handler;
  int64_t max_body = -1;  // -1: the server's JSON body limit
  std::vector<std::string> segments;
  StreamHandler stream;     // set: the body streams into the sink it returns; `handler` unused
  int64_t deadline_ms = 0;  // the handler's deadline; 0: the server's (http.request_timeout_ms)
  bool guests = false;      // guest accounts may call it (allowGuests)
};

struct RouteMatch {
  const Route* route = nullptr;       // null when nothing matched
  bool path_exists = false;           // another method matched: 405
  std::map<std::string, std::string> params;
};

class RouteTable {
 public:
  Route& add(Method method, const std::string& path, Auth auth, Handler handler);
  // A route whose request body is streamed into a BodySink instead of being buffered.
  Route& addStreaming(Method method, const std::string& path, Auth auth, StreamHandler handler);
  // Adds the route under /_matrix/client/v3 and, for endpoints that existed in r0, also
  // under /_matrix/client/r0 (matrix-nio 0.20 calls only r0).
  void addClient(Method method, const std::string& path, Auth auth, const Handler& handler,
                 bool in_r0 = true);
  // Lets guest accounts call the client route `path` (as given to addClient) with `method`;
  // returns how many routes (v3, r0) it marked.
  int allowGuests(Method method, const std::string& path);
  // Path params are percent-decoded; a param that fails to decode makes the path unmatched.
  RouteMatch match(Method method, const std::string& path) const;
  static std::optional<Method> parseMethod(const std::string& name);

 private:
  std::vector<Route> routes_;
};

}  // namespace hs::http
