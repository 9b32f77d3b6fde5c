#pragma once
// A bounded decoder of the chunked transfer coding (RFC 9112 7.1). A state machine that looks
// at each byte once and keeps nothing but a few counters: chunk data is handed on as slices of
// the input, extensions and trailers are skipped (within caps), and a chunk that would take
// the body past its limit is refused when its size line arrives, before any of its data.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace hs::http {

class ChunkedDecoder {
 public:
  enum class State { Body, Done, Failed };

  explicit ChunkedDecoder(uint64_t max_body) : max_body_(max_body) {}

  // Decodes from `in`, calling `on_data(std::string_view)` with each piece of chunk data in
  // order, and returns how many bytes it used: it stops at the end of the body (the bytes after
  // it are the next request's) or at a refusal.
  template <typename OnData>
  size_t feed(std::string_view in, OnData&& on_data) {
    size_t used = 0;
    while (used < in.size() && state_ == State::Body) {
      if (step_ == Step::Data) {
        const size_t n = static_cast<size_t>(
            std::min<uint64_t>(chunk_left_, static_cast<uint64_t>(in.size() - used)));
        on_data(in.substr(used, n));
        used += n;
        chunk_left_ -= n;
        if (chunk_left_ == 0) {
          step_ = Step::DataCr;
        }
        continue;
      }
      framingByte(in[used++]);
    }
    return used;
  }

  State state() const { return state_; }
  int errorStatus() const { return error_status_; }  // 400 or 413, once Failed
  const std::string& error() const { return error_; }
  // The body's size so far: every chunk whose size line has been accepted, counted whole.
  uint64_t decodedBytes() const { return decoded_; }

 private:
  enum class Step { Size, Extension, SizeLf, Data, DataCr, DataLf, TrailerStart, Trailer, TrailerLf,
                    EndLf };
  void framingByte(char c);
  void sizeByte(char c);
  void startChunk();
  void fail(int status, std::string message);

  uint64_t max_body_;
  State state_ = State::Body;
  Step step_ = Step::Size;
  uint64_t chunk_size_ = 0;
  uint64_t chunk_left_ = 0;
  uint64_t decoded_ = 0;
  int size_digits_ = 0;
  size_t extension_bytes_ = 0;  // over the whole body
  size_t trailer_bytes_ = 0;
  int error_status_ = 0;
  std::string error_;
};

}  // namespace hs::http
