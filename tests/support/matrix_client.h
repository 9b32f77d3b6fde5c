#pragma once
// Small Matrix client helpers over TestServer for the end-to-end tests: rooms, messages,
// receipts and /sync, each asserting the call succeeded.
#include <optional>
#include <string>
#include <vector>

#include "tests/support/test_server.h"

namespace hs::test {

inline const std::string kV3 = "/_matrix/client/v3";
inline const std::string kParley = "/_matrix/client/unstable/im.parley";

// The errcode of an error response, or "(none)".
std::string errcode(const HttpResult& r);
// Percent-encodes a path segment (user ids, room ids, event ids).
std::string enc(const std::string& segment);

std::string createRoom(TestServer& s, const std::string& token, const std::string& body = "{}");
void invite(TestServer& s, const std::string& token, const std::string& room_id, const std::string& user_id);
void join(TestServer& s, const std::string& token, const std::string& room_id);
// A room `owner` created with `others` invited and joined.
std::string groupWith(TestServer& s, const std::string& owner_token,
                      const std::vector<std::pair<std::string, std::string>>& others,  // user id, token
                      const std::string& name = "");
std::string sendText(TestServer& s, const std::string& token, const std::string& room_id,
                     const std::string& body, const std::string& extra_content = "");
void sendReceipt(TestServer& s, const std::string& token, const std::string& room_id,
                 const std::string& event_id, const std::string& type = "m.read");

// GET /sync; `since` empty for an initial sync.
json::Document sync(TestServer& s, const std::string& token, const std::string& since = "",
                    const std::string& filter = "");
// Event ids in rooms.join[room].timeline of a sync response.
std::vector<std::string> timelineIds(const json::Value& sync, const std::string& room_id);
// The rooms.join[room] object, or null.
const json::Value* joinedRoom(const json::Value& sync, const std::string& room_id);
bool contains(const std::vector<std::string>& v, const std::string& x);

}  // namespace hs::test
