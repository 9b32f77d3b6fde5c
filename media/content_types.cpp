#include "media/content_types.h"

#include <algorithm>
#include <array>

namespace hs::media {

namespace {
constexpr size_t kMaxContentTypeLength = 255;

// The spec's "Serving inline content" list (client-server API, content repository).
constexpr std::array<std::string_view, 26> kInlineSafe = {
    "text/css",   "text/plain",  "text/csv",        "application/json", "application/ld+json",
    "image/jpeg", "image/gif",   "image/png",       "image/apng",       "image/webp",
    "image/avif", "video/mp4",   "video/webm",      "video/ogg",        "video/quicktime",
    "audio/mp4",  "audio/webm",  "audio/aac",       "audio/mpeg",       "audio/ogg",
    "audio/wave", "audio/wav",   "audio/x-wav",     "audio/x-pn-wav",   "audio/flac",
    "audio/x-flac"};

// Top-level types the HTTP layer can emit; anything else is served as octet-stream.
constexpr std::array<std::string_view, 7> kTopLevel = {"text",    "image",   "audio",    "video",
                                                       "application", "message", "multipart"};

constexpr std::array<std::string_view, 10> kDocumentTypes = {
    "application/pdf",
    "application/msword",
    "application/rtf",
    "application/epub+zip",
    "application/vnd.ms-excel",
    "application/vnd.ms-powerpoint",
    "application/vnd.openxmlformats-officedocument.",  // prefix: docx, xlsx, pptx
    "application/vnd.oasis.opendocument.",             // prefix: odt, ods, odp
    "application/x-latex",
    "application/postscript"};

bool isTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$&^_.+-").find(c) != std::string_view::npos;
}

bool isToken(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

// "charset=utf-8" (unquoted token value) from the parameter part, or empty.
std::string charsetParam(std::string_view params) {
  const size_t semi = params.find(';');
  const std::string_view first = trim(params.substr(0, semi));
  const size_t eq = first.find('=');
  if (eq == std::string_view::npos || lower(trim(first.substr(0, eq))) != "charset") {
    return "";
  }
  const std::string_view value = trim(first.substr(eq + 1));
  return isToken(value) ? "charset=" + std::string(value) : "";
}
}  // namespace

std::string uploadedContentType(const std::string* header) {
  if (header == nullptr) {
    return std::string(kOctetStream);
  }
  const std::string_view v = trim(*header);
  const bool printable = std::all_of(v.begin(), v.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
  if (v.empty() || v.size() > kMaxContentTypeLength || !printable || v.find('/') == v.npos) {
    return std::string(kOctetStream);
  }
  return std::string(v);
}

std::string essenceOf(std::string_view content_type) {
  return lower(trim(content_type.substr(0, content_type.find(';'))));
}

std::string fileTypeOf(std::string_view content_type) {
  const std::string essence = essenceOf(content_type);
  const std::string top = essence.substr(0, essence.find('/'));
  if (top == "image" || top == "video" || top == "audio") {
    return top;
  }
  if (top == "text") {
    return "document";
  }
  for (std::string_view doc : kDocumentTypes) {
    if (essence.compare(0, doc.size(), doc) == 0 && (doc.back() == '.' || essence.size() == doc.size())) {
      return "document";
    }
  }
  return "other";
}

std::string servedContentType(std::string_view stored) {
  const size_t semi = stored.find(';');
  const std::string_view essence = trim(stored.substr(0, semi));
  const size_t slash = essence.find('/');
  if (slash == std::string_view::npos) {
    return std::string(kOctetStream);
  }
  const std::string_view top = essence.substr(0, slash);
  const std::string_view sub = essence.substr(slash + 1);
  if (std::find(kTopLevel.begin(), kTopLevel.end(), top) == kTopLevel.end() || !isToken(sub)) {
    return std::string(kOctetStream);
  }
  std::string out(essence);
  if (semi != std::string_view::npos) {
    if (const std::string charset = charsetParam(stored.substr(semi + 1)); !charset.empty()) {
      out += "; " + charset;
    }
  }
  return out;
}

bool isInlineSafe(std::string_view content_type) {
  const std::string essence = essenceOf(content_type);
  return std::find(kInlineSafe.begin(), kInlineSafe.end(), essence) != kInlineSafe.end();
}

}  // namespace hs::media
