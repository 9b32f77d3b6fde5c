#pragma once
// The mxc:// URIs an event's content points at, for linking media to messages.
#include <string_view>
#include <vector>

#include "homeserver/services/media/media_store.h"

namespace hs::media {

// Looks at content.url, content.info.thumbnail_url, content.file.url and
// content.info.thumbnail_file.url (m.image, m.file, m.audio, m.video, m.sticker, room avatars,
// encrypted attachments). Malformed URIs and non-object content are ignored.
std::vector<MediaRef> mediaRefsOf(std::string_view content_json);

}  // namespace hs::media
