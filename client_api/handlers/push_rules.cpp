#include "client_api/handlers/user_data.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/push_rules/push_rules.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
// The path's {kind} and {ruleId}; only the "global" scope exists, and the routes spell it.
struct RulePath {
  push_rules::Kind kind;
  std::string rule_id;
};

// A path with no rule id (".../override/") names no rule: 400, as a malformed path.
RulePath rulePath(const Request& req) {
  RulePath p{push_rules::parseKind(req.pathParam("kind")), req.pathParam("ruleId")};
  if (p.rule_id.empty()) {
    throw MatrixError(ErrCode::InvalidParam, "Missing push rule id");
  }
  return p;
}

const std::string& user(const Requester& who) { return who.userId().str(); }
}  // namespace

// GET /_matrix/client/v3/pushrules/
Response getPushRules(Request&, const Requester& who, ClientContext& ctx) {
  return Response::json(200, ctx.push_rules.renderGlobal(user(who)));
}

// GET /_matrix/client/v3/pushrules/global/
Response getPushRulesGlobal(Request&, const Requester& who, ClientContext& ctx) {
  return Response::json(200, push_rules::renderRuleset(ctx.push_rules.rules(user(who))));
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}; an empty id (".../{kind}/")
// lists the kind's rules, as Synapse answers (a JSON array).
Response getPushRule(Request& req, const Requester& who, ClientContext& ctx) {
  if (req.pathParam("ruleId").empty()) {
    const push_rules::Kind kind = push_rules::parseKind(req.pathParam("kind"));
    return Response::json(200, push_rules::renderKind(ctx.push_rules.rules(user(who)), kind));
  }
  const RulePath p = rulePath(req);
  return Response::json(200, ctx.push_rules.renderKindRule(user(who), p.kind, p.rule_id));
}

// GET, PUT, DELETE /_matrix/client/v3/pushrules/global/{kind}: neither a kind's list (that
// needs the trailing slash) nor a rule. 400 M_UNRECOGNIZED, as Synapse's "pedantic" answer.
Response getPushRuleKindWithoutSlash(Request& req, const Requester&, ClientContext&) {
  push_rules::parseKind(req.pathParam("kind"));
  throw MatrixError(ErrCode::Unrecognized, "Missing push rule id; end the path with '/' to list a kind", 400);
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
Response putPushRule(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  const json::Document body = json::parseObject(req.body);
  ctx.push_rules.put(user(who), p.kind, p.rule_id, push_rules::parseRuleBody(p.kind, body),
                     req.queryParam("before"), req.queryParam("after"));
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/v3/pushrules/global/{kind}/{ruleId}
Response deletePushRule(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  ctx.push_rules.remove(user(who), p.kind, p.rule_id);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
Response getPushRuleEnabled(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  json::Writer w;
  w.startObject().key("enabled").boolean(ctx.push_rules.enabled(user(who), p.kind, p.rule_id));
  w.endObject();
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/enabled
Response putPushRuleEnabled(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  const json::Document body = json::parseObject(req.body);
  const auto enabled = json::optBool(body, "enabled");
  if (!enabled) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'enabled'");
  }
  ctx.push_rules.setEnabled(user(who), p.kind, p.rule_id, *enabled);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
Response getPushRuleActions(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  json::Writer w;
  w.startObject().key("actions").raw(ctx.push_rules.actions(user(who), p.kind, p.rule_id));
  w.endObject();
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/pushrules/global/{kind}/{ruleId}/actions
Response putPushRuleActions(Request& req, const Requester& who, ClientContext& ctx) {
  const RulePath p = rulePath(req);
  const json::Document body = json::parseObject(req.body);
  ctx.push_rules.setActions(user(who), p.kind, p.rule_id,
                            push_rules::parseActions(json::member(body, "actions")));
  return Response::json(200, "{}");
}

}  // namespace hs::client
