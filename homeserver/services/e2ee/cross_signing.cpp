#include "homeserver/services/e2ee/cross_signing.h"

#include <algorithm>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/e2ee/key_json.h"
#include "homeserver/services/e2ee/positions.h"

namespace hs::e2ee {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kEd25519Bytes = 32;
constexpr size_t kMaxSignedObjects = 1000;
const char* const kKeyTypes[] = {"master", "self_signing", "user_signing"};

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// True when `object` carries a valid signature by `user`'s ed25519 key `public_key`.
bool signedBy(const json::Value& object, const std::string& user, const std::string& public_key,
              const std::string& key_id) {
  const auto raw = core::base64Decode(public_key);
  return raw && raw->size() == kEd25519Bytes && core::verifyJsonSignature(object, user, key_id, *raw);
}

CrossSigningKey parseKey(const core::UserId& user, const json::Value& key, const std::string& type) {
  if (!key.IsObject()) {
    throw MatrixError(ErrCode::BadJson, type + "_key must be an object");
  }
  if (json::requireString(key, "user_id") != user.str()) {
    throw MatrixError(ErrCode::InvalidParam, type + "_key belongs to another user");
  }
  const auto usage = json::optStringArray(key, "usage");
  if (!usage || std::find(usage->begin(), usage->end(), type) == usage->end()) {
    throw MatrixError(ErrCode::InvalidParam, type + "_key must have usage " + type);
  }
  const auto public_key = crossSigningPublicKey(key);
  const auto raw = public_key ? core::base64Decode(*public_key) : std::nullopt;
  if (!raw || raw->size() != kEd25519Bytes) {
    throw MatrixError(ErrCode::InvalidParam, type + "_key must hold one ed25519 key");
  }
  return CrossSigningKey{type, *public_key, core::canonicalJsonWithout(key, {"unsigned"})};
}

const CrossSigningKey* findType(const std::vector<CrossSigningKey>& keys, const std::string& type) {
  for (const auto& k : keys) {
    if (k.key_type == type) {
      return &k;
    }
  }
  return nullptr;
}
}  // namespace

void CrossSigning::uploadKeys(const core::UserId& user, const json::Value& body,
                              const std::function<void()>& authorize) {
  const auto stored = store_.crossSigningKeys(user.str());
  std::vector<CrossSigningKey> incoming;
  for (const std::string type : kKeyTypes) {
    if (const json::Value* k = json::member(body, type + "_key"); k && !k->IsNull()) {
      incoming.push_back(parseKey(user, *k, type));
    }
  }
  const CrossSigningKey* master = findType(incoming, "master");
  master = master ? master : findType(stored, "master");
  if (master == nullptr) {
    throw MatrixError(ErrCode::MissingParam, "No master key uploaded");
  }
  bool repeats_stored = true;
  for (const auto& k : incoming) {
    if (k.key_type != "master" &&
        !signedBy(parseStored(k.key_json), user.str(), master->public_key, "ed25519:" + master->public_key)) {
      throw MatrixError(ErrCode::InvalidSignature, k.key_type + "_key is not signed by the master key");
    }
    if (store_.deviceExists(user.str(), k.public_key)) {
      throw MatrixError(ErrCode::Forbidden, "Key ID in use");
    }
    const CrossSigningKey* old = findType(stored, k.key_type);
    repeats_stored = repeats_stored && old != nullptr && old->key_json == k.key_json;
  }
  if (findType(stored, "master") != nullptr && !repeats_stored) {
    authorize();
  }
  if (incoming.empty() || repeats_stored) {
    return;
  }
  {
    Positions positions(stream_);
    store_.putCrossSigningKeys(user.str(), incoming, DeviceListChange{user.str(), std::nullopt, false, positions.take()});
  }
  lists_.notify(user.str());
}

