// A full media disk is a clear 507 whose text says so, not a bare 500, and leaves no partial
// file. The disk is "filled" with a file size limit on this process (RLIMIT_FSIZE: writes past
// it fail with EFBIG, as ENOSPC would on a full disk), which needs no mount or privileges.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <csignal>
#include <filesystem>

#include "tests/e2e/media_helpers.h"

namespace hs::test {
namespace {

class FileSizeLimit {
 public:
  explicit FileSizeLimit(rlim_t bytes) {
    std::signal(SIGXFSZ, SIG_IGN);  // or the write kills the process instead of failing
    getrlimit(RLIMIT_FSIZE, &saved_);
    rlimit small{bytes, saved_.rlim_max};
    setrlimit(RLIMIT_FSIZE, &small);
  }
  ~FileSizeLimit() { setrlimit(RLIMIT_FSIZE, &saved_); }

 private:
  rlimit saved_{};
};

TEST(MediaStorageFull, UploadAnswers507AndLeavesNothingBehind) {
  TestServer server;
  const std::string token = server.registerUser("full");
  HttpResult r;
  {
    const FileSizeLimit limit(64 * 1024);
    r = upload(server, token, std::string(300 * 1024, 'x'), "application/octet-stream");
  }
  EXPECT_EQ(r.status, 507) << r.body;
  EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_UNKNOWN"));
  EXPECT_NE(std::string(r.json()["error"].GetString()).find("storage is full"), std::string::npos) << r.body;
  const std::filesystem::path tmp = server.config().media.store_path + "/tmp";
  EXPECT_TRUE(std::filesystem::is_empty(tmp));
  // With room again, uploads work.
  EXPECT_FALSE(uploadId(server, token, std::string(300 * 1024, 'y'), "application/octet-stream").empty());
}

}  // namespace
}  // namespace hs::test
