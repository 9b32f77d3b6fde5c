#include "client_api/routes.h"

#include "client_api/handlers/e2ee_handlers.h"
#include "client_api/handlers/handlers.h"
#include "client_api/handlers/legacy_handlers.h"
#include "client_api/handlers/room_handlers.h"
#include "client_api/handlers/openid_whois.h"
#include "client_api/handlers/search.h"
#include "client_api/handlers/sync_handlers.h"

namespace hs::client {

using http::Auth;
using http::Method;

http::Handler perUserLimited(http::Handler inner, ClientContext& ctx) {
  return [inner = std::move(inner), &ctx](Request& req, const Requester& who) {
    ctx.messages_per_user.check(who.userId().str());
    return inner(req, who);
  };
}

void addClientRoutes(http::RouteTable& t, ClientContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  t.add(Method::Get, "/_matrix/client/versions", Auth::None, h(getVersions));
  t.add(Method::Get, "/.well-known/matrix/client", Auth::None, h(getWellKnownClient));
  t.add(Method::Get, "/_matrix/client/v1/auth_metadata", Auth::None, h(getAuthMetadata));
  t.addClient(Method::Get, "/capabilities", Auth::AccessToken, h(getCapabilities));

  t.addClient(Method::Post, "/register", Auth::None, h(postRegister));
  t.addClient(Method::Get, "/register/available", Auth::None, h(getRegisterAvailable));
  t.add(Method::Get, "/_matrix/client/v1/register/m.login.registration_token/validity", Auth::None,
        h(getRegistrationTokenValidity));

  t.addClient(Method::Get, "/login", Auth::None, h(getLogin));
  t.addClient(Method::Post, "/login", Auth::None, h(postLogin));
  t.addClient(Method::Post, "/refresh", Auth::None, h(postRefresh), false);
  t.addClient(Method::Post, "/logout", Auth::AccessToken, h(postLogout));
  t.addClient(Method::Post, "/logout/all", Auth::AccessToken, h(postLogoutAll));
  t.addClient(Method::Get, "/account/whoami", Auth::AccessToken, h(getWhoami));
  // Without a token: a password reset by email (UIA m.login.email.identity).
  t.addClient(Method::Post, "/account/password", Auth::Optional, h(postAccountPassword));
  t.addClient(Method::Post, "/account/deactivate", Auth::AccessToken, h(postAccountDeactivate));
  t.addClient(Method::Get, "/account/3pid", Auth::AccessToken, h(getAccount3pids));

  t.addClient(Method::Get, "/profile/:userId", Auth::Optional, h(getProfile));
  t.addClient(Method::Get, "/profile/:userId/:field", Auth::Optional, h(getProfileField));
  t.addClient(Method::Put, "/profile/:userId/:field", Auth::AccessToken,
              perUserLimited(h(putProfileField), ctx));

  t.addClient(Method::Get, "/devices", Auth::AccessToken, h(getDevices));
  t.addClient(Method::Get, "/devices/:deviceId", Auth::AccessToken, h(getDevice));
  t.addClient(Method::Put, "/devices/:deviceId", Auth::AccessToken, h(putDevice));
  t.addClient(Method::Delete, "/devices/:deviceId", Auth::AccessToken, h(deleteDevice));
  t.addClient(Method::Post, "/delete_devices", Auth::AccessToken, h(postDeleteDevices));

  t.addClient(Method::Get, "/voip/turnServer", Auth::AccessToken, h(getTurnServer));
  t.addClient(Method::Post, "/search", Auth::AccessToken, h(postSearch));

  addRoomRoutes(t, ctx);
  addSyncRoutes(t, ctx);
  addDirectoryRoutes(t, ctx);
  addUserDataRoutes(t, ctx);
  addSocialRoutes(t, ctx);
  addE2eeRoutes(t, ctx);
  addLegacyRoutes(t, ctx);
  t.addClient(Method::Post, "/user/:userId/openid/request_token", Auth::AccessToken,
              h(postOpenIdRequestToken));
  t.addClient(Method::Get, "/admin/whois/:userId", Auth::AccessToken, h(getAdminWhois));
  allowGuestRoutes(t);
}

}  // namespace hs::client
