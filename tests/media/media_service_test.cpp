#include "media/media_service.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <list>
#include <map>

#include "homeserver/core/matrix_error.h"
#include "media/media_ids.h"

namespace hs::media {
namespace {

namespace fs = std::filesystem;

// An in-memory MediaStore with the same rules as the SQL.
class FakeMediaStore final : public MediaStore {
 public:
  void insertUploaded(const MediaRecord& r) override { rows[id(r.key)] = r; }
  void insertReservation(const MediaRecord& r) override { rows[id(r.key)] = r; }
  int countPending(const std::string& uploader, int64_t now) override {
    int n = 0;
    for (const auto& [k, r] : rows) {
      n += r.uploader == uploader && !r.content && r.unused_expires_at.value_or(0) > now;
    }
    return n;
  }
  FillResult fillReservation(const MediaKey& key, const std::string& uploader, const ContentInfo& c,
                             int64_t now) override {
    auto it = rows.find(id(key));
    if (it == rows.end()) {
      return FillResult::NotFound;
    }
    if (it->second.uploader != uploader) {
      return FillResult::NotOwner;
    }
    if (it->second.content) {
      return FillResult::AlreadyUploaded;
    }
    if (it->second.unused_expires_at.value_or(0) <= now) {
      return FillResult::Expired;
    }
    it->second.content = c;
    return FillResult::Filled;
  }
  std::optional<MediaRecord> find(const MediaKey& key) override {
    auto it = rows.find(id(key));
    return it == rows.end() ? std::nullopt : std::optional(it->second);
  }
  void linkEvent(const std::string& event_id, const std::string& room_id,
                 const std::vector<MediaRef>& refs) override {
    if (fail_links) {
      throw std::runtime_error("database down");
    }
    for (const auto& ref : refs) {
      if (rows.count(id(ref.key))) {
        links[id(ref.key)].push_back({event_id, room_id, ref.field});
      }
    }
  }
  std::vector<EventRef> eventsReferencing(const MediaKey& key) override { return links[id(key)]; }

  static std::string id(const MediaKey& k) { return k.origin + "/" + k.media_id; }
  std::map<std::string, MediaRecord> rows;
  std::map<std::string, std::vector<EventRef>> links;
  bool fail_links = false;
};

class MediaServiceTest : public ::testing::Test {
 protected:
  MediaServiceTest()
      : root_(fs::temp_directory_path() / ("parley-media-" + random_.alnum(8))),
        content_(root_.string()), service_(config(), store_, content_, uploads_, random_, clock_) {}
  ~MediaServiceTest() override { fs::remove_all(root_); }
  const config::Config& config() {
    config_.server_name = "hs.test";
    config_.rate_limits.enabled = false;
    return config_;
  }
  static void expectError(const std::function<void()>& fn, int status, const char* errcode) {
    try {
      fn();
      ADD_FAILURE() << "expected " << errcode;
    } catch (const core::MatrixError& e) {
      EXPECT_EQ(e.httpStatus(), status);
      EXPECT_STREQ(e.errcode(), errcode);
    }
  }
  Upload upload(const std::string& body, std::optional<std::string> name = {}) {
    bodies_.push_back(body);
    return Upload{"image/png", std::move(name), bodies_.back()};
  }

