#include "federation/keys/key_response.h"

#include <algorithm>

#include "homeserver/core/base64.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/signing.h"

namespace hs::fed {

namespace {
using Result = std::variant<ServerKeys, std::string>;

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Reads {key_id: {key, expired_ts?}} into `out`; false when an entry is malformed.
bool readKeys(const json::Value& obj, bool old, int64_t valid_until, ServerKeys& out) {
  for (const auto& k : obj.GetObject()) {
    const json::Value* key = json::member(k.value, "key");
    if (!k.value.IsObject() || key == nullptr || !key->IsString()) {
      return false;
    }
    const auto raw = core::base64Decode(str(*key));
    if (!raw || raw->size() != core::SigningKey::kPublicKeySize) {
      return false;
    }
    core::VerifyKey v{*raw, valid_until, std::nullopt};
    if (old) {
      const auto expired = json::optInt(k.value, "expired_ts");
      if (!expired) {
        return false;
      }
      v.expired_ts = *expired;
      v.valid_until_ts = std::min(valid_until, *expired);
    }
    out.keys[str(k.name)] = std::move(v);
  }
  return true;
}
}  // namespace

bool signedBy(const json::Value& response, const std::string& signer, const std::string& key_id,
              const std::string& public_key_raw) {
  try {
    return core::verifyJsonSignature(response, signer, key_id, public_key_raw);
  } catch (const core::MatrixError&) {
    return false;  // not canonicalizable
  }
}

Result checkKeyResponse(const json::Value& response, const std::string& expected_server, int64_t now_ms) {
  if (!response.IsObject()) {
    return std::string("key response is not an object");
  }
  if (json::optString(response, "server_name").value_or("") != expected_server) {
    return std::string("key response is for another server");
  }
  const auto valid_until = json::optInt(response, "valid_until_ts");
  const json::Value* verify = json::member(response, "verify_keys");
  if (!valid_until || verify == nullptr || !verify->IsObject()) {
    return std::string("key response lacks valid_until_ts or verify_keys");
  }
  ServerKeys out;
  out.server_name = expected_server;
  out.fetched_ts = now_ms;
  out.valid_until_ts = std::min(*valid_until, now_ms + kMaxKeyValidityMs);
  const json::Value* old = json::member(response, "old_verify_keys");
  if (!readKeys(*verify, false, out.valid_until_ts, out) ||
      (old != nullptr && (!old->IsObject() || !readKeys(*old, true, out.valid_until_ts, out)))) {
    return std::string("key response has a malformed key");
  }
  const json::Value* sigs = json::member(response, "signatures");
  const json::Value* own = sigs != nullptr && sigs->IsObject() ? json::member(*sigs, expected_server) : nullptr;
  if (own == nullptr || !own->IsObject() || own->ObjectEmpty()) {
    return std::string("key response is not signed by its server");
  }
  int verified = 0;
  for (const auto& s : own->GetObject()) {
    const std::string key_id = str(s.name);
    if (key_id.rfind("ed25519:", 0) != 0) {
      continue;  // algorithms we do not know are ignored
    }
    const json::Value* listed = json::member(*verify, key_id);
    if (listed == nullptr || !signedBy(response, expected_server, key_id, out.keys.at(key_id).public_key)) {
      return "key response has a bad self-signature by " + key_id;
    }
    ++verified;
  }
  if (verified == 0) {
    return std::string("key response is not signed by its server");
  }
  return out;
}

}  // namespace hs::fed
