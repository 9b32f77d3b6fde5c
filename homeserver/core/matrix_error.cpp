#include "homeserver/core/matrix_error.h"

#include "homeserver/core/json.h"

namespace hs::core {

// No `default:` so -Werror=switch catches an unmapped code.
ErrInfo infoFor(ErrCode code) noexcept {
  switch (code) {
    case ErrCode::Forbidden: return {"M_FORBIDDEN", 403};
    case ErrCode::UnknownToken: return {"M_UNKNOWN_TOKEN", 401};
    case ErrCode::MissingToken: return {"M_MISSING_TOKEN", 401};
    case ErrCode::NotJson: return {"M_NOT_JSON", 400};
    case ErrCode::BadJson: return {"M_BAD_JSON", 400};
    case ErrCode::MissingParam: return {"M_MISSING_PARAM", 400};
    case ErrCode::InvalidParam: return {"M_INVALID_PARAM", 400};
    case ErrCode::NotFound: return {"M_NOT_FOUND", 404};
    case ErrCode::LimitExceeded: return {"M_LIMIT_EXCEEDED", 429};
    case ErrCode::TooLarge: return {"M_TOO_LARGE", 413};
    case ErrCode::Unrecognized: return {"M_UNRECOGNIZED", 404};
    case ErrCode::Unknown: return {"M_UNKNOWN", 500};
    case ErrCode::UserInUse: return {"M_USER_IN_USE", 400};
    case ErrCode::InvalidUsername: return {"M_INVALID_USERNAME", 400};
    case ErrCode::Exclusive: return {"M_EXCLUSIVE", 400};
    case ErrCode::UserDeactivated: return {"M_USER_DEACTIVATED", 403};
    case ErrCode::WeakPassword: return {"M_WEAK_PASSWORD", 400};
    case ErrCode::ThreepidInUse: return {"M_THREEPID_IN_USE", 400};
    case ErrCode::ThreepidNotFound: return {"M_THREEPID_NOT_FOUND", 400};
    case ErrCode::ThreepidAuthFailed: return {"M_THREEPID_AUTH_FAILED", 401};
    case ErrCode::RoomInUse: return {"M_ROOM_IN_USE", 400};
    case ErrCode::UnsupportedRoomVersion: return {"M_UNSUPPORTED_ROOM_VERSION", 400};
    case ErrCode::IncompatibleRoomVersion: return {"M_INCOMPATIBLE_ROOM_VERSION", 400};
    case ErrCode::InvalidRoomState: return {"M_INVALID_ROOM_STATE", 400};
    case ErrCode::BadState: return {"M_BAD_STATE", 400};
    case ErrCode::GuestAccessForbidden: return {"M_GUEST_ACCESS_FORBIDDEN", 403};
    case ErrCode::DuplicateAnnotation: return {"M_DUPLICATE_ANNOTATION", 400};
    case ErrCode::NotYetUploaded: return {"M_NOT_YET_UPLOADED", 504};
    case ErrCode::CannotOverwriteMedia: return {"M_CANNOT_OVERWRITE_MEDIA", 409};
    case ErrCode::ServerNotTrusted: return {"M_SERVER_NOT_TRUSTED", 400};
    case ErrCode::Unauthorized: return {"M_UNAUTHORIZED", 401};
    case ErrCode::Unavailable: return {"M_UNKNOWN", 503};
    case ErrCode::BadAlias: return {"M_BAD_ALIAS", 400};
    case ErrCode::TokenIncorrect: return {"M_TOKEN_INCORRECT", 400};
    case ErrCode::SessionExpired: return {"M_SESSION_EXPIRED", 400};
    case ErrCode::InvalidSignature: return {"M_INVALID_SIGNATURE", 400};
    case ErrCode::WrongRoomKeysVersion: return {"M_WRONG_ROOM_KEYS_VERSION", 403};
  }
  return {"M_UNKNOWN", 500};
}

std::string errorBody(const MatrixError& e) {
  if (!e.customBody().empty()) {
    return e.customBody();
  }
  json::Writer w;
  w.startObject();
  w.key("errcode").string(e.errcode());
  w.key("error").string(e.what());
  for (const auto& [key, value] : e.extra()) {
    w.key(key).raw(value);
  }
  w.endObject();
  return w.take();
}

}  // namespace hs::core
