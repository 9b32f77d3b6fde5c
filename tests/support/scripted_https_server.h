#pragma once
// An HTTPS server (the project's own HttpServer over Pistache's TLS) whose answers a test
// scripts per route: stands in for other servers' /.well-known, key and push endpoints.
#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "homeserver/http/request.h"

namespace hs::test {

class ScriptedHttpsServer {
 public:
  using Handler = std::function<http::Response(const http::Request&)>;
  ScriptedHttpsServer(const std::string& cert_path, const std::string& key_path);
  ~ScriptedHttpsServer();
  // Before start(): `path` may hold :params, as RouteTable templates do.
  void on(const std::string& method, const std::string& path, Handler handler);
  void start();
  int port() const;
  int hits(const std::string& path) const;  // requests answered on `path` (template)

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hs::test
