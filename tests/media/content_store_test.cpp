#include "media/content_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "homeserver/core/digest.h"
#include "homeserver/core/random.h"

namespace hs::media {
namespace {

namespace fs = std::filesystem;

class ContentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::SodiumRandom random;
    root_ = fs::temp_directory_path() / ("parley-store-" + random.alnum(8));
  }
  void TearDown() override { fs::remove_all(root_); }
  size_t filesUnder(const std::string& sub) const {
    size_t n = 0;
    for (const auto& e : fs::recursive_directory_iterator(root_ / sub)) {
      n += e.is_regular_file() ? 1 : 0;
    }
    return n;
  }
  static std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path root_;
};

TEST_F(ContentStoreTest, StoresUnderTheSha256WithBothChecksums) {
  ContentStore store(root_.string());
  const StoredContent c = store.put("hello");
  EXPECT_EQ(c.sha256, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(c.md5, "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(c.size, 5);
  EXPECT_FALSE(c.already_stored);
  const std::string path = store.contentPath(c.sha256);
  EXPECT_EQ(path, (root_ / "content/2c/f2" / c.sha256).string());
  EXPECT_EQ(read(path), "hello");
}

// Past the size where hashing runs beside the write, and across several 4 MiB pieces with a
// partial last one: the digests are those of the whole content, and the file is the content.
TEST_F(ContentStoreTest, LargeContentIsHashedWhileItIsWritten) {
  ContentStore store(root_.string());
  std::string big(9 * 1024 * 1024 + 12345, '\0');
  for (size_t i = 0; i < big.size(); ++i) {
    big[i] = static_cast<char>((i * 2654435761u) >> 13);
  }
  const StoredContent c = store.put(big);
  EXPECT_EQ(c.sha256, core::toHex(core::sha256(big)));
  EXPECT_EQ(c.md5, core::toHex(core::md5(big)));
  EXPECT_EQ(c.size, static_cast<int64_t>(big.size()));
  EXPECT_EQ(read(store.contentPath(c.sha256)), big);
  EXPECT_TRUE(store.put(big).already_stored);
  EXPECT_EQ(filesUnder("tmp"), 0u);
}

TEST_F(ContentStoreTest, IdenticalContentIsStoredOnce) {
  ContentStore store(root_.string());
  store.put("same bytes");
  const StoredContent again = store.put("same bytes");
  store.put("other bytes");
  EXPECT_TRUE(again.already_stored);
  EXPECT_EQ(filesUnder("content"), 2u);
  EXPECT_EQ(filesUnder("tmp"), 0u);  // nothing half-written left behind
}

TEST_F(ContentStoreTest, LeftoverTemporaryFilesAreRemovedAtStart) {
  { ContentStore store(root_.string()); }
  std::ofstream(root_ / "tmp" / "write-crashed") << "partial";
  ContentStore store(root_.string());
  EXPECT_EQ(filesUnder("tmp"), 0u);
}

TEST_F(ContentStoreTest, PathsAreBuiltOnlyFromDigestsAndOurNames) {
  ContentStore store(root_.string());
  EXPECT_THROW(store.contentPath("../../etc/passwd"), std::logic_error);
  EXPECT_THROW(store.contentPath(std::string(64, 'G')), std::logic_error);
  const std::string sha(64, 'a');
  EXPECT_THROW(store.thumbnailPath(sha, "../x"), std::logic_error);
  EXPECT_THROW(store.thumbnailPath(sha, ".hidden"), std::logic_error);
  EXPECT_THROW(store.thumbnailPath(sha, "a/b"), std::logic_error);
  EXPECT_EQ(store.thumbnailPath(sha, "96x96-crop.png"),
            (root_ / "thumbnails/aa/aa" / sha / "96x96-crop.png").string());
}

TEST_F(ContentStoreTest, ThumbnailsAreWrittenAtomicallyBesideTheirContent) {
  ContentStore store(root_.string());
  const StoredContent c = store.put("image bytes");
  store.putThumbnail(c.sha256, "32x32-crop.png", "thumb");
  EXPECT_EQ(read(store.thumbnailPath(c.sha256, "32x32-crop.png")), "thumb");
  EXPECT_TRUE(ContentStore::exists(store.thumbnailPath(c.sha256, "32x32-crop.png")));
  EXPECT_FALSE(ContentStore::exists(store.thumbnailPath(c.sha256, "96x96-crop.png")));
  EXPECT_EQ(filesUnder("tmp"), 0u);
}

}  // namespace
}  // namespace hs::media
