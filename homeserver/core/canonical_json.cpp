#include "homeserver/core/canonical_json.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "homeserver/core/matrix_error.h"

namespace hs::core {

namespace {
constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

std::string_view view(const json::Value& s) { return {s.GetString(), s.GetStringLength()}; }

[[noreturn]] void notCanonical(const std::string& why) {
  throw MatrixError(ErrCode::BadJson, "JSON is not canonicalizable: " + why);
}

// The short escapes canonical JSON requires; nullptr for characters written otherwise.
const char* shortEscape(char c) {
  switch (c) {
    case '"':
      return "\\\"";
    case '\\':
      return "\\\\";
    case '\b':
      return "\\b";
    case '\t':
      return "\\t";
    case '\n':
      return "\\n";
    case '\f':
      return "\\f";
    case '\r':
      return "\\r";
    default:
      return nullptr;
  }
}

void writeString(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (const char* esc = shortEscape(c)) {
      out += esc;
    } else if (u < 0x20) {
      out += "\\u00";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;  // raw UTF-8; '/' and DEL are not escaped either
    }
  }
  out += '"';
}

// Parsers may hand us 1e10 or -0 as doubles; only exact integers in the safe range survive.
int64_t integerValue(const json::Value& v) {
  if (v.IsInt64()) {
    const int64_t i = v.GetInt64();
    if (i < -kMaxSafeInteger || i > kMaxSafeInteger) {
      notCanonical("integer out of range");
    }
    return i;
  }
  if (v.IsUint64()) {  // above INT64_MAX, so certainly out of range
    notCanonical("integer out of range");
  }
  const double d = v.GetDouble();
  if (!std::isfinite(d) || std::trunc(d) != d) {
    notCanonical("non-integral number");
  }
  if (d < -static_cast<double>(kMaxSafeInteger) || d > static_cast<double>(kMaxSafeInteger)) {
    notCanonical("integer out of range");
  }
  return static_cast<int64_t>(d);  // -0.0 becomes 0
}

void writeValue(std::string& out, const json::Value& v,
                std::initializer_list<std::string_view> skip);

bool skipped(std::string_view key, std::initializer_list<std::string_view> skip) {
  return std::find(skip.begin(), skip.end(), key) != skip.end();
}

void writeObject(std::string& out, const json::Value& obj,
                 std::initializer_list<std::string_view> skip) {
  std::vector<const json::Value::Member*> members;
  members.reserve(obj.MemberCount());
  for (const auto& m : obj.GetObject()) {
    if (!skipped(view(m.name), skip)) {
      members.push_back(&m);
    }
  }
  // char_traits<char> compares as unsigned char, i.e. by UTF-8 bytes = by code point.
  std::sort(members.begin(), members.end(),
            [](const auto* a, const auto* b) { return view(a->name) < view(b->name); });
  out += '{';
  for (size_t i = 0; i < members.size(); ++i) {
    if (i > 0) {
      if (view(members[i]->name) == view(members[i - 1]->name)) {
        notCanonical("duplicate key '" + std::string(view(members[i]->name)) + "'");
      }
      out += ',';
    }
    writeString(out, view(members[i]->name));
    out += ':';
    writeValue(out, members[i]->value, {});
  }
  out += '}';
}

void writeValue(std::string& out, const json::Value& v,
                std::initializer_list<std::string_view> skip) {
  if (v.IsObject()) {
    writeObject(out, v, skip);
  } else if (v.IsArray()) {
    out += '[';
    bool first = true;
    for (const auto& item : v.GetArray()) {
      out += first ? "" : ",";
      first = false;
      writeValue(out, item, {});
    }
    out += ']';
  } else if (v.IsString()) {
    writeString(out, view(v));
  } else if (v.IsNumber()) {
    out += std::to_string(integerValue(v));
  } else if (v.IsBool()) {
    out += v.GetBool() ? "true" : "false";
  } else {
    out += "null";
  }
}
}  // namespace

std::string canonicalJson(const json::Value& value) { return canonicalJsonWithout(value, {}); }

std::string canonicalJsonWithout(const json::Value& object,
                                 std::initializer_list<std::string_view> skip) {
  std::string out;
  writeValue(out, object, skip);
  return out;
}

bool hasDuplicateKeys(const json::Value& value) {
  if (value.IsArray()) {
    return std::any_of(value.Begin(), value.End(),
                       [](const json::Value& item) { return hasDuplicateKeys(item); });
  }
  if (!value.IsObject()) {
    return false;
  }
  std::unordered_set<std::string_view> seen;
  for (const auto& m : value.GetObject()) {
    if (!seen.insert(view(m.name)).second || hasDuplicateKeys(m.value)) {
      return true;
    }
  }
  return false;
}

}  // namespace hs::core
