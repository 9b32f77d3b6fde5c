#pragma once
// Client API handlers: parse the request, call one service, render the response. One
// function per endpoint, named <httpVerb><SpecThing>.
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

using http::Request;
using http::Requester;
using http::Response;

// discovery.cpp
Response getVersions(Request& req, const Requester& who, ClientContext& ctx);
Response getWellKnownClient(Request& req, const Requester& who, ClientContext& ctx);
Response getCapabilities(Request& req, const Requester& who, ClientContext& ctx);
Response getAuthMetadata(Request& req, const Requester& who, ClientContext& ctx);

// register.cpp
Response postRegister(Request& req, const Requester& who, ClientContext& ctx);
Response getRegisterAvailable(Request& req, const Requester& who, ClientContext& ctx);
Response getRegistrationTokenValidity(Request& req, const Requester& who, ClientContext& ctx);

// login.cpp
Response getLogin(Request& req, const Requester& who, ClientContext& ctx);
Response postLogin(Request& req, const Requester& who, ClientContext& ctx);
Response postRefresh(Request& req, const Requester& who, ClientContext& ctx);
Response postLogout(Request& req, const Requester& who, ClientContext& ctx);
Response postLogoutAll(Request& req, const Requester& who, ClientContext& ctx);
Response getWhoami(Request& req, const Requester& who, ClientContext& ctx);

// account.cpp
Response postAccountPassword(Request& req, const Requester& who, ClientContext& ctx);
Response postAccountDeactivate(Request& req, const Requester& who, ClientContext& ctx);
Response getAccount3pids(Request& req, const Requester& who, ClientContext& ctx);

// profile.cpp
Response getProfile(Request& req, const Requester& who, ClientContext& ctx);
Response getProfileField(Request& req, const Requester& who, ClientContext& ctx);
Response putProfileField(Request& req, const Requester& who, ClientContext& ctx);

// devices.cpp
Response getDevices(Request& req, const Requester& who, ClientContext& ctx);
Response getDevice(Request& req, const Requester& who, ClientContext& ctx);
Response putDevice(Request& req, const Requester& who, ClientContext& ctx);
Response deleteDevice(Request& req, const Requester& who, ClientContext& ctx);
Response postDeleteDevices(Request& req, const Requester& who, ClientContext& ctx);

// voip.cpp
Response getTurnServer(Request& req, const Requester& who, ClientContext& ctx);

}  // namespace hs::client
