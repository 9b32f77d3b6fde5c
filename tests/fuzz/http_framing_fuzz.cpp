// The HTTP framing guard: Parley's request-head parser and chunked decoder (homeserver/http/)
// on arbitrary bytes. Properties: no crash or sanitizer report; the same result whether the
// bytes arrive whole or split where the input says (the parsers are incremental, and a
// client chooses the splits); a complete head is well-formed (a token method, an origin-form
// or "*" target, lower-case token header names, values without CR, LF or NUL, framing that
// is either chunked or a length, never both); a chunked body never decodes past its limit
// and what it hands on adds up to what it counted.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "homeserver/http/chunked_decoder.h"
#include "homeserver/http/request_parser.h"

namespace {

using hs::http::ChunkedDecoder;
using hs::http::HeadParser;

void require(bool ok) {
  if (!ok) {
    __builtin_trap();
  }
}

bool isToken(const std::string& s) {
  if (s.empty()) {
    return false;
  }
  for (const unsigned char c : s) {
    if (c <= 0x20 || c >= 0x7f || std::string_view("\"(),/:;<=>?@[\\]{}").find(static_cast<char>(c)) !=
                                      std::string_view::npos) {
      return false;
    }
  }
  return true;
}

struct HeadResult {
  HeadParser::State state;
  size_t used;
  hs::http::RequestHead head;
  int status;
};

// Feeds `in` in pieces of `step` bytes (0: whole).
HeadResult parseHead(std::string_view in, size_t step) {
  hs::http::HeadLimits limits;
  limits.max_request_line = 512;
  limits.max_header_block = 2048;
  limits.max_header_count = 16;
  HeadParser p(limits);
  size_t used = 0;
  const size_t n = step == 0 ? in.size() : step;
  for (size_t off = 0; off < in.size() && p.state() == HeadParser::State::Incomplete; off += n) {
    const std::string_view piece = in.substr(off, n);
    const size_t took = p.feed(piece);
    require(took <= piece.size());
    used += took;
    if (took < piece.size()) {
      break;  // the parser stops at the end of the head or at a refusal
    }
  }
  return HeadResult{p.state(), used, p.head(), p.error().status};
}

void checkHead(const hs::http::RequestHead& h) {
  require(isToken(h.method));
  require(h.target == "*" || (!h.target.empty() && h.target[0] == '/'));
  require(!(h.chunked && h.content_length));
  for (const auto& [name, value] : h.headers) {
    require(isToken(name));
    for (const char c : name) {
      require(c < 'A' || c > 'Z');
    }
    require(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
  }
}

struct BodyResult {
  ChunkedDecoder::State state;
  size_t used;
  std::string data;
};

BodyResult decodeBody(std::string_view in, size_t step, uint64_t limit) {
  ChunkedDecoder d(limit);
  std::string data;
  size_t used = 0;
  const size_t n = step == 0 ? in.size() : step;
  for (size_t off = 0; off < in.size() && d.state() == ChunkedDecoder::State::Body; off += n) {
    used += d.feed(in.substr(off, n), [&](std::string_view piece) { data.append(piece); });
  }
  // decodedBytes() counts each chunk when its size line is accepted: the data handed on is
  // never more, and all of it once the body is done.
  require(data.size() <= d.decodedBytes());
  require(d.state() != ChunkedDecoder::State::Done || data.size() == d.decodedBytes());
  require(d.decodedBytes() <= limit);
  return BodyResult{d.state(), used, std::move(data)};
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) {
    return 0;
  }
  const size_t step = 1 + data[0] % 16;  // the first byte chooses how the rest is split
  const uint64_t limit = data[1] * 16u;
  const std::string_view in(reinterpret_cast<const char*>(data) + 2, size - 2);

  const HeadResult whole = parseHead(in, 0);
  const HeadResult split = parseHead(in, step);
  require(whole.state == split.state);
  if (whole.state == HeadParser::State::Failed) {
    require(whole.status == split.status);  // how much was read before a refusal is moot
    return 0;
  }
  require(whole.used == split.used);
  if (whole.state == HeadParser::State::Complete) {
    checkHead(whole.head);
    require(whole.head.method == split.head.method && whole.head.target == split.head.target &&
            whole.head.headers == split.head.headers);
  }
  // What follows the head (or the whole input) as a chunked body.
  const std::string_view rest = whole.state == HeadParser::State::Complete ? in.substr(whole.used) : in;
  const BodyResult a = decodeBody(rest, 0, limit);
  const BodyResult b = decodeBody(rest, step, limit);
  require(a.state == b.state && a.used == b.used && a.data == b.data);
  return 0;
}
