#pragma once
// RapidJSON helpers: parsing client bodies into Matrix errors, typed field access, and a
// chaining writer. Every parse failure becomes M_NOT_JSON and every wrong field M_BAD_JSON
// or M_MISSING_PARAM, so handlers never see a malformed document.
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hs::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

// The deepest nesting of arrays and objects any JSON we parse may have. Every parse goes
// through RapidJSON's iterative parser, so this bounds only the recursive walks that come
// after it (canonical JSON, redaction, copies, push rules, Writer::value). 128 is serde_json's
// limit, so Conduit, conduwuit and every ruma-based server refuse deeper JSON already; Synapse
// stops near Python's recursion limit (about 1,000). Deeper input is refused with M_BAD_JSON.
inline constexpr int kMaxDepth = 128;

// Parses a request body that must be a JSON object. Refused: invalid JSON and invalid UTF-8
// (M_NOT_JSON); nesting deeper than kMaxDepth, a lone UTF-16 surrogate escape ("\udc00") and
// a NUL ("\u0000") in any string or key (M_BAD_JSON: PostgreSQL text cannot hold either, so
// refusing at the door keeps every later store and query simple). An empty body counts as {}
// when allow_empty is set (POST /logout sends none).
Document parseObject(std::string_view body, bool allow_empty = false);
// Whether a NUL in a string is refused: always for what clients send; allowed in JSON we stored
// before these rules or that other servers signed.
enum class Nul { kRefuse, kAllow };
// Parses any JSON value (a client's JSON text that is not a body, such as the `filter` query
// parameter), with parseObject's refusals, as MatrixError.
Document parseValue(std::string_view text, Nul nul = Nul::kRefuse);
// Parses JSON we stored or built (NUL allowed: events from before these rules, or from other
// servers, may carry it); nullopt when it is not valid JSON or is nested deeper than
// kMaxDepth.
std::optional<Document> tryParse(std::string_view text);
// The raw JSON text of a top-level member of the JSON object `object_text`, found without
// parsing (so also in documents too deep to parse); nullopt when absent or not an object.
std::optional<std::string_view> rawMember(std::string_view object_text, std::string_view key);

const Value* member(const Value& obj, std::string_view key);
std::string requireString(const Value& obj, std::string_view key);
std::optional<std::string> optString(const Value& obj, std::string_view key);
std::optional<bool> optBool(const Value& obj, std::string_view key);
std::optional<int64_t> optInt(const Value& obj, std::string_view key);
const Value& requireObject(const Value& obj, std::string_view key);
const Value* optObject(const Value& obj, std::string_view key);
std::optional<std::vector<std::string>> optStringArray(const Value& obj, std::string_view key);

// Serializes a value compactly (not canonical: key order is kept).
std::string toString(const Value& v);

class Writer {
 public:
  Writer() : w_(buf_) {}
  Writer& startObject() { return ok(w_.StartObject()); }
  Writer& endObject() { return ok(w_.EndObject()); }
  Writer& startArray() { return ok(w_.StartArray()); }
  Writer& endArray() { return ok(w_.EndArray()); }
  Writer& key(std::string_view k) {
    return ok(w_.Key(k.data(), static_cast<rapidjson::SizeType>(k.size())));
  }
  Writer& string(std::string_view s) {
    return ok(w_.String(s.data(), static_cast<rapidjson::SizeType>(s.size())));
  }
  Writer& integer(int64_t v) { return ok(w_.Int64(v)); }
  Writer& boolean(bool v) { return ok(w_.Bool(v)); }
  Writer& null() { return ok(w_.Null()); }
  // A JSON text inserted as one value.
  Writer& raw(std::string_view json_value) {
    return ok(w_.RawValue(json_value.data(), json_value.size(), rapidjson::kObjectType));
  }
  Writer& value(const Value& v) {
    v.Accept(w_);
    return *this;
  }
  Writer& optString(std::string_view k, const std::optional<std::string>& v) {
    if (v) {
      key(k).string(*v);
    }
    return *this;
  }
  std::string take() { return std::string(buf_.GetString(), buf_.GetSize()); }

 private:
  Writer& ok(bool) { return *this; }
  rapidjson::StringBuffer buf_;
  rapidjson::Writer<rapidjson::StringBuffer> w_;
};

}  // namespace hs::json
