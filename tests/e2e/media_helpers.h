#pragma once
// Helpers for the media integration tests: uploads with a chosen Content-Type, a media row
// read straight from PostgreSQL, files counted in the store, and a raw HTTP request for paths
// that libcurl would normalize (../).
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <pqxx/pqxx>
#include <string>

#include "homeserver/core/digest.h"
#include "tests/media/test_images.h"
#include "tests/support/test_server.h"

namespace hs::test {

inline std::string hexSha256(const std::string& bytes) { return core::toHex(core::sha256(bytes)); }
inline std::string hexMd5(const std::string& bytes) { return core::toHex(core::md5(bytes)); }

// A request with our own headers; "Expect:" stops libcurl waiting a second for a 100-continue
// on large bodies.
inline HttpResult mediaRequest(TestServer& s, const std::string& method, const std::string& path,
                               const std::string& body, const std::string& token,
                               const std::string& content_type = "") {
  // An empty value makes libcurl send no Content-Type at all (not its form default).
  std::vector<std::string> headers = {
      "Expect:", content_type.empty() ? "Content-Type:" : "Content-Type: " + content_type};
  if (!token.empty()) {
    headers.push_back("Authorization: Bearer " + token);
  }
  return httpRequest(method, s.url(path), body, headers);
}

// POST /_matrix/media/v3/upload; `query` is appended as is (e.g. "?filename=a.png").
inline HttpResult upload(TestServer& s, const std::string& token, const std::string& body,
                         const std::string& content_type, const std::string& query = "") {
  return mediaRequest(s, "POST", "/_matrix/media/v3/upload" + query, body, token, content_type);
}

// The media id of an upload's content_uri (mxc://localhost/<id>); fails the test otherwise.
inline std::string mediaIdOf(const HttpResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  if (!doc.IsObject() || !doc.HasMember("content_uri") || !doc["content_uri"].IsString()) {
    ADD_FAILURE() << "no content_uri: " << r.body;
    return "";
  }
  const std::string uri = doc["content_uri"].GetString();
  EXPECT_EQ(uri.rfind("mxc://localhost/", 0), 0u) << uri;
  return uri.substr(uri.rfind('/') + 1);
}

inline std::string uploadId(TestServer& s, const std::string& token, const std::string& body,
                            const std::string& content_type, const std::string& query = "") {
  return mediaIdOf(upload(s, token, body, content_type, query));
}

struct MediaRow {
  std::string uploader, content_type, file_type, sha256, md5, storage_path;
  std::optional<std::string> upload_name;
  int64_t size = 0;
};

inline std::optional<MediaRow> mediaRow(const TestServer& s, const std::string& media_id) {
  pqxx::connection c(s.config().database.url);
  pqxx::read_transaction tx(c);
  const auto r = tx.exec_params(
      "SELECT uploader, content_type, file_type, sha256, md5, storage_path, upload_name, size "
      "FROM media WHERE origin = 'localhost' AND media_id = $1",
      media_id);
  if (r.empty()) {
    return std::nullopt;
  }
  MediaRow m{r[0][0].as<std::string>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
             r[0][3].as<std::string>(), r[0][4].as<std::string>(), r[0][5].as<std::string>(),
             std::nullopt, r[0][7].as<int64_t>()};
  if (!r[0][6].is_null()) {
    m.upload_name = r[0][6].as<std::string>();
  }
  return m;
}

inline void execSql(const TestServer& s, const std::string& sql, const std::string& param) {
  pqxx::connection c(s.config().database.url);
  pqxx::work tx(c);
  tx.exec_params(sql, param);
  tx.commit();
}

inline size_t filesUnder(const std::filesystem::path& dir) {
  size_t n = 0;
  if (std::filesystem::exists(dir)) {
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
      n += e.is_regular_file() ? 1 : 0;
    }
  }
  return n;
}

// Sends GET `target` exactly as given over a plain socket and returns the raw response:
// libcurl would collapse "../" before sending it.
inline std::string rawGet(TestServer& s, const std::string& target) {
  const std::string url = s.url("");
  const int port = std::stoi(url.substr(url.rfind(':') + 1));
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string out;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string req = "GET " + target + " HTTP/1.1\r\nHost: localhost\r\n\r\n";
    ::send(fd, req.data(), req.size(), 0);
    char buf[4096];
    for (ssize_t n; (n = ::recv(fd, buf, sizeof buf, 0)) > 0;) {
      out.append(buf, static_cast<size_t>(n));
      const size_t end = out.find("\r\n\r\n");
      const size_t cl = out.find("Content-Length: ");
      if (end != std::string::npos && cl != std::string::npos && cl < end &&
          out.size() >= end + 4 + std::stoul(out.substr(cl + 16))) {
        break;  // one whole response
      }
    }
  }
  ::close(fd);
  return out;
}

}  // namespace hs::test
