#include "homeserver/services/filters/filter_service.h"

#include <charconv>

#include "homeserver/core/matrix_error.h"

namespace hs::filters {

using core::ErrCode;
using core::MatrixError;

namespace {
void checkOwner(const core::UserId& requester, const core::UserId& target) {
  if (!(requester == target)) {
    throw MatrixError(ErrCode::Forbidden, "Cannot access filters of other users");
  }
}

// Filter ids are decimal integers; anything else cannot name a filter.
std::optional<int64_t> parseId(const std::string& text) {
  int64_t id = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || id < 0) {
    return std::nullopt;
  }
  return id;
}
}  // namespace

std::string FilterService::create(const core::UserId& requester, const core::UserId& target,
                                  const std::string& body) {
  checkOwner(requester, target);
  parseFilter(json::parseObject(body));
  return std::to_string(store_.insert(target.str(), body));
}

std::string FilterService::get(const core::UserId& requester, const core::UserId& target,
                               const std::string& filter_id) {
  checkOwner(requester, target);
  auto text = find(target, filter_id);
  if (!text) {
    throw MatrixError(ErrCode::NotFound, "No such filter");
  }
  return *text;
}

Filter FilterService::parseFilterParam(const std::string& filter_param, const core::UserId& user) {
  if (!filter_param.empty() && filter_param.front() == '{') {
    return parseFilterText(filter_param);
  }
  if (!parseId(filter_param)) {
    throw MatrixError(ErrCode::InvalidParam, "'filter' must be a filter ID or a JSON object");
  }
  auto text = find(user, filter_param);
  if (!text) {
    // 400, not 404: the request names a filter that does not exist (Synapse answers so too).
    throw MatrixError(ErrCode::InvalidParam, "No such filter: " + filter_param);
  }
  return parseFilterText(*text);
}

std::optional<std::string> FilterService::find(const core::UserId& user,
                                               const std::string& filter_id) {
  const auto id = parseId(filter_id);
  return id ? store_.find(user.str(), *id) : std::nullopt;
}

}  // namespace hs::filters
