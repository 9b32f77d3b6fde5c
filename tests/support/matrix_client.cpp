#include "tests/support/matrix_client.h"

#include <gtest/gtest.h>

#include <atomic>

namespace hs::test {

namespace {
std::atomic<int> txn_counter{0};
}  // namespace

std::string errcode(const HttpResult& r) {
  const auto doc = json::tryParse(r.body);
  return doc && doc->IsObject() && doc->HasMember("errcode") ? (*doc)["errcode"].GetString() : "(none)";
}

std::string enc(const std::string& segment) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : segment) {
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

std::string createRoom(TestServer& s, const std::string& token, const std::string& body) {
  const auto r = s.post(kV3 + "/createRoom", body, token);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("room_id") ? doc["room_id"].GetString() : "";
}

void invite(TestServer& s, const std::string& token, const std::string& room_id, const std::string& user_id) {
  const auto r = s.post(kV3 + "/rooms/" + enc(room_id) + "/invite", R"({"user_id":")" + user_id + "\"}", token);
  EXPECT_EQ(r.status, 200) << r.body;
}

void join(TestServer& s, const std::string& token, const std::string& room_id) {
  const auto r = s.post(kV3 + "/rooms/" + enc(room_id) + "/join", "{}", token);
  EXPECT_EQ(r.status, 200) << r.body;
}

std::string groupWith(TestServer& s, const std::string& owner_token,
                      const std::vector<std::pair<std::string, std::string>>& others,
                      const std::string& name) {
  const std::string room = createRoom(s, owner_token, name.empty() ? "{}" : R"({"name":")" + name + "\"}");
  for (const auto& [user, token] : others) {
    invite(s, owner_token, room, user);
    join(s, token, room);
  }
  return room;
}

std::string sendText(TestServer& s, const std::string& token, const std::string& room_id,
                     const std::string& body, const std::string& extra_content) {
  const std::string txn = "t" + std::to_string(++txn_counter);
  const std::string content = R"({"msgtype":"m.text","body":")" + body + "\"" +
                              (extra_content.empty() ? "" : "," + extra_content) + "}";
  const auto r = s.put(kV3 + "/rooms/" + enc(room_id) + "/send/m.room.message/" + txn, content, token);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("event_id") ? doc["event_id"].GetString() : "";
}

void sendReceipt(TestServer& s, const std::string& token, const std::string& room_id,
                 const std::string& event_id, const std::string& type) {
  const auto r = s.post(kV3 + "/rooms/" + enc(room_id) + "/receipt/" + type + "/" + enc(event_id), "{}", token);
  EXPECT_EQ(r.status, 200) << r.body;
}

json::Document sync(TestServer& s, const std::string& token, const std::string& since,
                    const std::string& filter) {
  std::string path = kV3 + "/sync?timeout=0";
  if (!since.empty()) {
    path += "&since=" + enc(since);
  }
  if (!filter.empty()) {
    path += "&filter=" + enc(filter);
  }
  const auto r = s.get(path, token);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

const json::Value* joinedRoom(const json::Value& sync, const std::string& room_id) {
  if (!sync.IsObject() || !sync.HasMember("rooms") || !sync["rooms"]["join"].HasMember(room_id.c_str())) {
    return nullptr;
  }
  return &sync["rooms"]["join"][room_id.c_str()];
}

std::vector<std::string> timelineIds(const json::Value& sync, const std::string& room_id) {
  std::vector<std::string> out;
  if (const json::Value* room = joinedRoom(sync, room_id)) {
    for (const auto& e : (*room)["timeline"]["events"].GetArray()) {
      out.emplace_back(e["event_id"].GetString());
    }
  }
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& x) {
  return std::find(v.begin(), v.end(), x) != v.end();
}

}  // namespace hs::test
