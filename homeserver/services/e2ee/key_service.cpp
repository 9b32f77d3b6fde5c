#include "homeserver/services/e2ee/key_service.h"

#include <set>

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/e2ee/key_json.h"
#include "homeserver/services/e2ee/positions.h"

namespace hs::e2ee {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxKeysPerUpload = 1000;
constexpr size_t kMaxQueriedDevices = 10000;
constexpr size_t kMaxClaims = 1000;
constexpr const char* kSignedCurve25519 = "signed_curve25519";

void requireField(const json::Value& keys, const char* name, const std::string& expected) {
  if (json::requireString(keys, name) != expected) {
    throw MatrixError(ErrCode::InvalidParam,
                      std::string("device_keys.") + name + " must be the uploading device's");
  }
}

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }
}  // namespace

void KeyService::uploadDeviceKeys(const core::UserId& user, const std::string& device_id,
                                  const json::Value& keys) {
  requireField(keys, "user_id", user.str());
  requireField(keys, "device_id", device_id);
  json::optStringArray(keys, "algorithms");  // M_BAD_JSON when not an array of strings
  const json::Value& identity = json::requireObject(keys, "keys");
  const std::string stored_form = core::canonicalJsonWithout(keys, {"unsigned"});
  if (const auto current = store_.deviceKeys(user.str(), device_id)) {
    const json::Document doc = parseStored(*current);
    const json::Value* stored_identity = json::member(doc, "keys");
    if (stored_identity == nullptr || core::canonicalJson(*stored_identity) != core::canonicalJson(identity)) {
      // NOTSPEC: the spec is silent; a device's identity keys are its identity, so a device
      // that lost them must log in as a new device rather than replace them under the old id.
      throw MatrixError(ErrCode::InvalidParam, "This device already has different identity keys");
    }
    if (*current == stored_form) {
      return;  // a retried upload
    }
  }
  {
    Positions positions(stream_);
    DeviceListChange change{user.str(), device_id, false, positions.take()};
    lists_.addFederation(change, stored_form);
    if (!store_.putDeviceKeys(user.str(), device_id, stored_form, change)) {
      throw MatrixError(ErrCode::NotFound, "Unknown device");
    }
  }
  lists_.notify(user.str());
}

std::map<std::string, int64_t> KeyService::upload(const core::UserId& user, const std::string& device_id,
                                                  const json::Value& body) {
  const json::Value* device_keys = json::optObject(body, "device_keys");
  std::vector<OneTimeKey> one_time, fallback;
  if (const json::Value* m = json::member(body, "one_time_keys"); m && !m->IsNull()) {
    one_time = parseKeyMap(*m, "one_time_keys");
  }
  if (const json::Value* m = json::member(body, "fallback_keys"); m && !m->IsNull()) {
    fallback = parseKeyMap(*m, "fallback_keys");
  }
  if (one_time.size() + fallback.size() > kMaxKeysPerUpload) {
    throw MatrixError(ErrCode::InvalidParam, "Too many keys in one upload");
  }
  std::set<std::string> fallback_algorithms;
  for (const auto& k : fallback) {
    if (!fallback_algorithms.insert(k.algorithm).second) {
      throw MatrixError(ErrCode::InvalidParam, "At most one fallback key per algorithm");
    }
  }
  if (device_keys != nullptr) {
    uploadDeviceKeys(user, device_id, *device_keys);
  }
  if (!one_time.empty()) {
    if (const auto clash = store_.addOneTimeKeys(user.str(), device_id, one_time)) {
      throw MatrixError(ErrCode::InvalidParam, "One-time key " + *clash + " already exists");
    }
  }
  if (!fallback.empty()) {
    store_.putFallbackKeys(user.str(), device_id, fallback);
  }
  return oneTimeKeyCounts(user.str(), device_id);
}

std::map<std::string, int64_t> KeyService::oneTimeKeyCounts(const std::string& user_id,
                                                           const std::string& device_id) {
  auto counts = store_.oneTimeKeyCounts(user_id, device_id);
  counts.emplace(kSignedCurve25519, 0);  // no-op when present
  return counts;
}

