#include "homeserver/http/response_head.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "homeserver/core/json.h"
#include "homeserver/http/dispatch.h"
#include "homeserver/http/request_parser.h"

namespace hs::http {

namespace {
bool isSafeHeaderText(const std::string& s) {
  return std::none_of(s.begin(), s.end(), [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

// The Date header (RFC 9110 6.6.1), formatted once per second per thread.
const std::string& httpDate() {
  thread_local std::time_t cached_at = 0;
  thread_local std::string cached;
  const std::time_t now = std::time(nullptr);
  if (now != cached_at) {
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[64];
    const size_t n = std::strftime(buf, sizeof buf, "%a, %d %b %Y %H:%M:%S GMT", &tm);
    cached.assign(buf, n);
    cached_at = now;
  }
  return cached;
}

void appendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name).append(": ").append(value).append("\r\n");
}
}  // namespace

std::string serializeHead(const Response& res, const HeadFraming& framing) {
  std::string out;
  out.reserve(256 + res.headers.size() * 64);
  out.append("HTTP/1.1 ").append(std::to_string(res.status)).append(" ");
  out.append(reasonPhrase(res.status)).append("\r\n");
  for (const auto& [name, value] : res.headers) {
    if (!isSafeHeaderText(name) || !isSafeHeaderText(value)) {
      spdlog::error("response header {} dropped: it holds a line break or NUL", name.substr(0, 64));
      continue;
    }
    appendHeader(out, name, value);
  }
  if (!res.content_type.empty() && isSafeHeaderText(res.content_type)) {
    appendHeader(out, "Content-Type", res.content_type);
  }
  appendHeader(out, "Content-Length", std::to_string(framing.content_length));
  appendHeader(out, "Date", httpDate());
  if (framing.close) {
    appendHeader(out, "Connection", "close");
  } else if (framing.http10_keep_alive) {
    appendHeader(out, "Connection", "keep-alive");
  }
  out.append("\r\n");
  return out;
}

Response serverErrorResponse(int status, const std::string& message) {
  const char* errcode = "M_UNKNOWN";
  if (status == 413 || status == 414 || status == 431) {
    errcode = "M_TOO_LARGE";
  } else if (status == 501) {
    errcode = "M_UNRECOGNIZED";
  }
  json::Writer w;
  w.startObject().key("errcode").string(errcode).key("error").string(message).endObject();
  Response res = Response::json(status, w.take());
  Dispatcher::addCors(res);
  return res;
}

}  // namespace hs::http
