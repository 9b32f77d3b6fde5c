#pragma once
// How the server talks to the parley-thumbnailer helper: one process per job, the job in
// argv, the answer on stdout, the outcome in the exit status. Compiled into both sides.
//   parley-thumbnailer probe FILE                              -> "W H PAGES\n"
//   parley-thumbnailer render MAX_PIXELS FILE TYPE SIZE        -> one framed thumbnail
//   parley-thumbnailer render-many MAX_PIXELS FILE TYPE SIZE.. -> one per SIZE, in order
// TYPE is jpeg|png|webp; SIZE is WxH-crop or WxH-scale. A framed thumbnail is the line
// "W H LENGTH\n" followed by LENGTH bytes of the encoded image.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "media/thumbnail_sizes.h"
#include "media/thumbnail_types.h"

namespace hs::media::protocol {

// Exit statuses of the helper.
constexpr int kOk = 0;
constexpr int kFailed = 1;        // bad arguments, or libvips would not start
constexpr int kNotAnImage = 2;    // not PNG, JPEG, GIF or WebP, or no readable header
constexpr int kUndecodable = 3;   // truncated or corrupt
constexpr int kTooLarge = 4;      // more pixels than MAX_PIXELS

std::string typeArg(ThumbType type);
std::optional<ThumbType> parseType(std::string_view arg);
std::string sizeArg(const ThumbSize& size);
std::optional<ThumbSize> parseSize(std::string_view arg);

std::string formatInfo(const ImageInfo& info);
std::optional<ImageInfo> parseInfo(std::string_view out);
void appendThumbnail(std::string& out, const Thumbnail& thumb);
// nullopt unless `out` is exactly a sequence of well-formed frames.
std::optional<std::vector<Thumbnail>> parseThumbnails(std::string_view out);

}  // namespace hs::media::protocol
