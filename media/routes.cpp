#include "media/routes.h"

#include "media/handlers/handlers.h"

namespace hs::media {

using http::Auth;
using http::Method;

void addMediaRoutes(http::RouteTable& t, MediaContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, MediaContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  auto streamed = [&ctx](std::unique_ptr<http::BodySink> (*fn)(Request&, const Requester&, MediaContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  const int64_t upload_limit = ctx.config.media.max_upload_size;
  const Auth token = Auth::AccessToken;
  // The legacy prefix and its r0 alias: matrix-nio 0.20 knows only /_matrix/media/r0.
  for (const std::string legacy : {"/_matrix/media/v3", "/_matrix/media/r0"}) {
    t.addStreaming(Method::Post, legacy + "/upload", token, streamed(postUpload)).max_body = upload_limit;
    t.add(Method::Get, legacy + "/config", token, h(getConfig));
    t.add(Method::Get, legacy + "/download/:serverName/:mediaId", Auth::None, h(getDownload));
    t.add(Method::Get, legacy + "/download/:serverName/:mediaId/:fileName", Auth::None, h(getDownload));
    t.add(Method::Get, legacy + "/thumbnail/:serverName/:mediaId", Auth::None, h(getThumbnail));
    t.add(Method::Get, legacy + "/preview_url", token, h(getPreviewUrl));
  }
  t.addStreaming(Method::Put, "/_matrix/media/v3/upload/:serverName/:mediaId", token,
                 streamed(putUpload))
      .max_body = upload_limit;
  t.add(Method::Post, "/_matrix/media/v1/create", token, h(postCreate));

  const std::string v1 = "/_matrix/client/v1/media";
  t.add(Method::Get, v1 + "/config", token, h(getConfig));
  t.add(Method::Get, v1 + "/download/:serverName/:mediaId", token, h(getDownloadAuthed));
  t.add(Method::Get, v1 + "/download/:serverName/:mediaId/:fileName", token, h(getDownloadAuthed));
  t.add(Method::Get, v1 + "/thumbnail/:serverName/:mediaId", token, h(getThumbnailAuthed));
  t.add(Method::Get, v1 + "/preview_url", token, h(getPreviewUrl));
}

}  // namespace hs::media
