#include "homeserver/services/e2ee/key_json.h"

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/signing.h"

namespace hs::e2ee {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxKeyIdBytes = 255;
}

std::vector<OneTimeKey> parseKeyMap(const json::Value& map, const char* field) {
  if (!map.IsObject()) {
    throw MatrixError(ErrCode::BadJson, std::string("'") + field + "' must be an object");
  }
  std::vector<OneTimeKey> keys;
  for (const auto& m : map.GetObject()) {
    const std::string name(m.name.GetString(), m.name.GetStringLength());
    const size_t colon = name.find(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == name.size() ||
        name.size() > kMaxKeyIdBytes) {
      throw MatrixError(ErrCode::BadJson, std::string("Key ids in '") + field +
                                              "' must look like <algorithm>:<key id>");
    }
    if (!m.value.IsObject() && !m.value.IsString()) {
      throw MatrixError(ErrCode::BadJson, "Key " + name + " must be an object or a string");
    }
    keys.push_back(OneTimeKey{name.substr(0, colon), name.substr(colon + 1), core::canonicalJson(m.value)});
  }
  return keys;
}

std::string signedPart(const json::Value& object) {
  return core::canonicalJsonWithout(object, {"signatures", "unsigned"});
}

json::Document parseStored(const std::string& key_json) {
  auto doc = json::tryParse(key_json);
  if (!doc || !doc->IsObject()) {
    throw std::runtime_error("stored key is not a JSON object");
  }
  return std::move(*doc);
}

std::string withSignatures(const std::string& key_json, const std::vector<Signature>& signatures,
                           const std::optional<std::string>& display_name) {
  json::Document doc = parseStored(key_json);
  auto& alloc = doc.GetAllocator();
  for (const auto& s : signatures) {
    core::addSignature(doc, alloc, s.signer_user, s.signer_key_id, s.signature);
  }
  if (display_name) {
    json::Value unsigned_obj(rapidjson::kObjectType);
    unsigned_obj.AddMember("device_display_name", json::Value(display_name->data(), static_cast<rapidjson::SizeType>(display_name->size()), alloc), alloc);
    doc.RemoveMember("unsigned");
    doc.AddMember("unsigned", unsigned_obj, alloc);
  }
  return json::toString(doc);
}

std::optional<std::string> crossSigningPublicKey(const json::Value& key) {
  const json::Value* keys = json::member(key, "keys");
  if (keys == nullptr || !keys->IsObject() || keys->MemberCount() != 1) {
    return std::nullopt;
  }
  const auto& m = *keys->MemberBegin();
  const std::string id(m.name.GetString(), m.name.GetStringLength());
  if (!m.value.IsString() || id.rfind("ed25519:", 0) != 0) {
    return std::nullopt;
  }
  const std::string value(m.value.GetString(), m.value.GetStringLength());
  if (id.substr(8) != value || value.empty()) {
    return std::nullopt;
  }
  return value;
}

std::optional<std::string> deviceSigningKey(const json::Value& device_keys, const std::string& device_id) {
  const json::Value* keys = json::member(device_keys, "keys");
  const json::Value* key = keys != nullptr ? json::member(*keys, "ed25519:" + device_id) : nullptr;
  if (key == nullptr || !key->IsString()) {
    return std::nullopt;
  }
  return std::string(key->GetString(), key->GetStringLength());
}

}  // namespace hs::e2ee
