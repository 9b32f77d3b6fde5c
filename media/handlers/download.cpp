#include <stdexcept>

#include "media/content_store.h"
#include "media/content_types.h"
#include "media/handlers/deferred.h"
#include "media/handlers/handlers.h"
#include "media/serving.h"

namespace hs::media {

namespace {
// The optional trailing {fileName} segment; matrix-nio 0.20 sends an empty one.
std::optional<std::string> fileNameOf(const Request& req) {
  const auto it = req.path_params.find("fileName");
  if (it == req.path_params.end() || it->second.empty()) {
    return std::nullopt;
  }
  return it->second;
}

Response download(Request& req, MediaContext& ctx, Access access) {
  const auto name_override = fileNameOf(req);
  return whenUploaded(req, ctx, access, [&ctx, access, name_override](const MediaRecord& r) {
    const ContentInfo& c = r.content.value();
    Response res;
    res.content_type = servedContentType(c.content_type);
    res.file_path = ctx.media.content().contentPath(c.sha256);  // streamed, never read whole
    if (!ContentStore::exists(res.file_path)) {  // a row without its bytes: lost data, not a 404
      throw std::runtime_error("content file missing: " + res.file_path);
    }
    res.header("Content-Disposition",
               contentDisposition(isInlineSafe(c.content_type), name_override ? name_override : c.upload_name));
    res.header("ETag", "\"" + c.sha256 + "\"");
    addSecurityHeaders(res, access == Access::Legacy);
    return res;
  });
}
}  // namespace

// GET /_matrix/media/v3/download/{serverName}/{mediaId}[/{fileName}]
Response getDownload(Request& req, const Requester&, MediaContext& ctx) {
  return download(req, ctx, Access::Legacy);
}

// GET /_matrix/client/v1/media/download/{serverName}/{mediaId}[/{fileName}]
Response getDownloadAuthed(Request& req, const Requester&, MediaContext& ctx) {
  return download(req, ctx, Access::Authenticated);
}

}  // namespace hs::media
