#include "homeserver/services/social/block_service.h"

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/social/ignored_list.h"

namespace hs::social {

using core::ErrCode;
using core::MatrixError;

bool BlockService::addBlock(const std::string& user, const std::string& target) {
  if (!blocks_.addBlock(user, target, clock_.nowMs())) {
    return false;
  }
  friends_.blockBetween(user, target, clock_.nowMs());
  return true;
}

void BlockService::block(const core::UserId& user, const core::UserId& target) {
  if (user == target) {
    throw MatrixError(ErrCode::InvalidParam, "You cannot block yourself");
  }
  if (target.server() == server_name_ && !accounts_.findUser(target.str())) {
    throw MatrixError(ErrCode::NotFound, "Unknown user " + target.str());
  }
  if (addBlock(user.str(), target.str())) {
    publish(user.str());
  }
}

void BlockService::unblock(const core::UserId& user, const core::UserId& target) {
  if (!blocks_.removeBlock(user.str(), target.str())) {
    throw MatrixError(ErrCode::NotFound, target.str() + " is not blocked");
  }
  publish(user.str());
}

std::vector<Block> BlockService::list(const core::UserId& user) { return blocks_.blocks(user.str()); }

bool BlockService::isBlocked(const std::string& user, const std::string& target) {
  return blocks_.isBlocked(user, target);
}

std::set<std::string> BlockService::blockersOf(const std::string& target) {
  auto list = blocks_.blockers(target);
  return std::set<std::string>(std::make_move_iterator(list.begin()), std::make_move_iterator(list.end()));
}

std::set<std::string> BlockService::blockedBy(const std::string& user) {
  std::set<std::string> out;
  for (auto& b : blocks_.blocks(user)) {
    out.insert(std::move(b.user_id));
  }
  return out;
}

std::string BlockService::applyIgnoredList(const std::string& user, const std::string& content_json) {
  const std::set<std::string> wanted = parseIgnoredUsers(content_json);
  if (wanted.count(user)) {
    throw MatrixError(ErrCode::InvalidParam, "You cannot ignore yourself");
  }
  const std::set<std::string> current = blockedBy(user);
  for (const auto& u : wanted) {
    if (!current.count(u)) {
      addBlock(user, u);
    }
  }
  for (const auto& u : current) {
    if (!wanted.count(u)) {
      blocks_.removeBlock(user, u);
    }
  }
  return renderIgnoredUsers(blockedBy(user));
}

void BlockService::publish(const std::string& user) {
  account_data_.set(user, "", kIgnoredUserListType, renderIgnoredUsers(blockedBy(user)));
}

}  // namespace hs::social
