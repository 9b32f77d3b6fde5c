#include "homeserver/http/route_table.h"

namespace hs::http {

namespace {
std::vector<std::string> splitPath(const std::string& path) {
  std::vector<std::string> out;
  size_t start = 1;  // paths begin with '/'
  while (start <= path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string::npos) {
      end = path.size();
    }
    out.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

bool matchSegments(const Route& route, const std::vector<std::string>& parts,
                   std::map<std::string, std::string>& params) {
  if (route.segments.size() != parts.size()) {
    return false;
  }
  std::map<std::string, std::string> found;
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string& seg = route.segments[i];
    if (!seg.empty() && seg[0] == ':') {
      auto decoded = percentDecode(parts[i]);
      if (!decoded) {
        return false;
      }
      found[seg.substr(1)] = std::move(*decoded);
    } else if (seg != parts[i]) {
      return false;
    }
  }
  params = std::move(found);
  return true;
}
}  // namespace

const char* methodName(Method m) {
  switch (m) {
    case Method::Get: return "GET";
    case Method::Post: return "POST";
    case Method::Put: return "PUT";
    case Method::Delete: return "DELETE";
  }
  return "?";
}

std::optional<Method> RouteTable::parseMethod(const std::string& name) {
  if (name == "GET" || name == "HEAD") {
    return Method::Get;
  }
  if (name == "POST") {
    return Method::Post;
  }
  if (name == "PUT") {
    return Method::Put;
  }
  if (name == "DELETE") {
    return Method::Delete;
  }
  return std::nullopt;
}

Route& RouteTable::add(Method method, const std::string& path, Auth auth, Handler handler) {
  Route r{method, path, auth, std::move(handler), -1, splitPath(path), nullptr, 0};
  routes_.push_back(std::move(r));
  return routes_.back();
}

Route& RouteTable::addStreaming(Method method, const std::string& path, Auth auth,
                               StreamHandler handler) {
  Route& r = add(method, path, auth, nullptr);
  r.stream = std::move(handler);
  return r;
}

void RouteTable::addClient(Method method, const std::string& path, Auth auth,
                           const Handler& handler, bool in_r0) {
  add(method, "/_matrix/client/v3" + path, auth, handler);
  if (in_r0) {
    add(method, "/_matrix/client/r0" + path, auth, handler);
  }
}

int RouteTable::allowGuests(Method method, const std::string& path) {
  int marked = 0;
  for (Route& r : routes_) {
    if (r.method == method &&
        (r.path == "/_matrix/client/v3" + path || r.path == "/_matrix/client/r0" + path)) {
      r.guests = true;
      ++marked;
    }
  }
  return marked;
}

RouteMatch RouteTable::match(Method method, const std::string& path) const {
  RouteMatch result;
  if (path.empty() || path[0] != '/') {
    return result;
  }
  const auto parts = splitPath(path);
  for (const Route& r : routes_) {
    std::map<std::string, std::string> params;
    if (!matchSegments(r, parts, params)) {
      continue;
    }
    if (r.method == method) {
      result.route = &r;
      result.params = std::move(params);
      return result;
    }
    result.path_exists = true;
  }
  return result;
}

}  // namespace hs::http
