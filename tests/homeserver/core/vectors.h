#pragma once
// Shared helpers for tests that read conformance/vectors (PARLEY_VECTORS_DIR) and use the
// spec's test signing key.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"

namespace hs::test {

inline json::Document loadVectors(const std::string& name) {
  std::ifstream in(std::string(PARLEY_VECTORS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::tryParse(ss.str());
  EXPECT_TRUE(doc.has_value()) << name;
  return doc ? std::move(*doc) : json::Document();
}

// A deep copy that owns its memory, for mutating vector inputs.
inline json::Document copyOf(const json::Value& v) {
  json::Document doc;
  doc.CopyFrom(v, doc.GetAllocator());
  return doc;
}

inline json::Document parse(std::string_view text) {
  auto doc = json::tryParse(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(*doc) : json::Document();
}

inline std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// Canonical forms compare objects regardless of member order.
inline std::string canon(const json::Value& v) { return core::canonicalJson(v); }

// The spec's test key: seed from signing_key.json, server "domain", key id "ed25519:1".
inline core::SigningKey specKey() {
  const auto key = loadVectors("signing_key.json");
  const auto seed = core::base64Decode(str(key["seed_unpadded_base64"]));
  return core::SigningKey::fromSeed("1", seed.value_or(""));
}

inline std::string specPublicKey() {
  return core::base64Decode("XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI").value_or("");
}

}  // namespace hs::test
