#include "homeserver/services/account_data/account_data_service.h"

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/account_data/tags.h"

namespace hs::account_data {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxIdBytes = 255;

void checkOwner(const core::UserId& requester, const core::UserId& target) {
  if (!(requester == target)) {
    throw MatrixError(ErrCode::Forbidden, "Cannot access account data of other users");
  }
}

// room_id "" is global account data; anything else must look like a room ID. Membership is not
// checked: account data for a room the user left (or has not joined yet) is legitimate.
void checkRoomId(const std::string& room_id) {
  if (!room_id.empty() && (room_id.size() < 2 || room_id[0] != '!' || room_id.size() > kMaxIdBytes)) {
    throw MatrixError(ErrCode::InvalidParam, "Not a valid room ID");
  }
}

void checkName(const std::string& name, const char* what) {
  if (name.empty() || name.size() > kMaxIdBytes) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid ") + what);
  }
}

// The spec: servers refuse, with 405 and M_BAD_JSON, types whose content the server manages.
void checkClientWritable(const std::string& type) {
  if (type == "m.fully_read" || type == push_rules::kPushRulesType) {
    throw MatrixError(ErrCode::BadJson, "Cannot set " + type + " through this API", 405);
  }
}
}  // namespace

void AccountDataService::putForClient(const core::UserId& requester, const core::UserId& target,
                                      const std::string& room_id, const std::string& type,
                                      const std::string& body) {
  checkOwner(requester, target);
  checkRoomId(room_id);
  checkName(type, "account data type");
  checkClientWritable(type);
  json::parseObject(body);  // M_NOT_JSON / M_BAD_JSON; the text is then stored as sent
  const auto hook = room_id.empty() ? hooks_.find(type) : hooks_.end();
  set(target.str(), room_id, type, hook == hooks_.end() ? body : hook->second(target.str(), body));
}

std::string AccountDataService::getForClient(const core::UserId& requester,
                                             const core::UserId& target, const std::string& room_id,
                                             const std::string& type) {
  checkOwner(requester, target);
  checkRoomId(room_id);
  auto content = get(target.str(), room_id, type);
  if (!content) {
    throw MatrixError(ErrCode::NotFound, "Account data not found");
  }
  return *content;
}

std::string AccountDataService::tags(const core::UserId& requester, const core::UserId& target,
                                     const std::string& room_id) {
  checkOwner(requester, target);
  checkRoomId(room_id);
  checkName(room_id, "room ID");
  return tagsContent(store_.get(target.str(), room_id, kTagType).value_or("{}"));
}

void AccountDataService::putTag(const core::UserId& requester, const core::UserId& target,
                                const std::string& room_id, const std::string& tag,
                                const std::string& body) {
  checkOwner(requester, target);
  checkRoomId(room_id);
  checkName(room_id, "room ID");
  checkName(tag, "tag");
  const json::Document doc = json::parseObject(body);
  if (const json::Value* order = json::member(doc, "order"); order && !order->IsNumber()) {
    throw MatrixError(ErrCode::BadJson, "'order' must be a number");
  }
  const std::string tag_json = json::toString(doc);
  write(target.str(), room_id, kTagType,
        [&](const std::string& current) { return withTag(current, tag, tag_json); });
}

void AccountDataService::deleteTag(const core::UserId& requester, const core::UserId& target,
                                   const std::string& room_id, const std::string& tag) {
  checkOwner(requester, target);
  checkRoomId(room_id);
  checkName(room_id, "room ID");
  write(target.str(), room_id, kTagType,
        [&](const std::string& current) { return withoutTag(current, tag); });
}

void AccountDataService::set(const std::string& user_id, const std::string& room_id,
                             const std::string& type, const std::string& content_json) {
  {
    streams::StreamTracker::Reservation r(stream_);
    store_.put(user_id, room_id, type, content_json, r.position());
  }  // finished before the wake-up, so a woken /sync can already read the new position
  notifier_.notifyUsers({user_id});
}

std::optional<std::string> AccountDataService::get(const std::string& user_id,
                                                   const std::string& room_id,
                                                   const std::string& type) {
  if (room_id.empty() && type == push_rules::kPushRulesType) {
    return push_rules_.renderGlobal(user_id);  // the spec: readable "as normal"
  }
  return store_.get(user_id, room_id, type);
}

std::vector<AccountDataEvent> AccountDataService::changedSince(const std::string& user_id,
                                                               int64_t from_exclusive,
                                                               int64_t to_inclusive) {
  std::vector<AccountDataEvent> events = store_.changedSince(user_id, from_exclusive, to_inclusive);
  if (from_exclusive <= 0 || push_rules_.changedBetween(user_id, from_exclusive, to_inclusive)) {
    events.push_back(AccountDataEvent{"", push_rules::kPushRulesType,
                                      push_rules_.renderGlobal(user_id)});
  }
  return events;
}

void AccountDataService::write(const std::string& user_id, const std::string& room_id,
                               const std::string& type, const AccountDataStore::Change& change) {
  {
    streams::StreamTracker::Reservation r(stream_);
    store_.modify(user_id, room_id, type, change, r.position());
  }
  notifier_.notifyUsers({user_id});
}

}  // namespace hs::account_data
