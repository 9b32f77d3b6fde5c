#include "homeserver/services/rooms/room_version.h"

#include <array>

namespace hs::rooms {

namespace {

using F = EventFormat;
using S = StateResAlgorithm;

// Columns: id, format, state res, aliases rule, redaction rule, key validity, strict JSON,
// notifications levels, knock, restricted, knock_restricted, integer levels, creator is
// sender, redacts in content, room ID from create, infinite creators.
constexpr std::array<RoomVersionRules, 12> kVersions = {{
    {"1", F::kV1, S::kV1, true, true, false, false, false, false, false, false, false, false, false, false, false},
    {"2", F::kV1, S::kV2, true, true, false, false, false, false, false, false, false, false, false, false, false},
    {"3", F::kV3, S::kV2, true, false, false, false, false, false, false, false, false, false, false, false, false},
    {"4", F::kV4, S::kV2, true, false, false, false, false, false, false, false, false, false, false, false, false},
    {"5", F::kV4, S::kV2, true, false, true, false, false, false, false, false, false, false, false, false, false},
    {"6", F::kV4, S::kV2, false, false, true, true, true, false, false, false, false, false, false, false, false},
    {"7", F::kV4, S::kV2, false, false, true, true, true, true, false, false, false, false, false, false, false},
    {"8", F::kV4, S::kV2, false, false, true, true, true, true, true, false, false, false, false, false, false},
    {"9", F::kV4, S::kV2, false, false, true, true, true, true, true, false, false, false, false, false, false},
    {"10", F::kV4, S::kV2, false, false, true, true, true, true, true, true, true, false, false, false, false},
    {"11", F::kV4, S::kV2, false, false, true, true, true, true, true, true, true, true, true, false, false},
    {"12", F::kV4, S::kV21, false, false, true, true, true, true, true, true, true, true, true, true, true},
}};

}  // namespace

const RoomVersionRules* findRoomVersion(std::string_view version) {
  for (const auto& rules : kVersions) {
    if (rules.id == version) {
      return &rules;
    }
  }
  return nullptr;
}

const std::vector<std::string_view>& supportedRoomVersions() {
  static const std::vector<std::string_view> versions = [] {
    std::vector<std::string_view> out;
    for (const auto& rules : kVersions) {
      out.push_back(rules.id);
    }
    return out;
  }();
  return versions;
}

}  // namespace hs::rooms
