#include "homeserver/services/social/friend_service.h"

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::social {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxMessageBytes = 1000;
constexpr size_t kRequestIdRandom = 20;

std::string membershipOf(rooms::RoomStore& store, const std::string& room_id, const std::string& user) {
  const auto m = store.membership(room_id, user);
  return m ? m->membership : "";
}

[[noreturn]] void refuseDuplicate(const FriendRequest& open, const std::string& from) {
  if (open.status == kAccepted) {
    throw MatrixError(ErrCode::Forbidden, "You are already friends");
  }
  if (open.requester == from) {
    throw MatrixError(ErrCode::Forbidden, "You already sent a friend request to this user");
  }
  throw MatrixError(ErrCode::Forbidden,
                    "This user already sent you a friend request: accept it instead");
}
}  // namespace

std::string FriendService::nameOf(const std::string& user_id) {
  const auto u = d_.accounts.findUser(user_id);
  return u && u->displayname ? *u->displayname : user_id;
}

void FriendService::notify(const std::string& recipient, const std::string& title,
                           const std::string& body, const std::string& request_id) {
  notifications::Notification n;
  n.user_id = recipient;
  n.type = notifications::kFriendRequest;
  n.title = title;
  n.body = body;
  n.related_id = request_id;
  d_.notifications.add({std::move(n)});
}

std::string FriendService::request(const core::UserId& from, const std::string& to,
                                   const std::optional<std::string>& message) {
  const core::UserId target = core::UserId::parse(to);
  if (target == from) {
    throw MatrixError(ErrCode::InvalidParam, "You cannot send a friend request to yourself");
  }
  if (message && message->size() > kMaxMessageBytes) {
    throw MatrixError(ErrCode::InvalidParam, "The message is longer than 1000 bytes");
  }
  if (target.server() != server_name_) {
    throw MatrixError(ErrCode::Unrecognized,
                      "friend requests to users of other servers are not supported yet", 400);
  }
  if (const auto user = d_.accounts.findUser(target.str()); !user || user->deactivated) {
    throw MatrixError(ErrCode::NotFound, "Unknown user " + target.str());
  }
  if (d_.blocks.isBlocked(target.str(), from.str())) {
    throw MatrixError(ErrCode::Forbidden, "This user does not accept friend requests from you");
  }
  if (d_.blocks.isBlocked(from.str(), target.str())) {
    throw MatrixError(ErrCode::Forbidden, "You have blocked this user: unblock them first");
  }
  const int64_t now = d_.clock.nowMs();
  FriendRequest r{d_.random.alnum(kRequestIdRandom) + ":" + server_name_, from.str(), target.str(),
                  kPending, message, std::nullopt, now, now};
  if (auto open = d_.store.insertRequest(r)) {
    refuseDuplicate(*open, from.str());
  }
  notify(target.str(), nameOf(from.str()) + " sent you a friend request", message.value_or(""),
         r.request_id);
  return r.request_id;
}

FriendRequest FriendService::load(const core::UserId& user, const std::string& request_id) {
  auto r = d_.store.request(request_id);
  if (!r || (r->requester != user.str() && r->addressee != user.str())) {
    throw MatrixError(ErrCode::NotFound, "Unknown friend request");
  }
  return std::move(*r);
}

void FriendService::answer(const FriendRequest& r, const std::string& to) {
  if (r.status != kPending || !d_.store.transition(r.request_id, kPending, to, d_.clock.nowMs())) {
    const auto now = d_.store.request(r.request_id);
    throw MatrixError(ErrCode::Forbidden,
                      "This friend request is " + (now ? now->status : std::string("gone")) +
                          ", not pending");
  }
}

