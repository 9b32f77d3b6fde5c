#pragma once
// JSON shapes shared by the key services: "<algorithm>:<key id>" maps, signed key objects and
// the merging of separately stored signatures back into them.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/e2ee/key_store.h"

namespace hs::e2ee {

// A map of "<algorithm>:<key id>" to key (a signed object or a string), as one-time and
// fallback keys are uploaded; each key is kept in canonical JSON. M_BAD_JSON when malformed.
std::vector<OneTimeKey> parseKeyMap(const json::Value& map, const char* field);

// The canonical JSON of a signed object without its `signatures` and `unsigned`: two uploads
// of one key compare equal on it whoever signed them.
std::string signedPart(const json::Value& object);

// `key_json` with each signature added under signatures.<signer_user>.<signer_key_id>, and
// unsigned.device_display_name when a display name is given.
std::string withSignatures(const std::string& key_json, const std::vector<Signature>& signatures,
                           const std::optional<std::string>& display_name = std::nullopt);

// Reads a stored key object (always valid JSON: the server wrote it).
json::Document parseStored(const std::string& key_json);

// The single "ed25519:<public key>" entry of a cross-signing key's `keys`, as the public key;
// nullopt when there is not exactly one such entry or its id and value differ.
std::optional<std::string> crossSigningPublicKey(const json::Value& key);
// A device's ed25519 key from its DeviceKeys ("ed25519:<device id>").
std::optional<std::string> deviceSigningKey(const json::Value& device_keys, const std::string& device_id);

}  // namespace hs::e2ee
