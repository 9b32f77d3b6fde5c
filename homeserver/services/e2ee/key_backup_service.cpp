#include "homeserver/services/e2ee/key_backup_service.h"

#include <charconv>

#include "homeserver/core/matrix_error.h"

namespace hs::e2ee {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxIdBytes = 255;
constexpr size_t kMaxKeysPerPut = 10000;

// Version ids are decimal integers; anything else names no version.
std::optional<int64_t> parseVersion(const std::string& text) {
  int64_t v = 0;
  const char* end = text.data() + text.size();
  const auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || ptr != end || v <= 0) {
    return std::nullopt;
  }
  return v;
}

[[noreturn]] void unknownVersion() { throw MatrixError(ErrCode::NotFound, "Unknown backup version"); }

std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

void checkId(const std::string& id, const char* what) {
  if (id.empty() || id.size() > kMaxIdBytes) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid ") + what);
  }
}

BackupKey parseKey(const std::string& room_id, const std::string& session_id, const json::Value& v) {
  checkId(room_id, "room id");
  checkId(session_id, "session id");
  const auto first = json::optInt(v, "first_message_index");
  const auto forwarded = json::optInt(v, "forwarded_count");
  const auto verified = json::optBool(v, "is_verified");
  const json::Value* data = json::optObject(v, "session_data");
  if (!v.IsObject() || !first || !forwarded || !verified || data == nullptr) {
    throw MatrixError(ErrCode::BadJson, "Key backup data needs first_message_index, forwarded_count, "
                                        "is_verified and session_data");
  }
  // Both are counts: a negative one would win every later comparison of the replacement rule.
  if (*first < 0 || *forwarded < 0) {
    throw MatrixError(ErrCode::BadJson, "first_message_index and forwarded_count must not be negative");
  }
  return BackupKey{room_id, session_id, *first, *forwarded, *verified, json::toString(*data)};
}

void parseSessions(const std::string& room_id, const json::Value& room, std::vector<BackupKey>& out) {
  const json::Value& sessions = json::requireObject(room, "sessions");
  for (const auto& s : sessions.GetObject()) {
    out.push_back(parseKey(room_id, str(s.name), s.value));
  }
}

std::vector<BackupKey> parseBody(const BackupScope& scope, const json::Value& body) {
  std::vector<BackupKey> keys;
  if (scope.session_id) {
    keys.push_back(parseKey(*scope.room_id, *scope.session_id, body));
  } else if (scope.room_id) {
    parseSessions(*scope.room_id, body, keys);
  } else {
    for (const auto& r : json::requireObject(body, "rooms").GetObject()) {
      if (!r.value.IsObject()) {
        throw MatrixError(ErrCode::BadJson, "Each room maps to {sessions: {...}}");
      }
      parseSessions(str(r.name), r.value, keys);
    }
  }
  if (keys.size() > kMaxKeysPerPut) {
    throw MatrixError(ErrCode::InvalidParam, "Too many keys in one request");
  }
  return keys;
}
}  // namespace

bool keyReplaces(const BackupKey& incoming, const BackupKey& stored) {
  if (incoming.is_verified != stored.is_verified) {
    return incoming.is_verified;
  }
  if (incoming.first_message_index != stored.first_message_index) {
    return incoming.first_message_index < stored.first_message_index;
  }
  return incoming.forwarded_count < stored.forwarded_count;
}

std::string KeyBackupService::createVersion(const std::string& user_id, const json::Value& body) {
  const std::string algorithm = json::requireString(body, "algorithm");
  checkId(algorithm, "algorithm");
  const std::string auth_data = json::toString(json::requireObject(body, "auth_data"));
  return std::to_string(store_.createVersion(user_id, algorithm, auth_data));
}

BackupVersion KeyBackupService::version(const std::string& user_id,
                                        const std::optional<std::string>& version) {
  std::optional<int64_t> wanted;
  if (version) {
    wanted = parseVersion(*version);
    if (!wanted) {
      unknownVersion();
    }
  }
  auto v = store_.version(user_id, wanted);
  if (!v) {
    throw MatrixError(ErrCode::NotFound, version ? "Unknown backup version" : "No current backup version");
  }
  return std::move(*v);
}

void KeyBackupService::updateVersion(const std::string& user_id, const std::string& version,
                                     const json::Value& body) {
  const std::string algorithm = json::requireString(body, "algorithm");
  const std::string auth_data = json::toString(json::requireObject(body, "auth_data"));
  if (const auto in_body = json::optString(body, "version"); in_body && *in_body != version) {
    throw MatrixError(ErrCode::InvalidParam, "The version in the body differs from the path's");
  }
  const BackupVersion current = this->version(user_id, version);
  if (current.algorithm != algorithm) {
    throw MatrixError(ErrCode::InvalidParam, "Algorithm does not match");
  }
  if (!store_.updateAuthData(user_id, current.version, auth_data)) {
    unknownVersion();
  }
}

void KeyBackupService::deleteVersion(const std::string& user_id, const std::string& version) {
  const auto v = parseVersion(version);
  if (!v || !store_.deleteVersion(user_id, *v)) {
    unknownVersion();
  }
}

int64_t KeyBackupService::existingVersion(const std::string& user_id, const std::string& version) {
  return this->version(user_id, version).version;
}

BackupVersion KeyBackupService::putKeys(const std::string& user_id, const std::string& version,
                                        const BackupScope& scope, const json::Value& body) {
  const std::vector<BackupKey> keys = parseBody(scope, body);
  // A version id that does not parse names no version: "not the current one".
  const BackupWrite w = store_.putKeys(user_id, parseVersion(version).value_or(0), keys, keyReplaces);
  switch (w.outcome) {
    case BackupWrite::Outcome::NoSuchVersion:
      unknownVersion();
    case BackupWrite::Outcome::NotCurrent:
      throw MatrixError(ErrCode::WrongRoomKeysVersion, "Wrong backup version")
          .with("current_version", "\"" + std::to_string(w.current_version.value_or(0)) + "\"");
    case BackupWrite::Outcome::Stored:
      break;
  }
  BackupVersion out;
  out.etag = w.etag;
  out.count = w.count;
  return out;
}

std::vector<BackupKey> KeyBackupService::keys(const std::string& user_id, const std::string& version,
                                              const BackupScope& scope) {
  auto found = store_.keys(user_id, existingVersion(user_id, version), scope);
  if (scope.session_id && found.empty()) {
    throw MatrixError(ErrCode::NotFound, "No room key found for this session");
  }
  return found;
}

BackupVersion KeyBackupService::deleteKeys(const std::string& user_id, const std::string& version,
                                           const BackupScope& scope) {
  auto v = store_.deleteKeys(user_id, existingVersion(user_id, version), scope);
  if (!v) {
    unknownVersion();
  }
  return std::move(*v);
}

}  // namespace hs::e2ee
