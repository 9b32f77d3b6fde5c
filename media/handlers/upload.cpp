#include "homeserver/core/json.h"
#include "media/content_types.h"
#include "media/content_writer.h"
#include "media/handlers/handlers.h"
#include "media/media_ids.h"

namespace hs::media {

namespace {
UploadMeta metaOf(const Request& req) {
  auto filename = req.queryParam("filename");
  if (filename && filename->empty()) {
    filename.reset();
  }
  return UploadMeta{uploadedContentType(req.header("content-type")), std::move(filename)};
}

// An upload's body, written to the content store as it arrives; `done` records the stored
// content and makes the response.
class UploadSink final : public http::BodySink {
 public:
  using Done = std::function<Response(const StoredContent&)>;
  UploadSink(ContentStore& store, Done done) : writer_(store.writer()), done_(std::move(done)) {}
  void write(std::string_view piece) override { writer_->write(piece); }
  Response finish() override { return done_(writer_->commit()); }

 private:
  std::unique_ptr<ContentWriter> writer_;  // its file is removed unless finish() commits it
  Done done_;
};

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

// POST /_matrix/media/v3/upload (the body streams to disk as it arrives)
std::unique_ptr<http::BodySink> postUpload(Request& req, const Requester& who, MediaContext& ctx) {
  UploadMeta meta = metaOf(req);
  ctx.media.admitUpload(who.userId(), meta);
  return std::make_unique<UploadSink>(
      ctx.media.content(), [&ctx, user = who.userId(), meta](const StoredContent& c) {
        const MediaRecord r = ctx.media.recordUpload(user, meta, c);
        ctx.thumbnails.pregenerate(r);
        return contentUri(r.key);
      });
}

// POST /_matrix/media/v1/create
Response postCreate(Request&, const Requester& who, MediaContext& ctx) {
  const Reservation r = ctx.media.create(who.userId());
  return contentUri(r.key, r.unused_expires_at);
}

// PUT /_matrix/media/v3/upload/{serverName}/{mediaId} (streamed, as POST /upload)
std::unique_ptr<http::BodySink> putUpload(Request& req, const Requester& who, MediaContext& ctx) {
  const MediaKey key{req.pathParam("serverName"), req.pathParam("mediaId")};
  UploadMeta meta = metaOf(req);
  ctx.media.admitUploadTo(who.userId(), key, meta);
  return std::make_unique<UploadSink>(
      ctx.media.content(), [&ctx, user = who.userId(), key, meta](const StoredContent& c) {
        const MediaRecord r = ctx.media.recordUploadTo(user, key, meta, c);
        ctx.thumbnails.pregenerate(r);
        return Response::json(200, "{}");
      });
}

// GET /_matrix/client/v1/media/config
Response getConfig(Request&, const Requester&, MediaContext& ctx) {
  json::Writer w;
  w.startObject().key("m.upload.size").integer(ctx.config.media.max_upload_size).endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::media
