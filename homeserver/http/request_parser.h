#pragma once
// Parley's own incremental parser of an HTTP/1.1 request head (RFC 9112): the request line and
// the header fields, up to the blank line that ends them. Bytes are fed as they arrive, each
// one looked at once, so a head that arrives a byte at a time costs what one that arrives
// whole does. Caps are checked before anything is kept: a request line or a header block past
// its cap is refused as soon as the cap is crossed, never buffered.
//
// Strict where leniency lets two parsers disagree about where a message ends (request
// smuggling): bare CR or LF, obs-fold, whitespace before a colon, Content-Length that is not
// digits, both Content-Length and Transfer-Encoding, or differing Content-Lengths are all
// refused with 400 and the connection is closed.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace hs::http {

struct HeadLimits {
  size_t max_request_line = 8 * 1024;   // method, target and version, without CRLF
  size_t max_header_block = 32 * 1024;  // every header line, CRLFs included
  size_t max_header_count = 128;
};

// Why a request's framing was refused; the connection is answered with `status` and closed.
struct FramingError {
  int status = 400;  // 400, 413, 414, 431, 501 or 505
  std::string message;
};

struct RequestHead {
  std::string method;
  std::string target;  // origin-form ("/path?query"), or "*"; an absolute-form is reduced to it
  int minor_version = 1;  // HTTP/1.<minor>
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, values trimmed
  std::optional<uint64_t> content_length;
  bool chunked = false;
  bool keep_alive = true;
  bool expect_continue = false;

  bool hasBody() const { return chunked || content_length.value_or(0) > 0; }
};

class HeadParser {
 public:
  enum class State { Incomplete, Complete, Failed };

  explicit HeadParser(HeadLimits limits = {}) : limits_(limits) {}
  // Consumes bytes of the head from `in` and returns how many it used: never any byte after the
  // blank line that ends the head, nor any after a refusal.
  size_t feed(std::string_view in);
  State state() const { return state_; }
  // A byte of this request has arrived (blank lines before a request line count).
  bool started() const { return started_; }
  RequestHead& head() { return head_; }  // once Complete
  const FramingError& error() const { return error_; }  // once Failed
  void reset();

 private:
  bool onLine(std::string_view line);
  bool parseRequestLine(std::string_view line);
  bool parseHeaderLine(std::string_view line);
  bool finishHead();
  bool readContentLength(std::string_view value, std::optional<uint64_t>& length);
  bool acceptCodings(const std::vector<std::string>& codings, bool has_length);
  bool fail(int status, std::string message);

  HeadLimits limits_;
  State state_ = State::Incomplete;
  bool started_ = false;
  bool in_request_line_ = true;
  size_t request_line_bytes_ = 0;  // blank lines before it included
  size_t header_bytes_ = 0;
  std::string line_;  // the line being read, without its line ending
  RequestHead head_;
  FramingError error_;
};

// Reason phrases of the statuses the server sends ("OK", "Not Found").
const char* reasonPhrase(int status);

}  // namespace hs::http
