#pragma once
// Display names and avatars of local users.
#include <functional>
#include <optional>
#include <string>

#include "homeserver/core/ids.h"
#include "homeserver/services/accounts/account_store.h"

namespace hs::accounts {

struct Profile {
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
};

// Other servers' users' profiles (federation's query/profile). fetch returns nullopt when the
// user's server says there is no such user; it throws MatrixError (502) when the server cannot
// be asked.
class RemoteProfileSource {
 public:
  virtual ~RemoteProfileSource() = default;
  virtual std::optional<Profile> fetch(const core::UserId& user) = 0;
};

class ProfileService {
 public:
  ProfileService(AccountStore& store, std::string server_name)
      : store_(store), server_name_(std::move(server_name)) {}
  // M_NOT_FOUND for unknown users; remote users are asked of their server (when federation is
  // on), which may fail with 502.
  Profile get(const core::UserId& user);
  // Local users only: what query/profile answers other servers.
  Profile getLocal(const core::UserId& user);
  void setRemoteSource(RemoteProfileSource* remote) { remote_ = remote; }
  // field is "displayname" or "avatar_url"; only the user may change their own profile.
  void set(const core::UserId& requester, const core::UserId& target, const std::string& field,
           const std::optional<std::string>& value);
  // Called after a profile change (rooms re-send the user's member events).
  void setChangeHook(std::function<void(const core::UserId&)> hook) { on_change_ = std::move(hook); }

 private:
  AccountStore& store_;
  std::string server_name_;
  std::function<void(const core::UserId&)> on_change_;
  RemoteProfileSource* remote_ = nullptr;
};

}  // namespace hs::accounts
