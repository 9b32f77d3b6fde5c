#include "homeserver/http/chunked_decoder.h"

#include "homeserver/http/request.h"

namespace hs::http {

namespace {
constexpr int kMaxSizeDigits = 15;                // 2^60: far above any body limit
constexpr size_t kMaxExtensionBytes = 16 * 1024;  // chunk extensions of a whole body
constexpr size_t kMaxTrailerBytes = 16 * 1024;
}  // namespace

void ChunkedDecoder::fail(int status, std::string message) {
  state_ = State::Failed;
  error_status_ = status;
  error_ = std::move(message);
}

void ChunkedDecoder::sizeByte(char c) {
  const int d = hexDigitValue(c);
  if (d >= 0) {
    if (++size_digits_ > kMaxSizeDigits) {
      fail(413, "Request body too large");
      return;
    }
    chunk_size_ = chunk_size_ * 16 + static_cast<uint64_t>(d);
    return;
  }
  if (size_digits_ == 0) {
    fail(400, "Malformed chunk size");
  } else if (c == '\r') {
    step_ = Step::SizeLf;
  } else if (c == ';' || c == ' ' || c == '\t') {
    step_ = Step::Extension;  // chunk extensions mean nothing to us: skipped
  } else {
    fail(400, "Malformed chunk size");
  }
}

// The size line is complete: refuse a chunk that would pass the limit before reading it.
void ChunkedDecoder::startChunk() {
  if (chunk_size_ > max_body_ - decoded_) {
    fail(413, "Request body too large");
    return;
  }
  decoded_ += chunk_size_;
  chunk_left_ = chunk_size_;
  step_ = chunk_size_ == 0 ? Step::TrailerStart : Step::Data;
  chunk_size_ = 0;
  size_digits_ = 0;
}

void ChunkedDecoder::framingByte(char c) {
  switch (step_) {
    case Step::Size:
      sizeByte(c);
      return;
    case Step::Extension:
      if (c == '\r') {
        step_ = Step::SizeLf;
      } else if (c == '\n' || ++extension_bytes_ > kMaxExtensionBytes) {
        fail(400, "Malformed chunk extension");
      }
      return;
    case Step::SizeLf:
      c == '\n' ? startChunk() : fail(400, "Malformed chunk size line");
      return;
    case Step::Data:
      return;  // handled in feed()
    case Step::DataCr:
      c == '\r' ? void(step_ = Step::DataLf) : fail(400, "Chunk data longer than its size");
      return;
    case Step::DataLf:
      c == '\n' ? void(step_ = Step::Size) : fail(400, "Malformed chunk ending");
      return;
    case Step::TrailerStart:  // a trailer line, or the CRLF that ends the body
      if (c == '\r') {
        step_ = Step::EndLf;
        return;
      }
      step_ = Step::Trailer;
      [[fallthrough]];
    case Step::Trailer:
      if (++trailer_bytes_ > kMaxTrailerBytes) {
        fail(431, "Request trailer fields too large");
      } else if (c == '\r') {
        step_ = Step::TrailerLf;
      } else if (c == '\n') {
        fail(400, "Malformed trailer line");
      }
      return;
    case Step::TrailerLf:
      c == '\n' ? void(step_ = Step::TrailerStart) : fail(400, "Malformed trailer line");
      return;
    case Step::EndLf:
      c == '\n' ? void(state_ = State::Done) : fail(400, "Malformed end of chunked body");
      return;
  }
}

}  // namespace hs::http