// What `signer` may sign as `target_user`'s `key_id`, and with which of their keys: their own
// devices with their self-signing key, their own master key with one of their devices, and
// another user's master key with their user-signing key.
std::optional<CrossSigning::Signable> CrossSigning::signable(const core::UserId& signer,
                                                             const std::string& target_user,
                                                             const std::string& key_id) {
  const bool own = signer.str() == target_user;
  const auto signer_keys = store_.crossSigningKeys(signer.str());
  const auto target_keys = own ? signer_keys : store_.crossSigningKeys(target_user);
  auto by = [](const CrossSigningKey* key) {
    return [public_key = key ? key->public_key : std::string()](const std::string& kid) -> std::optional<std::string> {
      if (public_key.empty() || kid != "ed25519:" + public_key) {
        return std::nullopt;
      }
      return public_key;
    };
  };
  if (const CrossSigningKey* master = findType(target_keys, "master"); master && master->public_key == key_id) {
    if (!own) {
      return Signable{master->key_json, std::nullopt, by(findType(signer_keys, "user_signing"))};
    }
    const std::string user = signer.str();
    return Signable{master->key_json, std::nullopt, [this, user](const std::string& kid) -> std::optional<std::string> {
                      const std::string device = kid.rfind("ed25519:", 0) == 0 ? kid.substr(8) : "";
                      const auto keys = device.empty() ? std::nullopt : store_.deviceKeys(user, device);
                      return keys ? deviceSigningKey(parseStored(*keys), device) : std::nullopt;
                    }};
  }
  if (own) {
    if (auto device = store_.deviceKeys(target_user, key_id)) {
      return Signable{*device, key_id, by(findType(signer_keys, "self_signing"))};
    }
  }
  return std::nullopt;
}

std::vector<Signature> CrossSigning::checkSignatures(const core::UserId& signer, const std::string& target_user,
                                                     const std::string& key_id, const json::Value& object,
                                                     std::optional<std::string>& changed_device) {
  const auto target = signable(signer, target_user, key_id);
  if (!target) {
    throw MatrixError(ErrCode::NotFound, "No key " + key_id + " that this user may sign");
  }
  const json::Document stored = parseStored(target->stored_json);
  if (!object.IsObject() || signedPart(object) != signedPart(stored)) {
    throw MatrixError(ErrCode::InvalidParam, "The signed object does not match the stored key");
  }
  changed_device = target->changed_device;
  std::vector<Signature> accepted;
  const json::Value* sigs = json::member(object, "signatures");
  const json::Value* mine = sigs ? json::member(*sigs, signer.str()) : nullptr;
  if (mine != nullptr && mine->IsObject()) {
    for (const auto& m : mine->GetObject()) {
      const std::string kid = str(m.name);
      const auto public_key = target->signer_key(kid);
      if (!public_key || !m.value.IsString()) {
        continue;  // the object's own signatures, or keys that cannot sign it
      }
      if (!signedBy(object, signer.str(), *public_key, kid)) {
        throw MatrixError(ErrCode::InvalidSignature, "Invalid signature by " + kid);
      }
      accepted.push_back(Signature{target_user, key_id, signer.str(), kid, str(m.value)});
    }
  }
  if (accepted.empty()) {
    throw MatrixError(ErrCode::InvalidSignature, "No signature by a key that may sign " + key_id);
  }
  return accepted;
}

std::vector<SignatureFailure> CrossSigning::uploadSignatures(const core::UserId& signer, const json::Value& body) {
  std::vector<SignatureFailure> failures;
  std::vector<Signature> accepted;
  std::vector<std::pair<std::string, std::optional<std::string>>> targets;  // device lists to bump
  size_t seen = 0;
  for (const auto& u : body.GetObject()) {
    const std::string target_user = core::UserId::parse(str(u.name)).str();
    if (!u.value.IsObject()) {
      throw MatrixError(ErrCode::BadJson, "Each user maps to {key id: signed object}");
    }
    for (const auto& k : u.value.GetObject()) {
      if (++seen > kMaxSignedObjects) {
        throw MatrixError(ErrCode::InvalidParam, "Too many signed objects at once");
      }
      try {
        std::optional<std::string> device;
        auto sigs = checkSignatures(signer, target_user, str(k.name), k.value, device);
        accepted.insert(accepted.end(), sigs.begin(), sigs.end());
        // Signatures of another user's master key are shown to the signer only.
        targets.emplace_back(target_user == signer.str() ? target_user : signer.str(), device);
      } catch (const MatrixError& e) {
        failures.push_back(SignatureFailure{target_user, str(k.name), e});
      }
    }
  }
  if (!accepted.empty()) {
    {
      Positions positions(stream_);
      std::vector<DeviceListChange> changes;
      for (const auto& [user, device] : targets) {
        changes.push_back(DeviceListChange{user, device, false, positions.take()});
      }
      store_.addSignatures(accepted, changes);
    }
    lists_.notify(signer.str());
  }
  return failures;
}

}  // namespace hs::e2ee
