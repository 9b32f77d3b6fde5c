#include "homeserver/core/event_crypto.h"

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/digest.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"

namespace hs::core {

namespace {
std::string contentHashRaw(const json::Value& event) {
  return sha256(canonicalJsonWithout(event, {"unsigned", "signatures", "hashes"}));
}
}  // namespace

std::string contentHashBase64(const json::Value& event) {
  return base64Encode(contentHashRaw(event));
}

void addContentHash(json::Document& pdu) {
  if (!pdu.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "An event must be a JSON object");
  }
  const std::string hash = contentHashBase64(pdu);
  auto& alloc = pdu.GetAllocator();
  auto hashes = pdu.FindMember("hashes");
  if (hashes == pdu.MemberEnd()) {
    pdu.AddMember("hashes", json::Value(rapidjson::kObjectType), alloc);
    hashes = pdu.MemberEnd() - 1;
  } else if (!hashes->value.IsObject()) {
    hashes->value.SetObject();  // we are the origin: a stray non-object has no meaning
  }
  json::Value& obj = hashes->value;
  json::Value value(hash.data(), hash.size(), alloc);
  if (auto it = obj.FindMember("sha256"); it != obj.MemberEnd()) {
    it->value = value;
  } else {
    obj.AddMember("sha256", value, alloc);
  }
}

bool contentHashMatches(const json::Value& pdu) {
  const json::Value* hashes = json::member(pdu, "hashes");
  const json::Value* claimed = hashes != nullptr ? json::member(*hashes, "sha256") : nullptr;
  if (claimed == nullptr || !claimed->IsString()) {
    return false;
  }
  const auto raw = base64Decode({claimed->GetString(), claimed->GetStringLength()});
  return raw.has_value() && constantTimeEquals(*raw, contentHashRaw(pdu));
}

std::string referenceHash(const json::Value& pdu, const std::string& room_version) {
  const json::Document redacted = redactEvent(pdu, room_version);
  // Redaction already drops unsigned and age_ts; listing them states the §8 contract anyway.
  return sha256(canonicalJsonWithout(redacted, {"signatures", "unsigned", "age_ts"}));
}

std::string eventIdFor(const json::Value& pdu, const std::string& room_version) {
  std::string id = "$";  // appended rather than "$" + ..., which trips g++ 12's -Wrestrict
  id += base64UrlEncode(referenceHash(pdu, room_version));
  return id;
}

void signEvent(json::Document& pdu, const std::string& server_name, const SigningKey& key,
               const std::string& room_version) {
  json::Document redacted = redactEvent(pdu, room_version);
  signJson(redacted, server_name, key);
  // signJson just wrote this path, so every step exists.
  const json::Value& by_server = *json::member(*json::member(redacted, "signatures"), server_name);
  const json::Value& sig = *json::member(by_server, key.keyId());
  addSignature(pdu, pdu.GetAllocator(), server_name, key.keyId(),
               std::string(sig.GetString(), sig.GetStringLength()));
}

bool verifyEventSignature(const json::Value& pdu, const std::string& server_name,
                          const std::string& key_id, std::string_view public_key_raw32,
                          const std::string& room_version) {
  const json::Document redacted = redactEvent(pdu, room_version);
  return verifyJsonSignature(redacted, server_name, key_id, public_key_raw32);
}

}  // namespace hs::core
