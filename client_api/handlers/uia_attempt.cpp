#include "client_api/handlers/uia_attempt.h"

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/digest.h"

#include <string_view>

namespace hs::client {

accounts::UiaAttempt uiaAttempt(const http::Request& req, const json::Value& body) {
  // The parts are JSON strings, so no choice of path or body can make two operations collide.
  json::Writer w;
  w.startObject().key("method").string(req.method).key("route").string(req.route);
  w.key("params").startObject();
  for (const auto& [name, value] : req.path_params) {
    w.key(name).string(value);
  }
  w.endObject().endObject();
  const std::string operation = w.take() + "\n" + core::canonicalJsonWithout(body, {"auth"});
  bool bare = body.IsObject();  // nothing but `auth`
  if (bare) {
    for (const auto& m : body.GetObject()) {
      bare = bare && std::string_view(m.name.GetString(), m.name.GetStringLength()) == "auth";
    }
  }
  return accounts::UiaAttempt{json::optObject(body, "auth"), core::toHex(core::sha256(operation)), bare, ""};
}

}  // namespace hs::client