std::string FriendService::accept(const core::UserId& user, const std::string& request_id) {
  const FriendRequest r = load(user, request_id);
  if (r.addressee != user.str()) {
    throw MatrixError(ErrCode::Forbidden, "Only the addressee can accept a friend request");
  }
  // The answer first: of concurrent accepts only the one that moves the request out of
  // pending opens a room (ten accepts at once made ten rooms when the room came first). If
  // opening the room fails, the request goes back to pending so it can be accepted again.
  answer(r, kAccepted);
  std::string room_id;
  try {
    room_id = openDirectRoom(r.addressee, r.requester);
  } catch (...) {
    d_.store.transition(r.request_id, kAccepted, kPending, d_.clock.nowMs());
    throw;
  }
  d_.store.setRoom(r.request_id, room_id);
  notify(r.requester, nameOf(r.addressee) + " accepted your friend request", "", r.request_id);
  return room_id;
}

void FriendService::reject(const core::UserId& user, const std::string& request_id) {
  const FriendRequest r = load(user, request_id);
  if (r.addressee != user.str()) {
    throw MatrixError(ErrCode::Forbidden, "Only the addressee can reject a friend request");
  }
  answer(r, kRejected);
}

void FriendService::cancel(const core::UserId& user, const std::string& request_id) {
  const FriendRequest r = load(user, request_id);
  if (r.requester != user.str()) {
    throw MatrixError(ErrCode::Forbidden, "Only the requester can cancel a friend request");
  }
  if (!d_.store.deletePending(r.request_id)) {
    throw MatrixError(ErrCode::Forbidden, "This friend request is " + r.status + ", not pending");
  }
}

std::vector<FriendRequest> FriendService::requests(const core::UserId& user, Direction direction,
                                                   const std::optional<std::string>& status) {
  if (status && *status != kPending && *status != kAccepted && *status != kRejected &&
      *status != kBlocked) {
    throw MatrixError(ErrCode::InvalidParam, "status must be pending, accepted, rejected or blocked");
  }
  return d_.store.requests(user.str(), direction, status);
}

std::vector<Friend> FriendService::friends(const core::UserId& user) {
  return d_.store.friends(user.str());
}

void FriendService::unfriend(const core::UserId& user, const core::UserId& other) {
  if (!d_.store.removeFriend(user.str(), other.str())) {
    throw MatrixError(ErrCode::NotFound, "You are not friends with " + other.str());
  }
}

std::optional<std::string> FriendService::reusableDirectRoom(const std::string& accepter,
                                                             const std::string& requester) {
  const auto m_direct = d_.account_data.get(accepter, "", "m.direct");
  const auto doc = m_direct ? json::tryParse(*m_direct) : std::nullopt;
  const json::Value* list = doc && doc->IsObject() ? json::member(*doc, requester) : nullptr;
  if (list == nullptr || !list->IsArray()) {
    return std::nullopt;
  }
  for (const auto& id : list->GetArray()) {
    if (!id.IsString()) {
      continue;
    }
    const std::string room_id = id.GetString();
    const std::string theirs = membershipOf(d_.rooms.store(), room_id, requester);
    if (membershipOf(d_.rooms.store(), room_id, accepter) == "join" &&
        (theirs == "join" || theirs == "invite")) {
      return room_id;
    }
  }
  return std::nullopt;
}

// Both agreed to talk, so the server joins both: the accepter creates the room inviting the
// requester (is_direct), and the requester's join records it in both users' m.direct.
std::string FriendService::openDirectRoom(const std::string& accepter, const std::string& requester) {
  std::optional<std::string> room_id = reusableDirectRoom(accepter, requester);
  if (!room_id) {
    rooms::CreateRoomParams p;
    p.preset = "trusted_private_chat";
    p.is_direct = true;
    p.invite = {requester};
    room_id = d_.rooms.createRoom(core::UserId::parse(accepter), p);
  }
  if (membershipOf(d_.rooms.store(), *room_id, requester) != "join") {
    d_.rooms.join(core::UserId::parse(requester), *room_id, std::nullopt);
  }
  return *room_id;
}

}  // namespace hs::social
