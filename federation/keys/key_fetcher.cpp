#include "federation/keys/key_fetcher.h"

#include "federation/keys/key_response.h"
#include "homeserver/core/base64.h"

namespace hs::fed {

namespace {
using Result = std::variant<ServerKeys, std::string>;

std::string describe(const net::HttpResult& r) {
  return r.response ? "HTTP " + std::to_string(r.response->status) : r.error;
}

// Keeps the original bytes of the origin's object: the notary serves them again.
void keepOriginal(Result& r, const json::Value& object) {
  if (auto* keys = std::get_if<ServerKeys>(&r)) {
    keys->response_json = json::toString(object);
  }
}
}  // namespace

Result KeyFetcher::direct(const std::string& server) {
  FederationRequest req;
  req.destination = server;
  req.target = "/_matrix/key/v2/server";
  req.sign = false;
  req.timeout_ms = kTimeoutMs;
  req.max_response_bytes = 256 * 1024;
  const auto r = client_.requestSync(std::move(req));
  if (!r.response || r.response->status != 200) {
    return "fetching keys from " + server + ": " + describe(r);
  }
  const auto doc = json::tryParse(r.response->body);
  if (!doc) {
    return "keys from " + server + " are not JSON";
  }
  Result out = checkKeyResponse(*doc, server, clock_.nowMs());
  keepOriginal(out, *doc);
  return out;
}

bool KeyFetcher::notarySigned(const json::Value& entry, const config::TrustedKeyServer& notary,
                              core::ServerKeyLookup& notary_keys) {
  const json::Value* sigs = json::member(entry, "signatures");
  const json::Value* by = sigs != nullptr && sigs->IsObject() ? json::member(*sigs, notary.server_name) : nullptr;
  if (by == nullptr || !by->IsObject()) {
    return false;
  }
  for (const auto& s : by->GetObject()) {
    const std::string key_id(s.name.GetString(), s.name.GetStringLength());
    std::optional<std::string> key;
    for (const auto& [id, b64] : notary.verify_keys) {
      if (id == key_id) {
        key = core::base64Decode(b64);
      }
    }
    if (!key && notary.verify_keys.empty()) {
      if (auto k = notary_keys.verifyKey(notary.server_name, key_id, clock_.nowMs())) {
        key = k->public_key;
      }
    }
    if (key && signedBy(entry, notary.server_name, key_id, *key)) {
      return true;
    }
  }
  return false;
}

Result KeyFetcher::viaNotary(const config::TrustedKeyServer& notary, const std::string& server,
                             int64_t min_valid_until_ts, core::ServerKeyLookup& notary_keys) {
  FederationRequest req;
  req.destination = notary.server_name;
  req.method = "POST";
  req.target = "/_matrix/key/v2/query";
  json::Writer w;
  w.startObject().key("server_keys").startObject().key(server).startObject().endObject().endObject();
  w.endObject();
  req.json_body = w.take();
  req.timeout_ms = kTimeoutMs;
  (void)min_valid_until_ts;
  const auto r = client_.requestSync(std::move(req));
  if (!r.response || r.response->status != 200) {
    return "querying notary " + notary.server_name + ": " + describe(r);
  }
  const auto doc = json::tryParse(r.response->body);
  const json::Value* list = doc && doc->IsObject() ? json::member(*doc, "server_keys") : nullptr;
  if (list == nullptr || !list->IsArray()) {
    return "notary " + notary.server_name + " answered without server_keys";
  }
  Result best = "notary " + notary.server_name + " has no valid keys of " + server;
  for (const auto& entry : list->GetArray()) {
    Result one = checkKeyResponse(entry, server, clock_.nowMs());
    auto* keys = std::get_if<ServerKeys>(&one);
    if (keys == nullptr || !notarySigned(entry, notary, notary_keys)) {
      continue;
    }
    auto* current = std::get_if<ServerKeys>(&best);
    if (current == nullptr || keys->valid_until_ts > current->valid_until_ts) {
      keepOriginal(one, entry);
      best = std::move(one);
    }
  }
  return best;
}

Result KeyFetcher::fetch(const std::string& server, int64_t min_valid_until_ts,
                         core::ServerKeyLookup& notary_keys, bool notaries) {
  Result r = direct(server);
  std::string errors = std::holds_alternative<std::string>(r) ? std::get<std::string>(r) : "";
  for (const auto& notary : notaries ? notaries_ : std::vector<config::TrustedKeyServer>{}) {
    if (std::holds_alternative<ServerKeys>(r) || notary.server_name == server) {
      break;
    }
    r = viaNotary(notary, server, min_valid_until_ts, notary_keys);
    if (auto* e = std::get_if<std::string>(&r)) {
      errors += "; " + *e;
    }
  }
  if (std::holds_alternative<std::string>(r)) {
    return errors;
  }
  return r;
}

}  // namespace hs::fed
