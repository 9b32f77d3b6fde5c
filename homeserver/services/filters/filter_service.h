#pragma once
// Stored sync filters (POST/GET /user/{userId}/filter) and the `filter` query parameter of
// /sync and /messages, which is either inline JSON or a stored filter's id.
#include <string>

#include "homeserver/core/ids.h"
#include "homeserver/services/filters/filter.h"
#include "homeserver/services/filters/filter_store.h"

namespace hs::filters {

class FilterService {
 public:
  explicit FilterService(FilterStore& store) : store_(store) {}

  // Checks the body's shape (M_NOT_JSON, M_BAD_JSON), stores it as sent and returns its id.
  // Only the user may store filters for themselves (M_FORBIDDEN).
  std::string create(const core::UserId& requester, const core::UserId& target,
                     const std::string& body);
  // The filter as stored; M_NOT_FOUND for an unknown id, M_FORBIDDEN for another user's.
  std::string get(const core::UserId& requester, const core::UserId& target,
                  const std::string& filter_id);
  // `filter_param` starting with '{' is inline JSON (M_NOT_JSON, M_BAD_JSON); anything else
  // is one of `user`'s filter ids (M_INVALID_PARAM when not an id or unknown).
  Filter parseFilterParam(const std::string& filter_param, const core::UserId& user);

 private:
  std::optional<std::string> find(const core::UserId& user, const std::string& filter_id);

  FilterStore& store_;
};

}  // namespace hs::filters
