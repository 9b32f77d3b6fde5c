#include "homeserver/services/accounts/profile_service.h"

#include "homeserver/core/matrix_error.h"

namespace hs::accounts {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxDisplayNameBytes = 256;
constexpr size_t kMaxAvatarUrlBytes = 1000;
}  // namespace

Profile ProfileService::get(const core::UserId& user) {
  if (user.server() != server_name_ && remote_ != nullptr) {
    auto profile = remote_->fetch(user);
    if (!profile) {
      throw MatrixError(ErrCode::NotFound, "Profile not found");
    }
    return *profile;
  }
  return getLocal(user);
}

Profile ProfileService::getLocal(const core::UserId& user) {
  auto record = user.server() == server_name_ ? store_.findUser(user.str()) : std::nullopt;
  if (!record || record->deactivated) {
    throw MatrixError(ErrCode::NotFound, "Profile not found");
  }
  return Profile{record->displayname, record->avatar_url};
}

void ProfileService::set(const core::UserId& requester, const core::UserId& target,
                         const std::string& field, const std::optional<std::string>& value) {
  if (!(requester == target)) {
    throw MatrixError(ErrCode::Forbidden, "You may only change your own profile");
  }
  if (field == "displayname") {
    if (value && value->size() > kMaxDisplayNameBytes) {
      throw MatrixError(ErrCode::InvalidParam, "displayname is longer than 256 bytes");
    }
  } else if (field == "avatar_url") {
    if (value && !value->empty() && (value->rfind("mxc://", 0) != 0 || value->size() > kMaxAvatarUrlBytes)) {
      throw MatrixError(ErrCode::InvalidParam, "avatar_url must be an mxc:// URI");
    }
  } else {
    throw MatrixError(ErrCode::Forbidden, "Only displayname and avatar_url can be set");
  }
  // An empty string clears the field.
  store_.setProfileField(target.str(), field, value && value->empty() ? std::nullopt : value);
  if (on_change_) {
    on_change_(target);
  }
}

}  // namespace hs::accounts
