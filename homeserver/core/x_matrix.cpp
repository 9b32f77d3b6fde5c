#include "homeserver/core/x_matrix.h"

#include <algorithm>
#include <cctype>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"

namespace hs::core {

namespace {
constexpr std::string_view kScheme = "X-Matrix";

bool isSpace(char c) { return c == ' ' || c == '\t'; }

char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

std::string_view trimRight(std::string_view s) {
  while (!s.empty() && isSpace(s.back())) {
    s.remove_suffix(1);
  }
  return s;
}

json::Value str(std::string_view s, json::Document::AllocatorType& alloc) {
  return json::Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc);
}

// Reads the `name=value` list after the scheme, one pair per next() call.
class ParamReader {
 public:
  explicit ParamReader(std::string_view s) : s_(s) {}

  // False at the end of the list or on a syntax error; failed() tells them apart.
  bool next(std::string& name, std::string& value) {
    skipSeparators();
    if (pos_ == s_.size()) {
      return false;
    }
    if (!readName(name) || !readValue(value)) {
      failed_ = true;
      return false;
    }
    skipSpace();
    if (pos_ < s_.size() && s_[pos_] != ',') {
      failed_ = true;  // junk after a value, e.g. origin="a" b
      return false;
    }
    return true;
  }
  bool failed() const { return failed_; }

 private:
  void skipSpace() {
    while (pos_ < s_.size() && isSpace(s_[pos_])) {
      ++pos_;
    }
  }
  // Whitespace and empty list elements (",,") are allowed between parameters.
  void skipSeparators() {
    while (pos_ < s_.size() && (isSpace(s_[pos_]) || s_[pos_] == ',')) {
      ++pos_;
    }
  }
  bool readName(std::string& name) {
    const size_t eq = s_.find_first_of("=,", pos_);
    if (eq == std::string_view::npos || s_[eq] != '=') {
      return false;
    }
    name.clear();
    for (const char c : trimRight(s_.substr(pos_, eq - pos_))) {
      name += lower(c);
    }
    pos_ = eq + 1;
    skipSpace();
    return !name.empty();
  }
  bool readValue(std::string& value) {
    value.clear();
    if (pos_ < s_.size() && s_[pos_] == '"') {
      return readQuoted(value);
    }
    // Unquoted: everything up to the next comma, so `key=ed25519:abc` keeps its colon.
    const size_t end = std::min(s_.find(',', pos_), s_.size());
    value = trimRight(s_.substr(pos_, end - pos_));
    pos_ = end;
    return true;
  }
  bool readQuoted(std::string& value) {
    for (++pos_; pos_ < s_.size(); ++pos_) {
      const char c = s_[pos_];
      if (c == '"') {
        ++pos_;
        return true;
      }
      if (c == '\\') {  // backslash pair: the next character stands for itself
        if (++pos_ == s_.size()) {
          return false;
        }
      }
      value += s_[pos_];
    }
    return false;  // unterminated quote
  }

  std::string_view s_;
  size_t pos_ = 0;
  bool failed_ = false;
};

// Where a parameter goes; nullptr for names we ignore. `signature` is the spec's written name,
// `sig` the one everybody sends.
std::optional<std::string>* slotFor(const std::string& name, XMatrixAuth& auth,
                                    std::optional<std::string>& origin,
                                    std::optional<std::string>& key,
                                    std::optional<std::string>& sig) {
  if (name == "origin") {
    return &origin;
  }
  if (name == "destination") {
    return &auth.destination;
  }
  if (name == "key") {
    return &key;
  }
  if (name == "sig" || name == "signature") {
    return &sig;
  }
  return nullptr;
}

// The parameter list after "X-Matrix" and at least one space, or nullopt.
std::optional<std::string_view> afterScheme(std::string_view header) {
  while (!header.empty() && isSpace(header.front())) {
    header.remove_prefix(1);
  }
  if (header.size() <= kScheme.size() || !isSpace(header[kScheme.size()])) {
    return std::nullopt;
  }
  for (size_t i = 0; i < kScheme.size(); ++i) {  // auth schemes are case-insensitive
    if (lower(header[i]) != lower(kScheme[i])) {
      return std::nullopt;
    }
  }
  return header.substr(kScheme.size());
}
}  // namespace

json::Document xMatrixRequestObject(std::string_view method, std::string_view uri,
                                    std::string_view origin, std::string_view destination,
                                    const json::Value* content) {
  json::Document obj;
  obj.SetObject();
  auto& alloc = obj.GetAllocator();
  obj.AddMember("method", str(method, alloc), alloc);
  obj.AddMember("uri", str(uri, alloc), alloc);
  obj.AddMember("origin", str(origin, alloc), alloc);
  obj.AddMember("destination", str(destination, alloc), alloc);
  if (content != nullptr) {
    obj.AddMember("content", json::Value(*content, alloc), alloc);
  }
  return obj;
}

std::string xMatrixAuthorization(const SigningKey& key, std::string_view method,
                                 std::string_view uri, std::string_view origin,
                                 std::string_view destination, const json::Value* content) {
  const json::Document obj = xMatrixRequestObject(method, uri, origin, destination, content);
  // The object has no `signatures` or `unsigned`, so §3 signs exactly its canonical form.
  const std::string sig = base64Encode(key.sign(canonicalJson(obj)));
  return std::string(kScheme) + " origin=\"" + std::string(origin) + "\",destination=\"" +
         std::string(destination) + "\",key=\"" + key.keyId() + "\",sig=\"" + sig + "\"";
}

std::optional<XMatrixAuth> parseXMatrixAuthorization(std::string_view header) {
  const auto params = afterScheme(header);
  if (!params) {
    return std::nullopt;
  }
  XMatrixAuth auth;
  std::optional<std::string> origin, key, sig;
  ParamReader reader(*params);
  std::string name, value;
  while (reader.next(name, value)) {
    std::optional<std::string>* slot = slotFor(name, auth, origin, key, sig);
    if (slot != nullptr && slot->has_value()) {
      return std::nullopt;  // a repeated parameter is ambiguous: refuse rather than guess
    }
    if (slot != nullptr) {
      *slot = value;
    }
  }
  if (reader.failed() || !origin || origin->empty() || !key || key->empty() || !sig ||
      sig->empty()) {
    return std::nullopt;
  }
  auth.origin = std::move(*origin);
  auth.key_id = std::move(*key);
  auth.signature = std::move(*sig);
  return auth;
}

bool verifyXMatrixRequest(const XMatrixAuth& auth, std::string_view method, std::string_view uri,
                          std::string_view our_server_name, const json::Value* content,
                          std::string_view origin_public_key_raw32) {
  if (auth.destination && *auth.destination != our_server_name) {
    return false;  // meant for another server: replaying it here must not work
  }
  json::Document obj = xMatrixRequestObject(method, uri, auth.origin, our_server_name, content);
  addSignature(obj, obj.GetAllocator(), auth.origin, auth.key_id, auth.signature);
  return verifyJsonSignature(obj, auth.origin, auth.key_id, origin_public_key_raw32);
}

}  // namespace hs::core
