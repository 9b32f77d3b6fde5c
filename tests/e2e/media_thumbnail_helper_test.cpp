// The thumbnailer helper process failing over real HTTP: a decoder that crashes costs that
// one thumbnail, answered with the spec's 400, and the server goes on serving.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "homeserver/core/random.h"
#include "tests/e2e/media_helpers.h"

namespace hs::test {
namespace {

namespace fs = std::filesystem;

TEST(MediaThumbnailHelper, ACrashingDecoderIsA400AndTheServerLivesOn) {
  core::SodiumRandom random;
  const fs::path dir = fs::temp_directory_path() / ("parley-crashing-helper-" + random.alnum(8));
  fs::create_directories(dir);
  const fs::path helper = dir / "parley-thumbnailer";
  std::ofstream(helper) << "#!/bin/sh\nkill -SEGV $$\n";
  fs::permissions(helper, fs::perms::owner_all);
  {
    TestServer server([&](config::Config& c) { c.media.thumbnailer_path = helper.string(); });
    const std::string token = server.registerUser("crashes");
    const std::string id = uploadId(server, token, makeImage(400, 300, ".png"), "image/png");
    const auto r = mediaRequest(server, "GET",
                                "/_matrix/client/v1/media/thumbnail/localhost/" + id +
                                    "?width=97&height=97&method=crop",
                                "", token);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("M_UNKNOWN"), std::string::npos) << r.body;
    EXPECT_EQ(server.get("/_matrix/client/versions").status, 200);
    // The original is still served: only thumbnails depend on the helper.
    EXPECT_EQ(mediaRequest(server, "GET", "/_matrix/client/v1/media/download/localhost/" + id, "",
                           token).status,
              200);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace hs::test
