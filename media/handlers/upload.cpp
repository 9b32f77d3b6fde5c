#include "homeserver/core/json.h"
#include "media/content_types.h"
#include "media/handlers/handlers.h"
#include "media/media_ids.h"

namespace hs::media {

namespace {
Upload uploadOf(const Request& req) {
  auto filename = req.queryParam("filename");
  if (filename && filename->empty()) {
    filename.reset();
  }
  return Upload{uploadedContentType(req.header("content-type")), std::move(filename), req.body};
}

Response contentUri(const MediaKey& key, std::optional<int64_t> unused_expires_at = {}) {
  json::Writer w;
  w.startObject().key("content_uri").string(mxcUri(key));
  if (unused_expires_at) {
    w.key("unused_expires_at").integer(*unused_expires_at);
  }
  w.endObject();
  return Response::json(200, w.take());
}
}  // namespace

// POST /_matrix/media/v3/upload
Response postUpload(Request& req, const Requester& who, MediaContext& ctx) {
  const MediaRecord r = ctx.media.upload(who.userId(), uploadOf(req));
  ctx.thumbnails.pregenerate(r);
  return contentUri(r.key);
}

// POST /_matrix/media/v1/create
Response postCreate(Request&, const Requester& who, MediaContext& ctx) {
  const Reservation r = ctx.media.create(who.userId());
  return contentUri(r.key, r.unused_expires_at);
}

// PUT /_matrix/media/v3/upload/{serverName}/{mediaId}
Response putUpload(Request& req, const Requester& who, MediaContext& ctx) {
  const MediaKey key{req.pathParam("serverName"), req.pathParam("mediaId")};
  const MediaRecord r = ctx.media.uploadTo(who.userId(), key, uploadOf(req));
  ctx.thumbnails.pregenerate(r);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v1/media/config
Response getConfig(Request&, const Requester&, MediaContext& ctx) {
  json::Writer w;
  w.startObject().key("m.upload.size").integer(ctx.config.media.max_upload_size).endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::media
