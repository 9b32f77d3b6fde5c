// FederatedRooms as the joining server: make_join, send_join v2, and storing what the resident
// server answered (ALGORITHMS §23); remote aliases through query/directory.
#include <set>

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/percent_encode.h"
#include "homeserver/services/rooms/federated_rooms.h"
#include "homeserver/services/rooms/pipeline_pdu_sink.h"
#include "homeserver/services/rooms/room_version.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;
using core::percentEncode;

namespace {
// ?ver= for every version whose events we can build: 3 and later (v1 and v2 events carry an
// event ID of the sending server's own making).
std::string makeJoinTarget(const std::string& room_id, const std::string& user_id) {
  std::string target = "/_matrix/federation/v1/make_join/" + percentEncode(room_id) + "/" + percentEncode(user_id);
  char sep = '?';
  for (const auto v : supportedRoomVersions()) {
    if (findRoomVersion(v)->event_format != EventFormat::kV1) {
      target += sep + std::string("ver=") + std::string(v);
      sep = '&';
    }
  }
  return target;
}

std::vector<std::string> pdusIn(const json::Value& doc, const char* key) {
  std::vector<std::string> out;
  const json::Value* list = json::member(doc, key);
  if (list == nullptr || !list->IsArray()) {
    throw MatrixError(ErrCode::BadJson, std::string("send_join answered without ") + key);
  }
  for (const auto& pdu : list->GetArray()) {
    if (pdu.IsObject()) {
      out.push_back(json::toString(pdu));
    }
  }
  return out;
}

std::string describe(const outbound::RemoteReply& r) {
  return r.status == 0 ? r.error : "HTTP " + std::to_string(r.status) + " " + r.body.substr(0, 200);
}

void expectField(const json::Value& event, const char* key, const std::string& want) {
  if (json::optString(event, key) != want) {
    throw MatrixError(ErrCode::BadJson, std::string("The resident server's template has the wrong ") + key);
  }
}
}  // namespace

void FederatedRooms::joinRemote(const core::UserId& user, const std::string& room_id,
                                const std::vector<std::string>& servers, const std::string& content) {
  std::string last = "no server to join it through is known";
  int status = 404;
  std::set<std::string> tried;
  for (const auto& server : servers) {
    if (server == config_.server_name || !tried.insert(server).second) {
      continue;
    }
    const auto error = joinThrough(server, user, room_id, content, status);
    if (!error) {
      return;
    }
    last = server + ": " + *error;  // try the next server
  }
  if (status == 403) {
    throw MatrixError(ErrCode::Forbidden, "Cannot join the room: " + last);
  }
  if (status == 404) {
    throw MatrixError(ErrCode::NotFound, "Cannot join the room: " + last);
  }
  throw MatrixError(ErrCode::Unknown, "Cannot join the room: " + last, 502);
}

std::optional<std::string> FederatedRooms::joinThrough(const std::string& server, const core::UserId& user,
                                                       const std::string& room_id, const std::string& content,
                                                       int& status) {
  const auto made = remote_.call(server, "GET", makeJoinTarget(room_id, user.str()));
  if (made.status != 200) {
    status = made.status == 403 || made.status == 404 ? static_cast<int>(made.status) : 502;
    return "make_join: " + describe(made);
  }
  status = 502;
  try {
    auto [join, version] = signedMembership(made.body, user, room_id, content);
    const auto sent = sendMembership(server, "send_join", room_id, join, version);
    if (sent.status != 200) {
      status = sent.status == 403 ? 403 : 502;
      return "send_join: " + describe(sent);
    }
    const auto answer = json::parseObject(sent.body);
    const ImportResult imported =
        pipeline_.importRoom(RoomImport{room_id, version, pdusIn(answer, "state"), pdusIn(answer, "auth_chain")});
    if (!imported.imported) {
      return "the room's state from send_join was refused: " + imported.reason;
    }
    ReceiveOptions options;
    for (const auto& prev : json::optStringArray(join, "prev_events").value_or(std::vector<std::string>{})) {
      options.prev_states[prev] = imported.state;
    }
    const PduResult r = pipeline_.receive(room_id, json::toString(join), EventOrigin::kRemote, options);
    if (const auto error = outcomeError(r); error && r.status != PduStatus::kSoftFailed) {
      return "our join was not accepted: " + *error;
    }
    return std::nullopt;
  } catch (const MatrixError& e) {
    return e.what();  // a malformed answer: the next server may do better
  }
}

std::pair<json::Document, std::string> FederatedRooms::signedMembership(const std::string& template_body,
                                                                        const core::UserId& user,
                                                                        const std::string& room_id,
                                                                        const std::string& content) {
  const auto answer = json::parseObject(template_body);
  const std::string version = json::optString(answer, "room_version").value_or("1");
  const RoomVersionRules* rules = findRoomVersion(version);
  if (rules == nullptr || rules->event_format == EventFormat::kV1) {
    throw MatrixError(ErrCode::UnsupportedRoomVersion, "make_join offered room version " + version);
  }
  const json::Value& tmpl = json::requireObject(answer, "event");
  expectField(tmpl, "room_id", room_id);
  expectField(tmpl, "sender", user.str());
  expectField(tmpl, "state_key", user.str());
  expectField(tmpl, "type", std::string(kMember));
  json::Document join(rapidjson::kObjectType);
  auto& a = join.GetAllocator();
  join.CopyFrom(tmpl, a);
  for (const char* key : {"signatures", "hashes", "unsigned", "event_id", "content", "origin_server_ts"}) {
    join.RemoveMember(key);
  }
  json::Document parsed_content = json::parseObject(content);
  join.AddMember("content", json::Value(parsed_content, a), a);
  join.AddMember("origin_server_ts", clock_.nowMs(), a);
  core::addContentHash(join);
  core::signEvent(join, config_.server_name, key_, version);
  return {std::move(join), version};
}

outbound::RemoteReply FederatedRooms::sendMembership(const std::string& server, const char* endpoint,
                                                     const std::string& room_id, const json::Document& event,
                                                     const std::string& version) {
  return remote_.call(server, "PUT",
                      "/_matrix/federation/v2/" + std::string(endpoint) + "/" + percentEncode(room_id) + "/" +
                          percentEncode(core::eventIdFor(event, version)),
                      json::toString(event));
}

AliasTarget FederatedRooms::queryAlias(const std::string& alias) {
  const size_t colon = alias.find(':');
  if (colon == std::string::npos) {
    throw MatrixError(ErrCode::InvalidParam, "Not a room alias");
  }
  const auto r = remote_.call(alias.substr(colon + 1), "GET",
                              "/_matrix/federation/v1/query/directory?room_alias=" + percentEncode(alias));
  if (r.status == 404) {
    throw MatrixError(ErrCode::NotFound, "Room alias not found");
  }
  const auto doc = r.status == 200 ? json::tryParse(r.body) : std::nullopt;
  if (!doc || !doc->IsObject() || !json::optString(*doc, "room_id")) {
    throw MatrixError(ErrCode::Unknown, "Could not resolve the alias on " + alias.substr(colon + 1) + ": " + describe(r),
                      502);
  }
  return AliasTarget{*json::optString(*doc, "room_id"),
                     json::optStringArray(*doc, "servers").value_or(std::vector<std::string>{})};
}

}  // namespace hs::rooms
