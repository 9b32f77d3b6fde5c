#pragma once
// The one error type a client can see: an errcode, a message and an HTTP status.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace hs::core {

enum class ErrCode {
  Forbidden,
  UnknownToken,
  MissingToken,
  NotJson,
  BadJson,
  MissingParam,
  InvalidParam,
  NotFound,
  LimitExceeded,
  TooLarge,
  Unrecognized,
  Unknown,
  UserInUse,
  InvalidUsername,
  Exclusive,
  UserDeactivated,
  WeakPassword,
  ThreepidInUse,
  ThreepidNotFound,
  ThreepidAuthFailed,
  RoomInUse,
  UnsupportedRoomVersion,
  IncompatibleRoomVersion,
  InvalidRoomState,
  BadState,
  GuestAccessForbidden,
  DuplicateAnnotation,
  NotYetUploaded,
  CannotOverwriteMedia,
  ServerNotTrusted,
  Unauthorized,
  Unavailable,
  BadAlias,
  TokenIncorrect,
  SessionExpired,
  InvalidSignature,
  WrongRoomKeysVersion,
};

struct ErrInfo {
  const char* errcode;
  int status;
};

ErrInfo infoFor(ErrCode code) noexcept;

class MatrixError : public std::runtime_error {
 public:
  MatrixError(ErrCode code, const std::string& message, std::optional<int> status = {})
      : std::runtime_error(message), code_(code), status_(status) {}
  ErrCode code() const noexcept { return code_; }
  const char* errcode() const noexcept { return infoFor(code_).errcode; }
  int httpStatus() const noexcept { return status_.value_or(infoFor(code_).status); }

  // Extra top-level members of the error body (soft_logout, retry_after_ms, UIA flows), each
  // a key and a JSON value text.
  using Extra = std::vector<std::pair<std::string, std::string>>;
  const Extra& extra() const noexcept { return extra_; }
  MatrixError& with(std::string key, std::string json_value) {
    extra_.emplace_back(std::move(key), std::move(json_value));
    return *this;
  }
  // Replaces the whole body: UIA's 401 carries flows and a session rather than an errcode.
  MatrixError& withBody(std::string json_body) {
    body_ = std::move(json_body);
    return *this;
  }
  const std::string& customBody() const noexcept { return body_; }
  // Also sets the Retry-After header (seconds, rounded up) on the response.
  std::optional<int64_t> retryAfterMs() const noexcept { return retry_after_ms_; }
  MatrixError& withRetryAfterMs(int64_t ms) {
    retry_after_ms_ = ms;
    return with("retry_after_ms", std::to_string(ms));
  }

 private:
  ErrCode code_;
  std::optional<int> status_;  // spec oddities only, e.g. 409 + M_UNKNOWN
  Extra extra_;
  std::string body_;
  std::optional<int64_t> retry_after_ms_;
};

// {"errcode":…,"error":…} plus any extra members.
std::string errorBody(const MatrixError& e);

}  // namespace hs::core
