#pragma once
// Content types: what we store from an upload, the seed's file type, what we serve, and
// which types may be shown inline.
#include <string>
#include <string_view>

namespace hs::media {

constexpr std::string_view kOctetStream = "application/octet-stream";

// The upload's Content-Type header kept as sent when it is a plausible media type (printable
// ASCII, at most 255 bytes); otherwise, or when absent, application/octet-stream.
std::string uploadedContentType(const std::string* header);
// "type/subtype" in lower case, without parameters.
std::string essenceOf(std::string_view content_type);
// The seed's File.type: image, video, audio, document or other.
std::string fileTypeOf(std::string_view content_type);
// The Content-Type header for a download: the stored type when it is a well-formed
// type/subtype with at most a charset parameter, else application/octet-stream (the spec's
// "reasonably close" for types we cannot vouch for).
std::string servedContentType(std::string_view stored);
// The spec's list of types safe to serve with Content-Disposition: inline.
bool isInlineSafe(std::string_view content_type);

}  // namespace hs::media
