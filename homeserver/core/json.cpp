#include "homeserver/core/json.h"

#include "homeserver/core/matrix_error.h"

namespace hs::json {

using core::ErrCode;
using core::MatrixError;

namespace {
rapidjson::Value::ConstMemberIterator find(const Value& obj, std::string_view key) {
  return obj.FindMember(Value(rapidjson::StringRef(key.data(), key.size())));
}

[[noreturn]] void badType(std::string_view key, const char* type) {
  throw MatrixError(ErrCode::BadJson, "'" + std::string(key) + "' must be " + type);
}
}  // namespace

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
