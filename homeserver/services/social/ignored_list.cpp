#include "homeserver/services/social/ignored_list.h"

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::social {

using core::ErrCode;
using core::MatrixError;

std::set<std::string> parseIgnoredUsers(const std::string& content_json) {
  const json::Document doc = json::parseObject(content_json);
  std::set<std::string> out;
  const json::Value* users = json::member(doc, "ignored_users");
  if (users == nullptr) {
    return out;
  }
  if (!users->IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'ignored_users' must be an object");
  }
  for (const auto& m : users->GetObject()) {
    const std::string id(m.name.GetString(), m.name.GetStringLength());
    try {
      out.insert(core::UserId::parse(id).str());
    } catch (const MatrixError&) {
      throw MatrixError(ErrCode::BadJson, "'" + id + "' in ignored_users is not a user ID");
    }
  }
  return out;
}

std::string renderIgnoredUsers(const std::set<std::string>& users) {
  json::Writer w;
  w.startObject().key("ignored_users").startObject();
  for (const auto& u : users) {
    w.key(u).startObject().endObject();
  }
  w.endObject().endObject();
  return w.take();
}

}  // namespace hs::social
