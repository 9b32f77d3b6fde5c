#pragma once
// Helpers shared by the room and sync end-to-end suites: one TestServer per suite (through
// RoomSuite<Suite>), fresh users per test, and short calls for the common room operations.
#include <gtest/gtest.h>

#include <atomic>
#include <cctype>
#include <set>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "tests/support/test_server.h"

namespace hs::test::rooms_e2e {

inline const std::string kV3 = "/_matrix/client/v3";

// Percent-encodes everything but RFC 3986's unreserved characters.
inline std::string enc(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

inline std::string errcodeOf(const HttpResult& r) {
  const auto doc = json::tryParse(r.body);
  return doc && doc->IsObject() && doc->HasMember("errcode") && (*doc)["errcode"].IsString()
             ? (*doc)["errcode"].GetString()
             : "(none)";
}

// Expands to EXPECTs so that failures point at the test's line.
#define EXPECT_MATRIX_ERROR(result, status_code, code)                         \
  do {                                                                          \
    const auto& r_ = (result);                                                  \
    EXPECT_EQ(r_.status, status_code) << r_.body;                               \
    EXPECT_EQ(::hs::test::rooms_e2e::errcodeOf(r_), std::string(code)) << r_.body; \
  } while (0)

inline std::string str(const json::Value& v, const char* key) {
  return v.IsObject() && v.HasMember(key) && v[key].IsString() ? v[key].GetString() : "";
}

// Event ids of a JSON array of events, in order.
inline std::vector<std::string> eventIds(const json::Value& events) {
  std::vector<std::string> out;
  if (events.IsArray()) {
    for (const auto& e : events.GetArray()) {
      out.push_back(str(e, "event_id"));
    }
  }
  return out;
}

inline const json::Value* findEvent(const json::Value& events, const std::string& type,
                                    const std::string& state_key = "\x01") {
  if (!events.IsArray()) {
    return nullptr;
  }
  for (const auto& e : events.GetArray()) {
    if (str(e, "type") == type && (state_key == "\x01" || str(e, "state_key") == state_key)) {
      return &e;
    }
  }
  return nullptr;
}

struct User {
  std::string id;
  std::string token;
};

// A suite fixture with its own server; `Suite` only makes each suite's statics distinct.
template <class Suite>
class RoomSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static TestServer& s() { return *server_; }

  static User newUser(const std::string& base, const std::string& device = "") {
    static std::atomic<int> n{0};
    const std::string local = base + std::to_string(++n);
    return User{"@" + local + ":localhost", server_->registerUser(local, "password123", device)};
  }
  static std::string txn() {
    static std::atomic<int> n{0};
    return "txn" + std::to_string(++n);
  }

  static std::string createRoom(const User& u, const std::string& body = "{}") {
    const auto r = server_->post(kV3 + "/createRoom", body, u.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "room_id");
  }
  static std::string publicRoom(const User& u) { return createRoom(u, R"({"preset":"public_chat"})"); }

  static HttpResult join(const User& u, const std::string& room) {
    return server_->post(kV3 + "/rooms/" + enc(room) + "/join", "{}", u.token);
  }
  static HttpResult invite(const User& by, const std::string& room, const std::string& user_id) {
    return server_->post(kV3 + "/rooms/" + enc(room) + "/invite", R"({"user_id":")" + user_id + "\"}",
                         by.token);
  }
  static HttpResult leave(const User& u, const std::string& room) {
    return server_->post(kV3 + "/rooms/" + enc(room) + "/leave", "{}", u.token);
  }
  static HttpResult sendEvent(const User& u, const std::string& room, const std::string& type,
                              const std::string& content, const std::string& txn_id = "") {
    return server_->put(kV3 + "/rooms/" + enc(room) + "/send/" + enc(type) + "/" +
                            (txn_id.empty() ? txn() : txn_id),
                        content, u.token);
  }
  static std::string send(const User& u, const std::string& room, const std::string& text) {
    const auto r = sendEvent(u, room, "m.room.message", R"({"msgtype":"m.text","body":")" + text + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "event_id");
  }
  static HttpResult putState(const User& u, const std::string& room, const std::string& type,
                             const std::string& key, const std::string& content) {
    return server_->put(kV3 + "/rooms/" + enc(room) + "/state/" + enc(type) + "/" + enc(key), content,
                        u.token);
  }
  static HttpResult getState(const User& u, const std::string& room, const std::string& type,
                             const std::string& key = "", const std::string& query = "") {
    return server_->get(kV3 + "/rooms/" + enc(room) + "/state/" + enc(type) + "/" + enc(key) + query,
                        u.token);
  }
  static HttpResult roomGet(const User& u, const std::string& room, const std::string& rest) {
    return server_->get(kV3 + "/rooms/" + enc(room) + rest, u.token);
  }
  static HttpResult messages(const User& u, const std::string& room, const std::string& query) {
    return roomGet(u, room, "/messages?" + query);
  }
  // A /sync answered immediately (timeout 0) unless `query` says otherwise.
  static json::Document sync(const User& u, const std::string& query = "") {
    const auto r = server_->get(kV3 + "/sync" + (query.empty() ? "" : "?" + query), u.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static TestServer* server_;
};
template <class Suite>
TestServer* RoomSuite<Suite>::server_ = nullptr;

}  // namespace hs::test::rooms_e2e