  core::SodiumRandom random_;
  core::ManualClock clock_{1'700'000'000'000};
  config::Config config_;
  fs::path root_;
  FakeMediaStore store_;
  ContentStore content_;
  streams::Notifier uploads_;
  MediaService service_;
  std::list<std::string> bodies_;
  const core::UserId alice_ = core::UserId::parse("@alice:hs.test");
  const core::UserId bob_ = core::UserId::parse("@bob:hs.test");
};

TEST_F(MediaServiceTest, UploadStoresARowWithChecksumsAndFileType) {
  const MediaRecord r = service_.upload(alice_, upload("pixels", "cat.png"));
  EXPECT_EQ(r.key.origin, "hs.test");
  const auto row = store_.find(r.key);
  ASSERT_TRUE(row.has_value());
  const ContentInfo& c = row->content.value();
  EXPECT_EQ(c.file_type, "image");
  EXPECT_EQ(c.upload_name, "cat.png");
  EXPECT_EQ(c.size, 6);
  EXPECT_EQ(c.md5.size(), 32u);
  EXPECT_TRUE(ContentStore::exists(content_.contentPath(c.sha256)));
  EXPECT_EQ(row->uploader, "@alice:hs.test");
}

TEST_F(MediaServiceTest, FilenamesMustBeShortWellFormedUtf8) {
  expectError([&] { service_.upload(alice_, upload("x", "bad\xff.png")); }, 400, "M_INVALID_PARAM");
  expectError([&] { service_.upload(alice_, upload("x", "\xed\xa0\x80.png")); }, 400, "M_INVALID_PARAM");
  expectError([&] { service_.upload(alice_, upload("x", std::string(256, 'a'))); }, 400, "M_INVALID_PARAM");
  EXPECT_NO_THROW(service_.upload(alice_, upload("x", "caf\xc3\xa9 \xf0\x9f\x90\x88.png")));
}

TEST_F(MediaServiceTest, ReservationIsFilledOnceByItsCreatorBeforeItExpires) {
  const Reservation res = service_.create(alice_);
  EXPECT_EQ(res.unused_expires_at, clock_.nowMs() + 24LL * 3600 * 1000);
  expectError([&] { service_.uploadTo(bob_, res.key, upload("x")); }, 403, "M_FORBIDDEN");
  EXPECT_TRUE(service_.uploadTo(alice_, res.key, upload("x")).content.has_value());
  expectError([&] { service_.uploadTo(alice_, res.key, upload("y")); }, 409, "M_CANNOT_OVERWRITE_MEDIA");
  const Reservation late = service_.create(alice_);
  clock_.advance(24LL * 3600 * 1000);
  expectError([&] { service_.uploadTo(alice_, late.key, upload("x")); }, 404, "M_NOT_FOUND");
  expectError([&] { service_.uploadTo(alice_, {"other.org", late.key.media_id}, upload("x")); }, 404,
              "M_NOT_FOUND");
}

TEST_F(MediaServiceTest, PendingReservationsAreCapped) {
  for (int i = 0; i < 10; ++i) {
    service_.create(alice_);
  }
  expectError([&] { service_.create(alice_); }, 429, "M_LIMIT_EXCEEDED");
  EXPECT_NO_THROW(service_.create(bob_));
}

TEST_F(MediaServiceTest, UploadRateLimitPerUser) {
  config_.rate_limits.enabled = true;
  config_.rate_limits.media_upload_per_user = {1, 2};
  MediaService limited(config_, store_, content_, uploads_, random_, clock_);
  limited.upload(alice_, upload("1"));
  limited.create(alice_);
  expectError([&] { limited.upload(alice_, upload("3")); }, 429, "M_LIMIT_EXCEEDED");
  EXPECT_NO_THROW(limited.upload(bob_, upload("1")));
}

TEST_F(MediaServiceTest, FindHidesQuarantinedFrozenAndExpiredMedia) {
  const MediaRecord r = service_.upload(alice_, upload("x"));
  EXPECT_NO_THROW(service_.find("hs.test", r.key.media_id, Access::Legacy));
  expectError([&] { service_.find("hs.test", "no/such", Access::Authenticated); }, 404, "M_NOT_FOUND");
  expectError([&] { service_.find("bad server!", r.key.media_id, Access::Legacy); }, 400, "M_INVALID_PARAM");
  store_.rows[FakeMediaStore::id(r.key)].quarantined = true;
  expectError([&] { service_.find("hs.test", r.key.media_id, Access::Authenticated); }, 404, "M_NOT_FOUND");

  config_.media.freeze_unauthenticated = true;
  const MediaRecord frozen = service_.upload(alice_, upload("y"));
  EXPECT_NO_THROW(service_.find("hs.test", frozen.key.media_id, Access::Authenticated));
  expectError([&] { service_.find("hs.test", frozen.key.media_id, Access::Legacy); }, 404, "M_NOT_FOUND");

  const Reservation pending = service_.create(alice_);
  EXPECT_FALSE(service_.find("hs.test", pending.key.media_id, Access::Authenticated).content);
  clock_.advance(24LL * 3600 * 1000 + 1);
  expectError([&] { service_.find("hs.test", pending.key.media_id, Access::Authenticated); }, 404,
              "M_NOT_FOUND");
}

TEST_F(MediaServiceTest, FillingAReservationWakesItsWaiters) {
  const Reservation res = service_.create(alice_);
  std::atomic<int> woke{0};
  uploads_.park(MediaService::waitKey(res.key), std::chrono::seconds(30),
                [&](bool timed_out) { woke = timed_out ? -1 : 1; });
  service_.uploadTo(alice_, res.key, upload("x"));
  EXPECT_EQ(woke.load(), 1);
}

TEST_F(MediaServiceTest, LinksEventsToKnownMediaAndNeverThrows) {
  const MediaRecord r = service_.upload(alice_, upload("x"));
  const std::string content = R"({"msgtype":"m.image","body":"x","url":")" + mxcUri(r.key) +
                              R"(","info":{"thumbnail_url":"mxc://hs.test/unknown"}})";
  service_.linkEvent("$e1", "!r:hs.test", content);
  const auto refs = store_.eventsReferencing(r.key);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_EQ(refs[0].event_id, "$e1");
  EXPECT_EQ(refs[0].field, "url");
  store_.fail_links = true;
  EXPECT_NO_THROW(service_.linkEvent("$e2", "!r:hs.test", content));
}

}  // namespace
}  // namespace hs::media
