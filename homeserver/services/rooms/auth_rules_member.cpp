// Auth rule 4: m.room.member events (ALGORITHMS §14, join rules §18).
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/rooms/auth_internal.h"

namespace hs::rooms::detail {

namespace {

constexpr std::string_view kAuthorisingUser = "join_authorised_via_users_server";

bool isOneOf(std::string_view value, std::initializer_list<std::string_view> options) {
  for (std::string_view o : options) {
    if (value == o) {
      return true;
    }
  }
  return false;
}

// NOTSPEC: the spec rejects every join when there is no join_rules event (apart from the
// creator's first join); Synapse reads a missing event or key as "invite", so an invited user
// can still join. We match Synapse so that both sides authorise the same events.
std::string joinRule(const AuthContext& ctx) {
  const Event* jr = ctx.get(kJoinRules, "");
  if (jr == nullptr || json::member(jr->content(), "join_rule") == nullptr) {
    return "invite";
  }
  // A join_rule of the wrong type matches no rule, so joins fall through to "reject".
  return std::string(stringMember(jr->content(), "join_rule").value_or(""));
}

// Rule 4.2 (v8+): a restricted join must carry the authorising server's signature.
std::optional<AuthResult> checkAuthorisingSignature(const AuthContext& ctx) {
  const json::Value* via = json::member(ctx.e.content(), kAuthorisingUser);
  if (via == nullptr || !ctx.rules.restricted_join_rule) {
    return std::nullopt;
  }
  if (!via->IsString()) {
    return AuthResult::deny("join_authorised_via_users_server must be a user ID");
  }
  const std::string_view server = domainOf({via->GetString(), via->GetStringLength()});
  const bool is_signed =
      ctx.hooks.signed_by ? ctx.hooks.signed_by(ctx.e, server) : ctx.e.hasSignatureFrom(server);
  if (!is_signed) {
    return AuthResult::deny("the event is not signed by the authorising server " +
                            std::string(server));
  }
  return std::nullopt;
}

// Rule 4.3.5: restricted rooms admit a user vouched for by a joined member who may invite.
AuthResult checkRestrictedJoin(const AuthContext& ctx, const std::string& current) {
  if (isOneOf(current, {"join", "invite"})) {
    return AuthResult::allow("joined or invited users may join a restricted room");
  }
  const auto via = stringMember(ctx.e.content(), kAuthorisingUser);
  if (!via) {
    return AuthResult::deny("joining a restricted room needs join_authorised_via_users_server");
  }
  if (ctx.membershipOf(*via) != "join") {
    return AuthResult::deny("the authorising user " + std::string(*via) + " is not joined");
  }
  if (ctx.levelOf(*via) < ctx.levels.invite()) {
    return AuthResult::deny("the authorising user " + std::string(*via) +
                            " lacks the invite level");
  }
  return AuthResult::allow("join authorised by " + std::string(*via));
}

// Rule 4.3.
AuthResult checkJoin(const AuthContext& ctx) {
  const Event& e = ctx.e;
  const bool only_prev_is_create =
      e.prev_events.size() == 1 && e.prev_events[0] == ctx.create->event_id;
  if (only_prev_is_create && *e.state_key == roomCreator(*ctx.create, ctx.rules)) {
    return AuthResult::allow("the creator's first join");
  }
  if (e.sender != *e.state_key) {
    return AuthResult::deny("a user cannot be joined by someone else");
  }
  const std::string current = ctx.membershipOf(e.sender);
  if (current == "ban") {
    return AuthResult::deny(e.sender + " is banned from the room");
  }
  const std::string rule = joinRule(ctx);
  if (rule == "invite" || (rule == "knock" && ctx.rules.knock_join_rule)) {
    if (isOneOf(current, {"invite", "join"})) {
      return AuthResult::allow("invited or already joined");
    }
    return AuthResult::deny(e.sender + " is not invited to this room");
  }
  if ((rule == "restricted" && ctx.rules.restricted_join_rule) ||
      (rule == "knock_restricted" && ctx.rules.knock_restricted_join_rule)) {
    return checkRestrictedJoin(ctx, current);
  }
  if (rule == "public") {
    return AuthResult::allow("the room is public");
  }
  return AuthResult::deny("join rule '" + rule + "' admits nobody");
}

std::vector<std::string> thirdPartyPublicKeys(const Event& tpi) {
  std::vector<std::string> keys;
  if (auto key = stringMember(tpi.content(), "public_key")) {
    keys.emplace_back(*key);
  }
  const json::Value* list = json::member(tpi.content(), "public_keys");
  if (list != nullptr && list->IsArray()) {
    for (const auto& item : list->GetArray()) {
      if (auto key = stringMember(item, "public_key")) {
        keys.emplace_back(*key);
      }
    }
  }
  return keys;
}

// Rule 4.4.1: an invite that redeems an m.room.third_party_invite.
AuthResult checkThirdPartyInvite(const AuthContext& ctx, const json::Value& tpi_content) {
  const Event& e = ctx.e;
  if (ctx.membershipOf(*e.state_key) == "ban") {
    return AuthResult::deny(*e.state_key + " is banned from the room");
  }
  const json::Value* signed_block = json::member(tpi_content, "signed");
  if (signed_block == nullptr || !signed_block->IsObject()) {
    return AuthResult::deny("third_party_invite has no 'signed' object");
  }
  const auto mxid = stringMember(*signed_block, "mxid");
  const auto token = stringMember(*signed_block, "token");
  if (!mxid || !token) {
    return AuthResult::deny("third_party_invite.signed needs 'mxid' and 'token'");
  }
  if (*mxid != *e.state_key) {
    return AuthResult::deny("third_party_invite.signed.mxid is not the invited user");
  }
  const Event* tpi = ctx.get(kThirdPartyInvite, *token);
  if (tpi == nullptr) {
    return AuthResult::deny("no m.room.third_party_invite for this token");
  }
  if (tpi->sender != e.sender) {
    return AuthResult::deny("only the sender of the third-party invite may redeem it");
  }
  if (!ctx.hooks.verify_third_party_signed) {
    return AuthResult::deny(
        "third-party invites are not supported: their signatures cannot "
        "be verified here");
  }
  if (ctx.hooks.verify_third_party_signed(*signed_block, thirdPartyPublicKeys(*tpi))) {
    return AuthResult::allow("third-party invite signature verified");
  }
  return AuthResult::deny("no signature in third_party_invite.signed matches the invite's keys");
}

// Rule 4.4.
AuthResult checkInvite(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (const json::Value* tpi = json::member(e.content(), "third_party_invite")) {
    return checkThirdPartyInvite(ctx, *tpi);
  }
  if (ctx.membershipOf(e.sender) != "join") {
    return AuthResult::deny(e.sender + " is not joined to the room");
  }
  const std::string target = ctx.membershipOf(*e.state_key);
  if (isOneOf(target, {"join", "ban"})) {
    return AuthResult::deny(*e.state_key + " is " +
                            (target == "ban" ? "banned" : "already joined"));
  }
  if (ctx.levelOf(e.sender) >= ctx.levels.invite()) {
    return AuthResult::allow("sender has the invite level");
  }
  return AuthResult::deny("sender lacks the invite level");
}

// Rule 4.5: leaving, rejecting an invite, withdrawing a knock, kicking and unbanning.
AuthResult checkLeave(const AuthContext& ctx) {
  const Event& e = ctx.e;
  const std::string target = ctx.membershipOf(*e.state_key);
  if (e.sender == *e.state_key) {
    if (isOneOf(target, {"invite", "join"}) || (target == "knock" && ctx.rules.knock_join_rule)) {
      return AuthResult::allow("a user may leave, reject an invite or withdraw a knock");
    }
    return AuthResult::deny("cannot leave from membership '" + target + "'");
  }
  if (ctx.membershipOf(e.sender) != "join") {
    return AuthResult::deny(e.sender + " is not joined to the room");
  }
  const int64_t sender_level = ctx.levelOf(e.sender);
  if (target == "ban" && sender_level < ctx.levels.ban()) {
    return AuthResult::deny("unbanning needs the ban level");
  }
  if (sender_level >= ctx.levels.kick() && ctx.levelOf(*e.state_key) < sender_level) {
    return AuthResult::allow("sender may kick the target");
  }
  return AuthResult::deny("sender lacks the kick level or does not outrank the target");
}

// Rule 4.6.
AuthResult checkBan(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (ctx.membershipOf(e.sender) != "join") {
    return AuthResult::deny(e.sender + " is not joined to the room");
  }
  const int64_t sender_level = ctx.levelOf(e.sender);
  if (sender_level >= ctx.levels.ban() && ctx.levelOf(*e.state_key) < sender_level) {
    return AuthResult::allow("sender may ban the target");
  }
  return AuthResult::deny("sender lacks the ban level or does not outrank the target");
}

// Rule 4.7.
AuthResult checkKnock(const AuthContext& ctx) {
  const Event& e = ctx.e;
  const std::string rule = joinRule(ctx);
  if (rule != "knock" && !(rule == "knock_restricted" && ctx.rules.knock_restricted_join_rule)) {
    return AuthResult::deny("the room does not allow knocking");
  }
  if (e.sender != *e.state_key) {
    return AuthResult::deny("a user can only knock for themselves");
  }
  const std::string current = ctx.membershipOf(e.sender);
  if (isOneOf(current, {"ban", "invite", "join"})) {
    return AuthResult::deny("cannot knock from membership '" + current + "'");
  }
  return AuthResult::allow("knock accepted");
}

}  // namespace

AuthResult checkMember(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (!e.state_key || json::member(e.content(), "membership") == nullptr) {
    return AuthResult::deny("m.room.member needs a state_key and content.membership");
  }
  if (auto denied = checkAuthorisingSignature(ctx)) {
    return *denied;
  }
  const std::string_view membership = e.membership();
  if (membership == "join") {
    return checkJoin(ctx);
  }
  if (membership == "invite") {
    return checkInvite(ctx);
  }
  if (membership == "leave") {
    return checkLeave(ctx);
  }
  if (membership == "ban") {
    return checkBan(ctx);
  }
  if (membership == "knock" && ctx.rules.knock_join_rule) {
    return checkKnock(ctx);
  }
  return AuthResult::deny("unknown membership '" + std::string(membership) + "'");
}

}  // namespace hs::rooms::detail
