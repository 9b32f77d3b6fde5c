#include "federation/keys/own_keys.h"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "homeserver/core/json.h"

namespace hs::fed {

std::vector<OldVerifyKey> loadOldVerifyKeys(const std::string& path) {
  std::vector<OldVerifyKey> out;
  std::ifstream in(path);
  if (path.empty() || !in) {
    return out;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    std::istringstream fields(line);
    std::string alg;
    if (!(fields >> alg) || alg[0] == '#') {
      continue;
    }
    std::string version;
    OldVerifyKey k;
    if (alg != "ed25519" || !(fields >> version >> k.public_key >> k.expired_ts)) {
      throw std::runtime_error(path + ":" + std::to_string(number) +
                               ": expected `ed25519 <version> <public key> <expired_ts>`");
    }
    k.key_id = "ed25519:" + version;
    out.push_back(std::move(k));
  }
  return out;
}

void appendOldVerifyKey(const std::string& path, const OldVerifyKey& key) {
  std::ofstream out(path, std::ios::app);
  out << "ed25519 " << key.key_id.substr(key.key_id.find(':') + 1) << " " << key.public_key << " "
      << key.expired_ts << "\n";
  if (!out.flush()) {
    throw std::runtime_error("cannot write " + path);
  }
}

std::string rotateSigningKey(const std::string& key_path, const std::string& old_keys_path,
                             int64_t now_ms) {
  const core::SigningKey current = core::SigningKey::loadFile(key_path);
  for (const auto& old : loadOldVerifyKeys(old_keys_path)) {
    if (old.key_id == current.keyId()) {
      throw std::runtime_error("the key " + current.keyId() + " was already rotated out");
    }
  }
  core::SigningKey fresh = core::SigningKey::generate();
  while (fresh.keyId() == current.keyId()) {
    fresh = core::SigningKey::generate();
  }
  const std::string staged = key_path + ".new";
  std::filesystem::remove(staged);
  fresh.writeFile(staged);
  appendOldVerifyKey(old_keys_path, {current.keyId(), current.publicKeyBase64(), now_ms});
  std::filesystem::rename(staged, key_path);  // atomic: the key file is never half written
  return fresh.keyId();
}

std::string OwnKeys::serverKeysJson(int64_t now_ms) const {
  json::Writer w;
  w.startObject().key("server_name").string(server_name_);
  w.key("valid_until_ts").integer(now_ms + kValidityMs);
  w.key("verify_keys").startObject().key(key_.keyId()).startObject();
  w.key("key").string(key_.publicKeyBase64()).endObject().endObject();
  w.key("old_verify_keys").startObject();
  for (const auto& k : old_) {
    w.key(k.key_id).startObject().key("key").string(k.public_key);
    w.key("expired_ts").integer(k.expired_ts).endObject();
  }
  w.endObject().endObject();
  return countersign(w.take());
}

std::string OwnKeys::countersign(const std::string& json_object) const {
  json::Document doc;
  doc.Parse(json_object.data(), json_object.size());
  core::signJson(doc, server_name_, key_);
  return json::toString(doc);
}

}  // namespace hs::fed
