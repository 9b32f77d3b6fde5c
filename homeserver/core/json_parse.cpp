// Every JSON text the server reads is parsed here: RapidJSON's iterative parser (no recursion,
// whatever the input) feeding the document through a guard that refuses nesting deeper than
// kMaxDepth and, for client input, strings PostgreSQL cannot store.
#include <rapidjson/error/en.h>

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::json {

using core::ErrCode;
using core::MatrixError;

namespace {
// Numbers come as text and are converted here (GuardedHandler::number): RapidJSON 1.1.0's
// full-precision conversion has undefined behaviour for inputs like "0e94" (the fuzzer found
// it: clz of zero), and strtod is correctly rounded anyway.
constexpr unsigned kParseFlags = rapidjson::kParseValidateEncodingFlag |
                                 rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseIterativeFlag;

enum class Refusal { kNone, kTooDeep, kNul, kLoneSurrogate, kNumberTooBig };

// A lone UTF-16 surrogate escape decodes to the bytes ED A0..BF xx (CESU-8), which is not
// UTF-8. Raw bytes like that never get here: kParseValidateEncodingFlag refuses them.
bool hasSurrogate(const char* s, rapidjson::SizeType n) {
  for (rapidjson::SizeType i = 0; i + 1 < n; ++i) {
    if (static_cast<unsigned char>(s[i]) == 0xED && static_cast<unsigned char>(s[i + 1]) >= 0xA0) {
      return true;
    }
  }
  return false;
}

// Forwards the reader's events to the document, counting depth and checking strings.
class GuardedHandler {
 public:
  GuardedHandler(Document& doc, bool refuse_nul) : doc_(doc), refuse_nul_(refuse_nul) {}
  Refusal refusal() const { return refusal_; }

  bool Null() { return doc_.Null(); }
  bool Bool(bool b) { return doc_.Bool(b); }
  bool Int(int i) { return doc_.Int(i); }
  bool Uint(unsigned u) { return doc_.Uint(u); }
  bool Int64(int64_t i) { return doc_.Int64(i); }
  bool Uint64(uint64_t u) { return doc_.Uint64(u); }
  bool Double(double d) { return doc_.Double(d); }
  bool RawNumber(const char* s, rapidjson::SizeType n, bool) { return number(std::string_view(s, n)); }
  bool String(const char* s, rapidjson::SizeType n, bool copy) {
    return acceptable(s, n) && doc_.String(s, n, copy);
  }
  bool Key(const char* s, rapidjson::SizeType n, bool copy) {
    return acceptable(s, n) && doc_.Key(s, n, copy);
  }
  bool StartObject() { return enter() && doc_.StartObject(); }
  bool EndObject(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndObject(n);
  }
  bool StartArray() { return enter() && doc_.StartArray(); }
  bool EndArray(rapidjson::SizeType n) {
    --depth_;
    return doc_.EndArray(n);
  }

 private:
  bool enter() { return ++depth_ <= kMaxDepth || refuse(Refusal::kTooDeep); }
  // As RapidJSON types numbers: integers that fit 64 bits as such, everything else a double.
  bool number(std::string_view text) {
    if (text.find_first_of(".eE") == std::string_view::npos) {
      if (text.front() == '-') {
        int64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size()) {
          return doc_.Int64(v);
        }
      } else {
        uint64_t v = 0;
        const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
        if (ec == std::errc() && end == text.data() + text.size()) {
          return doc_.Uint64(v);
        }
      }
    }
    const std::string copy(text);  // strtod needs a terminator; the C locale is never changed
    const double d = std::strtod(copy.c_str(), nullptr);
    return std::isfinite(d) ? doc_.Double(d) : refuse(Refusal::kNumberTooBig);
  }
  bool acceptable(const char* s, rapidjson::SizeType n) {
    if (refuse_nul_ && std::char_traits<char>::find(s, n, '\0') != nullptr) {
      return refuse(Refusal::kNul);
    }
    return !hasSurrogate(s, n) || refuse(Refusal::kLoneSurrogate);
  }
  bool refuse(Refusal why) {
    refusal_ = why;
    return false;
  }
  Document& doc_;
  bool refuse_nul_;
  int depth_ = 0;
  Refusal refusal_ = Refusal::kNone;
};

struct Outcome {
  rapidjson::ParseResult result;
  Refusal refusal = Refusal::kNone;
  bool ok() const { return !result.IsError(); }
};

// The reader reads a MemoryStream directly: RapidJSON's EncodedInputStream for it skips any
// leading 0xEF, 0xBB and 0xBF bytes, each on its own, so "\xBB{}" parsed as {} (json_fuzz).
// A NUL byte is where a MemoryStream says the text ends, so "{}\0junk" would parse as {}: no
// JSON text contains one (inside strings they must be escaped), so it is refused up front.
Outcome parseInto(Document& doc, std::string_view text, bool refuse_nul) {
  Outcome out;
  if (const size_t nul = text.find('\0'); nul != std::string_view::npos) {
    out.result.Set(rapidjson::kParseErrorValueInvalid, nul);
    return out;
  }
  auto generate = [&](Document& target) {
    GuardedHandler handler(target, refuse_nul);
    rapidjson::MemoryStream in(text.data(), text.size());
    rapidjson::Reader reader;
    out.result = reader.Parse<kParseFlags>(in, handler);
    out.refusal = handler.refusal();
    return out.ok();
  };
  doc.Populate(generate);
  return out;
}

[[noreturn]] void throwFor(const Outcome& o) {
  switch (o.refusal) {
    case Refusal::kTooDeep:
      throw MatrixError(ErrCode::BadJson,
                        "JSON is nested more than " + std::to_string(kMaxDepth) + " levels deep");
    case Refusal::kNul:
      throw MatrixError(ErrCode::BadJson, "JSON strings must not contain NUL (\\u0000)");
    case Refusal::kLoneSurrogate:
      throw MatrixError(ErrCode::BadJson, "JSON strings must not contain lone UTF-16 surrogates");
    case Refusal::kNumberTooBig:
      throw MatrixError(ErrCode::NotJson, "Content not JSON: Number too big to be stored in double.");
    case Refusal::kNone:
      break;
  }
  throw MatrixError(ErrCode::NotJson,
                    std::string("Content not JSON: ") + rapidjson::GetParseError_En(o.result.Code()));
}

// Index just past the JSON string starting at text[i] (a '"'), or npos when unterminated.
size_t skipString(std::string_view text, size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index just past the JSON value starting at text[i], without recursion; npos when malformed.
// A scalar ends at the delimiter that follows it (trailing spaces are the caller's).
size_t skipValue(std::string_view text, size_t i) {
  int depth = 0;
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') {
      const size_t end = skipString(text, i);
      if (end == std::string_view::npos || depth == 0) {
        return end;
      }
      i = end - 1;
    } else if (c == '{' || c == '[') {
      ++depth;
    } else if (c == '}' || c == ']') {
      if (depth == 0) {
        return i;
      }
      if (--depth == 0) {
        return i + 1;
      }
    } else if (c == ',' && depth == 0) {
      return i;
    }
  }
  return depth == 0 ? i : std::string_view::npos;
}

