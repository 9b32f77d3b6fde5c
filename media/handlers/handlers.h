#pragma once
// Media handlers: parse the request, call the media or thumbnail service, render. One
// function per endpoint, <httpVerb><SpecThing>; the legacy /_matrix/media/* download and
// thumbnail endpoints and their authenticated /_matrix/client/v1/media/* twins share code.
#include <memory>

#include "homeserver/http/route_table.h"
#include "media/media_context.h"

namespace hs::media {

using http::Request;
using http::Requester;
using http::Response;

// upload.cpp: uploads stream their bodies to the content store (http::BodySink)
std::unique_ptr<http::BodySink> postUpload(Request& req, const Requester& who, MediaContext& ctx);
Response postCreate(Request& req, const Requester& who, MediaContext& ctx);
std::unique_ptr<http::BodySink> putUpload(Request& req, const Requester& who, MediaContext& ctx);
Response getConfig(Request& req, const Requester& who, MediaContext& ctx);

// download.cpp
Response getDownload(Request& req, const Requester& who, MediaContext& ctx);
Response getDownloadAuthed(Request& req, const Requester& who, MediaContext& ctx);

// thumbnail.cpp
Response getThumbnail(Request& req, const Requester& who, MediaContext& ctx);
Response getThumbnailAuthed(Request& req, const Requester& who, MediaContext& ctx);
Response getPreviewUrl(Request& req, const Requester& who, MediaContext& ctx);

}  // namespace hs::media
