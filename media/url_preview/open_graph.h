#pragma once
// Open Graph data of an HTML page for URL previews, parsed with libxml2's HTML parser (which
// recovers from broken markup, as browsers do, and never loads anything from the network).
#include <string>
#include <string_view>

namespace hs::media {

// The page's og:* meta tags (by `property`, or `name` as some sites write them) as a JSON
// object; og:title falls back to <title> and og:description to <meta name="description">.
// og:image is left out: the spec makes it an mxc:// URI, and images are not fetched. Values
// are cut to kMaxOgValueBytes and at most kMaxOgFields are kept. "{}" for text that holds
// nothing useful.
std::string openGraphJson(std::string_view html, const std::string& url);

inline constexpr size_t kMaxOgValueBytes = 1000;
inline constexpr size_t kMaxOgFields = 50;

}  // namespace hs::media
