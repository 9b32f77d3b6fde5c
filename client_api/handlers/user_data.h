#pragma once
// Client API handlers for per-user data: account data and tags, filters, push rules and
// presence. Same shape as handlers.h: one function per endpoint, <httpVerb><SpecThing>.
#include "client_api/handlers/handlers.h"

namespace hs::client {

// account_data.cpp
Response putAccountData(Request& req, const Requester& who, ClientContext& ctx);
Response getAccountData(Request& req, const Requester& who, ClientContext& ctx);
Response putRoomAccountData(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomAccountData(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomTags(Request& req, const Requester& who, ClientContext& ctx);
Response putRoomTag(Request& req, const Requester& who, ClientContext& ctx);
Response deleteRoomTag(Request& req, const Requester& who, ClientContext& ctx);

// filters.cpp
Response postFilter(Request& req, const Requester& who, ClientContext& ctx);
Response getFilter(Request& req, const Requester& who, ClientContext& ctx);

// push_rules.cpp
Response getPushRules(Request& req, const Requester& who, ClientContext& ctx);
Response getPushRulesGlobal(Request& req, const Requester& who, ClientContext& ctx);
Response getPushRule(Request& req, const Requester& who, ClientContext& ctx);
Response getPushRuleKindWithoutSlash(Request& req, const Requester& who, ClientContext& ctx);
Response putPushRule(Request& req, const Requester& who, ClientContext& ctx);
Response deletePushRule(Request& req, const Requester& who, ClientContext& ctx);
Response getPushRuleEnabled(Request& req, const Requester& who, ClientContext& ctx);
Response putPushRuleEnabled(Request& req, const Requester& who, ClientContext& ctx);
Response getPushRuleActions(Request& req, const Requester& who, ClientContext& ctx);
Response putPushRuleActions(Request& req, const Requester& who, ClientContext& ctx);

// presence.cpp
Response putPresence(Request& req, const Requester& who, ClientContext& ctx);
Response getPresence(Request& req, const Requester& who, ClientContext& ctx);

}  // namespace hs::client
