#pragma once
// Media ids and mxc:// URIs. A media id only ever holds [A-Za-z0-9_-], which is what makes
// path traversal through an id impossible; ids we mint are random and unguessable.
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/core/random.h"
#include "homeserver/services/media/media_store.h"

namespace hs::media {

constexpr size_t kMaxMediaIdLength = 255;

// 1..255 characters of [A-Za-z0-9_-].
bool isValidMediaId(std::string_view id);
// 24 characters of [A-Za-z0-9]: about 143 random bits.
std::string newMediaId(core::Random& random);
// "mxc://server/mediaId" with a valid server name and media id; nullopt otherwise.
std::optional<MediaKey> parseMxc(std::string_view uri);
std::string mxcUri(const MediaKey& key);

}  // namespace hs::media
