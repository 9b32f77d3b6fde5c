#include "client_api/handlers/user_data.h"
#include "client_api/routes.h"

namespace hs::client {

using http::Auth;
using http::Method;

void addUserDataRoutes(http::RouteTable& t, ClientContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  const Auth a = Auth::AccessToken;
  t.addClient(Method::Put, "/user/:userId/account_data/:type", a, h(putAccountData));
  t.addClient(Method::Get, "/user/:userId/account_data/:type", a, h(getAccountData));
  t.addClient(Method::Put, "/user/:userId/rooms/:roomId/account_data/:type", a, h(putRoomAccountData));
  t.addClient(Method::Get, "/user/:userId/rooms/:roomId/account_data/:type", a, h(getRoomAccountData));
  t.addClient(Method::Get, "/user/:userId/rooms/:roomId/tags", a, h(getRoomTags));
  t.addClient(Method::Put, "/user/:userId/rooms/:roomId/tags/:tag", a, h(putRoomTag));
  t.addClient(Method::Delete, "/user/:userId/rooms/:roomId/tags/:tag", a, h(deleteRoomTag));

  t.addClient(Method::Post, "/user/:userId/filter", a, h(postFilter));
  t.addClient(Method::Get, "/user/:userId/filter/:filterId", a, h(getFilter));

  t.addClient(Method::Get, "/pushrules/", a, h(getPushRules));
  t.addClient(Method::Get, "/pushrules/global/", a, h(getPushRulesGlobal));
  for (const Method m : {Method::Get, Method::Put, Method::Delete}) {
    t.addClient(m, "/pushrules/global/:kind", a, h(getPushRuleKindWithoutSlash));
  }
  t.addClient(Method::Get, "/pushrules/global/:kind/:ruleId", a, h(getPushRule));
  t.addClient(Method::Put, "/pushrules/global/:kind/:ruleId", a, h(putPushRule));
  t.addClient(Method::Delete, "/pushrules/global/:kind/:ruleId", a, h(deletePushRule));
  t.addClient(Method::Get, "/pushrules/global/:kind/:ruleId/enabled", a, h(getPushRuleEnabled));
  t.addClient(Method::Put, "/pushrules/global/:kind/:ruleId/enabled", a, h(putPushRuleEnabled));
  t.addClient(Method::Get, "/pushrules/global/:kind/:ruleId/actions", a, h(getPushRuleActions));
  t.addClient(Method::Put, "/pushrules/global/:kind/:ruleId/actions", a, h(putPushRuleActions));

  t.addClient(Method::Put, "/presence/:userId/status", a, h(putPresence));
  t.addClient(Method::Get, "/presence/:userId/status", a, h(getPresence));
}

}  // namespace hs::client