size_t skipSpace(std::string_view text, size_t i) {
  while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r')) {
    ++i;
  }
  return i;
}

// Whether the raw key text (quotes included) names `key`.
bool keyMatches(std::string_view raw_key, std::string_view key) {
  const std::string_view inner = raw_key.substr(1, raw_key.size() - 2);
  if (inner.find('\\') == std::string_view::npos) {
    return inner == key;
  }
  const auto decoded = tryParse(raw_key);  // a lone string: no nesting to worry about
  return decoded && decoded->IsString() &&
         std::string_view(decoded->GetString(), decoded->GetStringLength()) == key;
}
}  // namespace

Document parseObject(std::string_view body, bool allow_empty) {
  Document doc;
  if (allow_empty && body.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    doc.SetObject();
    return doc;
  }
  doc = parseValue(body);
  if (!doc.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Request body must be a JSON object");
  }
  return doc;
}

Document parseValue(std::string_view text, Nul nul) {
  Document doc;
  const Outcome o = parseInto(doc, text, nul == Nul::kRefuse);
  if (!o.ok()) {
    throwFor(o);
  }
  return doc;
}

std::optional<Document> tryParse(std::string_view text) {
  Document doc;
  if (!parseInto(doc, text, false).ok()) {
    return std::nullopt;
  }
  return doc;
}

std::optional<std::string_view> rawMember(std::string_view object_text, std::string_view key) {
  size_t i = skipSpace(object_text, 0);
  if (i >= object_text.size() || object_text[i] != '{') {
    return std::nullopt;
  }
  for (i = skipSpace(object_text, i + 1); i < object_text.size() && object_text[i] == '"';) {
    const size_t key_end = skipString(object_text, i);
    if (key_end == std::string_view::npos) {
      return std::nullopt;
    }
    const std::string_view raw_key = object_text.substr(i, key_end - i);
    i = skipSpace(object_text, key_end);
    if (i >= object_text.size() || object_text[i] != ':') {
      return std::nullopt;
    }
    const size_t start = skipSpace(object_text, i + 1);
    const size_t end = skipValue(object_text, start);
    if (end == std::string_view::npos || end == start) {
      return std::nullopt;
    }
    if (keyMatches(raw_key, key)) {
      const std::string_view value = object_text.substr(start, end - start);
      return value.substr(0, value.find_last_not_of(" \t\n\r") + 1);
    }
    i = skipSpace(object_text, end);
    if (i < object_text.size() && object_text[i] == ',') {
      i = skipSpace(object_text, i + 1);
    }
  }
  return std::nullopt;
}

}  // namespace hs::json
