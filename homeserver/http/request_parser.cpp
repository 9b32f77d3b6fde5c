#include "homeserver/http/request_parser.h"

#include <algorithm>
#include <cstring>

namespace hs::http {

namespace {
constexpr size_t kMaxMethodLength = 32;
constexpr int kMaxContentLengthDigits = 18;  // below 2^63, so the value never overflows

// RFC 9110 tchar: the characters of methods and header names.
bool isTchar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
    return true;
  }
  return std::strchr("!#$%&'*+-.^_`|~", c) != nullptr && c != '\0';
}

bool isToken(std::string_view s) { return !s.empty() && std::all_of(s.begin(), s.end(), isTchar); }

// Field values: visible ASCII, obs-text, space and tab; no other control character.
bool isFieldValue(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return c == '\t' || (c >= 0x20 && c != 0x7f);
  });
}

// Request targets: no whitespace and no control characters.
bool isTargetChar(char ch) {
  const auto c = static_cast<unsigned char>(ch);
  return c > 0x20 && c != 0x7f;
}

std::string_view trimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
    s.remove_prefix(1);
  }
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
    s.remove_suffix(1);
  }
  return s;
}

std::string lowerCase(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

// The lower-cased members of a comma-separated list, empty members skipped.
std::vector<std::string> listMembers(std::string_view value) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= value.size()) {
    size_t comma = value.find(',', start);
    if (comma == std::string_view::npos) {
      comma = value.size();
    }
    const auto member = trimSpaces(value.substr(start, comma - start));
    if (!member.empty()) {
      out.push_back(lowerCase(member));
    }
    start = comma + 1;
  }
  return out;
}

// "http://host:8008/path?q" -> "/path?q"; the authority is the Host's business, not routing's.
std::optional<std::string> originFormOf(std::string_view target) {
  if (target.front() == '/' || target == "*") {
    return std::string(target);
  }
  const std::string lower = lowerCase(target.substr(0, 8));
  size_t scheme = 0;
  if (lower.rfind("http://", 0) == 0) {
    scheme = 7;
  } else if (lower.rfind("https://", 0) == 0) {
    scheme = 8;
  } else {
    return std::nullopt;
  }
  const size_t path = target.find_first_of("/?", scheme);
  if (path == scheme) {
    return std::nullopt;  // no authority
  }
  if (path == std::string_view::npos) {
    return std::string("/");
  }
  std::string out(target.substr(path));
  return out.front() == '?' ? "/" + out : out;
}

std::optional<uint64_t> parseDigits(std::string_view s) {
  if (s.empty() || s.size() > kMaxContentLengthDigits) {
    return std::nullopt;
  }
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') {
      return std::nullopt;
    }
    v = v * 10 + static_cast<uint64_t>(c - '0');
  }
  return v;
}
}  // namespace

void HeadParser::reset() {
  state_ = State::Incomplete;
  started_ = false;
  in_request_line_ = true;
  request_line_bytes_ = 0;
  header_bytes_ = 0;
  line_.clear();
  head_ = RequestHead{};
  error_ = FramingError{};
}

bool HeadParser::fail(int status, std::string message) {
  state_ = State::Failed;
  error_ = FramingError{status, std::move(message)};
  return false;
}

// Each byte is copied at most once into line_, and a line is parsed once, when its LF arrives:
// linear in the bytes received however they are split.
size_t HeadParser::feed(std::string_view in) {
  size_t used = 0;
  while (used < in.size() && state_ == State::Incomplete) {
    started_ = true;
    const char* begin = in.data() + used;
    const auto* nl = static_cast<const char*>(std::memchr(begin, '\n', in.size() - used));
    const size_t take = nl ? static_cast<size_t>(nl - begin) + 1 : in.size() - used;
    size_t& budget_used = in_request_line_ ? request_line_bytes_ : header_bytes_;
    const size_t cap = in_request_line_ ? limits_.max_request_line + 2 : limits_.max_header_block;
    if (budget_used + take > cap) {
      if (in_request_line_) {
        fail(414, "Request line too long");
      } else {
        fail(431, "Request header fields too large");
      }
      return used;
    }
    budget_used += take;
    line_.append(begin, nl ? take - 1 : take);
    used += take;
    if (!nl) {
      break;
    }
    if (line_.empty() || line_.back() != '\r') {
      fail(400, "Malformed request: a line ends in a bare LF");
      break;
    }
    line_.pop_back();
    const bool ok = onLine(line_);
    line_.clear();
    if (!ok) {
      break;
    }
  }
  return used;
}

bool HeadParser::onLine(std::string_view line) {
  if (line.find('\r') != std::string_view::npos) {
    return fail(400, "Malformed request: a bare CR");
  }
  if (in_request_line_) {
    if (line.empty()) {
      return true;  // RFC 9112 2.2: blank lines before a request line are ignored
    }
    in_request_line_ = false;
    return parseRequestLine(line);
  }
  if (line.empty()) {
    return finishHead();
  }
  return parseHeaderLine(line);
}

