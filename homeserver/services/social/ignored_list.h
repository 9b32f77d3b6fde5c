#pragma once
// m.ignored_user_list account data, the Matrix view of the block list:
// {"ignored_users": {"@bob:example.org": {}}}. Pure functions.
#include <set>
#include <string>

namespace hs::social {

inline constexpr const char* kIgnoredUserListType = "m.ignored_user_list";

// The user ids a client put in its content. Throws M_BAD_JSON when `ignored_users` is not an
// object or a key is not a user id.
std::set<std::string> parseIgnoredUsers(const std::string& content_json);
std::string renderIgnoredUsers(const std::set<std::string>& users);

}  // namespace hs::social
