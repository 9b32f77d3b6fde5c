#include "tests/support/e2ee_client.h"

#include <gtest/gtest.h>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"

namespace hs::test {

TestKey::TestKey()
    : key(std::make_shared<core::SigningKey>(core::SigningKey::generate())),
      public_b64(key->publicKeyBase64()) {}

void TestKey::sign(json::Document& doc, const std::string& user, const std::string& key_name) const {
  const std::string signature = key->sign(core::canonicalJsonWithout(doc, {"signatures", "unsigned"}));
  core::addSignature(doc, doc.GetAllocator(), user, "ed25519:" + key_name, core::base64Encode(signature));
}

std::string Device::deviceKeys() const {
  json::Document doc;
  const std::string text = R"({"user_id":")" + user_id + R"(","device_id":")" + device_id +
                           R"(","algorithms":["m.olm.v1.curve25519-aes-sha2","m.megolm.v1.aes-sha2"],)"
                           R"("keys":{"curve25519:)" + device_id + R"(":"curve-)" + device_id +
                           R"(","ed25519:)" + device_id + R"(":")" + ed25519.public_b64 + R"("}})";
  doc.Parse(text.c_str());
  ed25519.sign(doc, user_id, device_id);
  return json::toString(doc);
}

std::string Device::oneTimeKeys(int n, const std::string& prefix) const {
  std::string out = "{";
  for (int i = 0; i < n; ++i) {
    json::Document key;
    const std::string text = R"({"key":"otk-)" + device_id + "-" + prefix + std::to_string(i) + R"("})";
    key.Parse(text.c_str());
    ed25519.sign(key, user_id, device_id);
    out += (i ? ",\"" : "\"") + std::string("signed_curve25519:") + prefix + std::to_string(i) +
           "\":" + json::toString(key);
  }
  return out + "}";
}

namespace {
Device fromLogin(const HttpResult& r) {
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  Device d;
  if (doc.IsObject() && doc.HasMember("access_token")) {
    d.user_id = doc["user_id"].GetString();
    d.device_id = doc["device_id"].GetString();
    d.token = doc["access_token"].GetString();
  }
  return d;
}
}  // namespace

Device registerDevice(TestServer& s, const std::string& localpart, const std::string& device_id) {
  return fromLogin(s.post("/_matrix/client/v3/register",
                          R"({"username":")" + localpart + R"(","password":"password123","device_id":")" +
                              device_id + R"(","auth":{"type":"m.login.dummy"}})"));
}

Device loginDevice(TestServer& s, const std::string& localpart, const std::string& device_id) {
  return fromLogin(s.post("/_matrix/client/v3/login",
                          R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" +
                              localpart + R"("},"password":"password123","device_id":")" + device_id + "\"}"));
}

json::Document sync(TestServer& s, const std::string& token, const std::string& since, int timeout_ms) {
  std::string path = "/_matrix/client/v3/sync?timeout=" + std::to_string(timeout_ms);
  if (!since.empty()) {
    path += "&since=" + since;
  }
  const auto r = s.get(path, token);
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

std::string nextBatch(const json::Document& sync_response) {
  return sync_response.IsObject() && sync_response.HasMember("next_batch")
             ? sync_response["next_batch"].GetString()
             : "";
}

std::vector<std::string> strings(const json::Value* array) {
  std::vector<std::string> out;
  if (array != nullptr && array->IsArray()) {
    for (const auto& v : array->GetArray()) {
      out.emplace_back(v.GetString());
    }
  }
  return out;
}

std::vector<std::string> changed(const json::Document& r) {
  const auto* lists = json::member(r, "device_lists");
  return strings(lists ? json::member(*lists, "changed") : nullptr);
}

std::vector<std::string> left(const json::Document& r) {
  const auto* lists = json::member(r, "device_lists");
  return strings(lists ? json::member(*lists, "left") : nullptr);
}

std::string sharedRoom(TestServer& s, const std::string& creator_token,
                       const std::vector<std::string>& joiner_tokens) {
  const auto created = s.post("/_matrix/client/v3/createRoom", R"({"preset":"public_chat"})", creator_token);
  EXPECT_EQ(created.status, 200) << created.body;
  const std::string room_id = created.json()["room_id"].GetString();
  for (const auto& token : joiner_tokens) {
    const auto joined = s.post("/_matrix/client/v3/join/" + room_id, "{}", token);
    EXPECT_EQ(joined.status, 200) << joined.body;
  }
  return room_id;
}

}  // namespace hs::test
