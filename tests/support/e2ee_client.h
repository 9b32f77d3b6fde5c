#pragma once
// Integration-test support for end-to-end encryption: a logged-in device that makes real
// ed25519-signed keys the way a client library does, and /sync helpers.
#include <memory>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"
#include "tests/support/test_server.h"

namespace hs::test {

// An ed25519 key pair with its unpadded base64 public key (a device or cross-signing key).
struct TestKey {
  std::shared_ptr<core::SigningKey> key;  // shared: a copied Device signs alike
  std::string public_b64;
  TestKey();
  // Signs `doc` (everything but signatures/unsigned) as `user` under "ed25519:<key_name>".
  void sign(json::Document& doc, const std::string& user, const std::string& key_name) const;
};

struct Device {
  std::string user_id;
  std::string device_id;
  std::string token;
  TestKey ed25519;  // the device's signing key, "ed25519:<device_id>"

  // Signed DeviceKeys for this device, as /keys/upload takes them.
  std::string deviceKeys() const;
  // {"signed_curve25519:<prefix><i>": signed key} for i in [0, n).
  std::string oneTimeKeys(int n, const std::string& prefix = "k") const;
};

// Registers `localpart` with a first device, or logs in another device of an existing user.
Device registerDevice(TestServer& s, const std::string& localpart, const std::string& device_id);
Device loginDevice(TestServer& s, const std::string& localpart, const std::string& device_id);

// GET /sync (since may be empty: initial sync); fails the test on a non-200.
json::Document sync(TestServer& s, const std::string& token, const std::string& since = "",
                    int timeout_ms = 0);
std::string nextBatch(const json::Document& sync_response);
// Strings of an array (empty when missing).
std::vector<std::string> strings(const json::Value* array);
// The device_lists.changed / device_lists.left of a sync response.
std::vector<std::string> changed(const json::Document& sync_response);
std::vector<std::string> left(const json::Document& sync_response);
// Defined once, in tests/support/matrix_client.cpp.
std::string errcode(const HttpResult& r);
// Creates a room as `creator`, joins `joiners`, returns its id.
std::string sharedRoom(TestServer& s, const std::string& creator_token,
                       const std::vector<std::string>& joiner_tokens);

}  // namespace hs::test
