// RoomService: a deleted alias leaves the room's m.room.canonical_alias (alias and
// alt_aliases), as Synapse does, so clients never show an alias that leads nowhere.
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/rooms/state_permission.h"

namespace hs::rooms {

namespace {
constexpr const char* kCanonicalAlias = "m.room.canonical_alias";

// The content without `alias` (in `alias` or `alt_aliases`); nullopt when it names it nowhere.
std::optional<std::string> withoutAlias(const std::string& content_json, const std::string& alias) {
  auto doc = json::tryParse(content_json);
  if (!doc || !doc->IsObject()) {
    return std::nullopt;
  }
  bool changed = false;
  const json::Value* main = json::member(*doc, "alias");
  if (main != nullptr && main->IsString() && alias == main->GetString()) {
    doc->RemoveMember("alias");
    changed = true;
  }
  if (json::Value* alt = doc->HasMember("alt_aliases") ? &(*doc)["alt_aliases"] : nullptr; alt && alt->IsArray()) {
    for (auto it = alt->Begin(); it != alt->End();) {
      if (it->IsString() && alias == it->GetString()) {
        it = alt->Erase(it);
        changed = true;
      } else {
        ++it;
      }
    }
    if (alt->Empty()) {
      doc->RemoveMember("alt_aliases");
    }
  }
  return changed ? std::optional(json::toString(*doc)) : std::nullopt;
}
}  // namespace

void RoomService::dropFromCanonicalAlias(const core::UserId& user, const std::string& room_id,
                                         const std::string& alias) {
  const auto current = store_.stateEvent(room_id, kCanonicalAlias, "");
  const auto content = current ? json::rawMember(current->client_json, "content") : std::nullopt;
  const auto updated = content ? withoutAlias(std::string(*content), alias) : std::nullopt;
  // Sent by whoever deleted the alias, when they may: otherwise left as is (Synapse logs the
  // refused update and keeps the deletion).
  if (updated && maySendState(store_, room_id, user.str(), kCanonicalAlias)) {
    send(room_id, EventDraft{user.str(), kCanonicalAlias, "", *updated, std::nullopt});
  }
}

}  // namespace hs::rooms