std::vector<std::string> KeyService::unusedFallbackKeyTypes(const std::string& user_id,
                                                            const std::string& device_id) {
  return store_.unusedFallbackKeyTypes(user_id, device_id);
}

KeyQueryResult KeyService::query(const core::UserId& requester, const json::Value& device_keys) {
  if (!device_keys.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'device_keys' must be an object");
  }
  KeyQueryResult out;
  size_t total = 0;
  for (const auto& m : device_keys.GetObject()) {
    const auto user = core::UserId::parse(str(m.name));  // M_INVALID_PARAM when malformed
    if (!m.value.IsArray()) {
      throw MatrixError(ErrCode::BadJson, "Each user in 'device_keys' maps to a list of device ids");
    }
    std::vector<std::string> devices;
    for (const auto& d : m.value.GetArray()) {
      if (!d.IsString()) {
        throw MatrixError(ErrCode::BadJson, "Device ids must be strings");
      }
      devices.push_back(str(d));
    }
    total += std::max<size_t>(1, devices.size());
    if (total > kMaxQueriedDevices) {
      throw MatrixError(ErrCode::InvalidParam, "Too many devices queried at once");
    }
    if (isLocal(user)) {
      queryUser(requester, user.str(), devices, out);
    }
  }
  return out;
}

void KeyService::queryUser(const core::UserId& requester, const std::string& user_id,
                           const std::vector<std::string>& device_ids, KeyQueryResult& out) {
  const bool own = requester.str() == user_id;
  // Signatures by the user themselves, and those the requester made (a user-signing key's
  // signature of this user's master key is shown to its signer only).
  const auto signatures = store_.signaturesOf(user_id, own ? std::vector<std::string>{user_id}
                                                           : std::vector<std::string>{user_id, requester.str()});
  auto signaturesFor = [&](const std::string& target) {
    std::vector<Signature> out_sigs;
    for (const auto& s : signatures) {
      if (s.target_key == target) {
        out_sigs.push_back(s);
      }
    }
    return out_sigs;
  };
  auto& devices = out.device_keys[user_id];
  for (const auto& d : store_.queryDeviceKeys(user_id, device_ids)) {
    devices[d.device_id] = withSignatures(d.key_json, signaturesFor(d.device_id), d.display_name);
  }
  for (const auto& k : store_.crossSigningKeys(user_id)) {
    const std::string rendered = withSignatures(k.key_json, signaturesFor(k.public_key));
    if (k.key_type == "master") {
      out.master_keys[user_id] = rendered;
    } else if (k.key_type == "self_signing") {
      out.self_signing_keys[user_id] = rendered;
    } else if (own) {
      out.user_signing_keys[user_id] = rendered;
    }
  }
}

KeyClaimResult KeyService::claim(const json::Value& one_time_keys) {
  if (!one_time_keys.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'one_time_keys' must be an object");
  }
  std::vector<std::tuple<std::string, std::string, std::string>> wanted;  // user, device, algorithm
  for (const auto& u : one_time_keys.GetObject()) {
    const auto user = core::UserId::parse(str(u.name));
    if (!u.value.IsObject()) {
      throw MatrixError(ErrCode::BadJson, "Each user in 'one_time_keys' maps to {device: algorithm}");
    }
    for (const auto& d : u.value.GetObject()) {
      if (!d.value.IsString()) {
        throw MatrixError(ErrCode::BadJson, "Algorithms must be strings");
      }
      if (isLocal(user)) {
        wanted.emplace_back(user.str(), str(d.name), str(d.value));
      }
    }
  }
  if (wanted.size() > kMaxClaims) {
    throw MatrixError(ErrCode::InvalidParam, "Too many keys claimed at once");
  }
  KeyClaimResult out;
  for (const auto& [user, device, algorithm] : wanted) {
    if (auto key = store_.claimKey(user, device, algorithm)) {
      out[user][device][key->algorithm + ":" + key->key_id] = std::move(key->key_json);
    }
  }
  return out;
}

}  // namespace hs::e2ee
