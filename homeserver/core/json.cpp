#include "homeserver/core/json.h"

#include <rapidjson/error/en.h>

#include "homeserver/core/matrix_error.h"

namespace hs::json {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag | rapidjson::kParseFullPrecisionFlag;

rapidjson::Value::ConstMemberIterator find(const Value& obj, std::string_view key) {
  return obj.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
}

[[noreturn]] void badType(std::string_view key, const char* type) {
  throw MatrixError(ErrCode::BadJson, "'" + std::string(key) + "' must be " + type);
}
}  // namespace

Document parseObject(std::string_view body, bool allow_empty) {
  Document doc;
  if (allow_empty && body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    doc.SetObject();
    return doc;
  }
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    throw MatrixError(ErrCode::NotJson,
                      std::string("Content not JSON: ") + rapidjson::GetParseError_En(doc.GetParseError()));
  }
  if (!doc.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Request body must be a JSON object");
  }
  return doc;
}

std::optional<Document> tryParse(std::string_view text) {
  Document doc;
  doc.Parse<kParseFlags>(text.data(), text.size());
  if (doc.HasParseError()) {
    return std::nullopt;
  }
  return doc;
}

const Value* member(const Value& obj, std::string_view key) {
  if (!obj.IsObject()) {
    return nullptr;
  }
  auto it = find(obj, key);
  return it == obj.MemberEnd() ? nullptr : &it->value;
}

std::string requireString(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr) {
    throw MatrixError(ErrCode::MissingParam, "Missing '" + std::string(key) + "'");
  }
  if (!v->IsString()) {
    badType(key, "a string");
  }
  return {v->GetString(), v->GetStringLength()};
}

std::optional<std::string> optString(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr || v->IsNull()) {
    return std::nullopt;
  }
  if (!v->IsString()) {
    badType(key, "a string");
  }
  return std::string(v->GetString(), v->GetStringLength());
}

std::optional<bool> optBool(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr || v->IsNull()) {
    return std::nullopt;
  }
  if (!v->IsBool()) {
    badType(key, "a boolean");
  }
  return v->GetBool();
}

std::optional<int64_t> optInt(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr || v->IsNull()) {
    return std::nullopt;
  }
  if (!v->IsInt64()) {
    badType(key, "an integer");
  }
  return v->GetInt64();
}

const Value& requireObject(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr) {
    throw MatrixError(ErrCode::MissingParam, "Missing '" + std::string(key) + "'");
  }
  if (!v->IsObject()) {
    badType(key, "an object");
  }
  return *v;
}

const Value* optObject(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr || v->IsNull()) {
    return nullptr;
  }
  if (!v->IsObject()) {
    badType(key, "an object");
  }
  return v;
}

std::optional<std::vector<std::string>> optStringArray(const Value& obj, std::string_view key) {
  const Value* v = member(obj, key);
  if (v == nullptr || v->IsNull()) {
    return std::nullopt;
  }
  if (!v->IsArray()) {
    badType(key, "an array of strings");
  }
  std::vector<std::string> out;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) {
      badType(key, "an array of strings");
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

std::string toString(const Value& v) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  v.Accept(w);
  return {buf.GetString(), buf.GetSize()};
}

}  // namespace hs::json
