#include "homeserver/services/directory/directory.h"

#include <algorithm>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/state_permission.h"

namespace hs::directory {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int64_t kMaxLimit = 500;

int64_t parseOffset(const std::optional<std::string>& since) {
  if (!since || since->empty()) {
    return 0;
  }
  if ((*since)[0] != 'o') {
    throw MatrixError(ErrCode::InvalidParam, "Invalid pagination token");
  }
  try {
    return std::max<int64_t>(0, std::stoll(since->substr(1)));
  } catch (const std::exception&) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid pagination token");
  }
}
}  // namespace

DirectoryService::Page DirectoryService::publicRooms(const std::string& term,
                                                      const std::optional<std::string>& since,
                                                      int64_t limit) {
  limit = std::clamp<int64_t>(limit, 1, kMaxLimit);
  const int64_t offset = parseOffset(since);
  Page page;
  page.chunk = store_.publicRooms(term, offset, limit + 1);
  if (static_cast<int64_t>(page.chunk.size()) > limit) {
    page.chunk.pop_back();
    page.next_batch = "o" + std::to_string(offset + limit);
  }
  if (offset > 0) {
    page.prev_batch = "o" + std::to_string(std::max<int64_t>(0, offset - limit));
  }
  page.total = store_.publicRoomCount();
  return page;
}

std::string DirectoryService::visibility(const std::string& room_id) {
  const auto room = rooms_.room(room_id);
  if (!room) {
    throw MatrixError(ErrCode::NotFound, "Unknown room");
  }
  return room->is_public ? "public" : "private";
}

void DirectoryService::setVisibility(const std::string& user_id, const std::string& room_id,
                                     const std::string& visibility) {
  if (visibility != "public" && visibility != "private") {
    throw MatrixError(ErrCode::InvalidParam, "visibility must be public or private");
  }
  const auto m = rooms_.membership(room_id, user_id);
  if (!m || m->membership != "join") {
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
  if (!rooms::maySendState(rooms_, room_id, user_id, "m.room.canonical_alias")) {
    throw MatrixError(ErrCode::Forbidden, "You may not publish this room");
  }
  if (!store_.setPublished(room_id, visibility == "public")) {
    throw MatrixError(ErrCode::NotFound, "Unknown room");
  }
}

std::vector<UserResult> DirectoryService::searchUsers(const std::string& searcher,
                                                      const std::string& term, int64_t limit) {
  return store_.searchUsers(searcher, term, std::clamp<int64_t>(limit, 1, 50));
}

}  // namespace hs::directory
