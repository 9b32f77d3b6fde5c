#pragma once
// Hashes, ids and signatures of PDUs (ALGORITHMS §5, §7, §8), for room versions 10-12.
#include <string>
#include <string_view>

#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"

namespace hs::core {

// §5: unpadded standard base64 of SHA-256 over the canonical event minus `unsigned`,
// `signatures` and `hashes`. It covers the unredacted content.
std::string contentHashBase64(const json::Value& event);
// Sets pdu.hashes.sha256 (other hash algorithms, if any, are kept).
void addContentHash(json::Document& pdu);
// True when pdu.hashes.sha256 matches the event. A mismatch means a redacted copy reached us.
bool contentHashMatches(const json::Value& pdu);

// §8: SHA-256 (32 raw bytes) of the canonical redacted event minus signatures, unsigned and
// age_ts. Room v3 would base64 it with the standard alphabet; v4+ uses eventIdFor.
std::string referenceHash(const json::Value& pdu, const std::string& room_version);
// "$" + URL-safe unpadded base64 of the reference hash (room v4 and later).
std::string eventIdFor(const json::Value& pdu, const std::string& room_version);

// §7: signs the redacted form of `pdu` as `server_name` and adds the signature to `pdu`.
// Call addContentHash first: the hash is what makes the signature cover the whole event.
void signEvent(json::Document& pdu, const std::string& server_name, const SigningKey& key,
               const std::string& room_version);
// True when `server_name` signed the redacted form of `pdu` with `key_id`. Like every function
// here, throws MatrixError(BadJson) for a PDU that is not canonicalizable JSON (drop it).
bool verifyEventSignature(const json::Value& pdu, const std::string& server_name,
                          const std::string& key_id, std::string_view public_key_raw32,
                          const std::string& room_version);

}  // namespace hs::core