bool HeadParser::parseRequestLine(std::string_view line) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
  if (sp2 == std::string_view::npos) {
    return fail(400, "Malformed request line");  // HTTP/0.9 ("GET /") included
  }
  const auto method = line.substr(0, sp1);
  const auto target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const auto version = line.substr(sp2 + 1);
  if (!isToken(method) || method.size() > kMaxMethodLength || target.empty() ||
      !std::all_of(target.begin(), target.end(), isTargetChar)) {
    return fail(400, "Malformed request line");
  }
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' ||
      !std::isdigit(static_cast<unsigned char>(version[5])) ||
      !std::isdigit(static_cast<unsigned char>(version[7]))) {
    return fail(400, "Malformed request line");
  }
  if (version[5] != '1') {
    return fail(505, "HTTP version not supported");
  }
  auto origin = originFormOf(target);
  if (!origin) {
    return fail(400, "Malformed request target");
  }
  head_.method = std::string(method);
  head_.target = std::move(*origin);
  head_.minor_version = version[7] - '0';
  return true;
}

bool HeadParser::parseHeaderLine(std::string_view line) {
  if (line.front() == ' ' || line.front() == '\t') {
    return fail(400, "Malformed header: obsolete line folding");
  }
  const size_t colon = line.find(':');
  if (colon == std::string_view::npos || !isToken(line.substr(0, colon))) {
    return fail(400, "Malformed header line");
  }
  const auto value = trimSpaces(line.substr(colon + 1));
  if (!isFieldValue(value)) {
    return fail(400, "Malformed header value");
  }
  if (head_.headers.size() >= limits_.max_header_count) {
    return fail(431, "Too many header fields");
  }
  head_.headers.emplace_back(lowerCase(line.substr(0, colon)), std::string(value));
  return true;
}

// The message framing the headers declare (RFC 9112 6): a body length, chunked, or neither.
bool HeadParser::finishHead() {
  std::vector<std::string> codings;
  std::optional<uint64_t> length;
  int hosts = 0;
  head_.keep_alive = head_.minor_version >= 1;
  for (const auto& [name, value] : head_.headers) {
    if (name == "transfer-encoding") {
      for (auto& c : listMembers(value)) {
        codings.push_back(std::move(c));
      }
    } else if (name == "content-length" && !readContentLength(value, length)) {
      return false;
    } else if (name == "connection") {
      for (const auto& token : listMembers(value)) {
        if (token == "close") {
          head_.keep_alive = false;
        } else if (token == "keep-alive" && head_.minor_version == 0) {
          head_.keep_alive = true;
        }
      }
    } else if (name == "expect") {
      head_.expect_continue = head_.minor_version >= 1 && lowerCase(value) == "100-continue";
    } else if (name == "host") {
      ++hosts;
    }
  }
  if (hosts > 1) {
    return fail(400, "More than one Host header");
  }
  if (!codings.empty() && !acceptCodings(codings, length.has_value())) {
    return false;
  }
  head_.content_length = length;
  state_ = State::Complete;
  return true;
}

// Digits only; several Content-Length headers must agree. A value too long to be a number of
// bytes we could accept is "too large", not malformed.
bool HeadParser::readContentLength(std::string_view value, std::optional<uint64_t>& length) {
  const auto v = parseDigits(value);
  if (!v) {
    const bool huge = value.size() > kMaxContentLengthDigits &&
                      std::all_of(value.begin(), value.end(),
                                  [](char c) { return c >= '0' && c <= '9'; });
    return huge ? fail(413, "Request body too large") : fail(400, "Malformed Content-Length");
  }
  if (length && *length != *v) {
    return fail(400, "Conflicting Content-Length headers");
  }
  length = v;
  return true;
}

// Only "chunked", once: any other coding is not implemented (501); chunked with a length, in
// HTTP/1.0, or twice is a framing two parsers could read differently (400).
bool HeadParser::acceptCodings(const std::vector<std::string>& codings, bool has_length) {
  if (has_length) {
    return fail(400, "Both Content-Length and Transfer-Encoding");
  }
  if (head_.minor_version == 0) {
    return fail(400, "Transfer-Encoding in an HTTP/1.0 request");
  }
  for (const auto& c : codings) {
    if (c != "chunked") {
      std::string shown = c.substr(0, 64);
      std::replace_if(shown.begin(), shown.end(), [](char ch) { return ch < 0x20 || ch > 0x7e; }, '?');
      return fail(501, "Transfer coding not supported: " + shown);
    }
  }
  if (codings.size() > 1) {
    return fail(400, "Malformed Transfer-Encoding");
  }
  head_.chunked = true;
  return true;
}

const char* reasonPhrase(int status) {
  switch (status) {
    case 100: return "Continue";
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 304: return "Not Modified";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    case 505: return "HTTP Version Not Supported";
    default: return "Unknown";
  }
}

}  // namespace hs::http
