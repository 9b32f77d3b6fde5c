#include "media/thumbnailer.h"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <filesystem>
#include <stdexcept>
#include <utility>

#include "media/thumbnail_protocol.h"

namespace hs::media {

namespace {
// Decoding the largest image we accept (max_image_pixels, 32 MP by default) takes a few
// seconds; a helper still busy after this long is looping on a hostile file.
constexpr std::chrono::milliseconds kHelperTimeout{30'000};
// Past what any thumbnail of an accepted image encodes to: never upscaled, so at most the
// source's pixels, and the default pixel limit at 4 bytes each is 128 MB.
constexpr size_t kMaxHelperOutput = size_t{160} << 20;
constexpr size_t kMaxProbed = 4096;

std::string describe(const HelperResult& r) {
  switch (r.end) {
    case HelperResult::End::Exited:
      return "exit status " + std::to_string(r.status) + (r.err.empty() ? "" : ": " + r.err);
    case HelperResult::End::Crashed:
      return "killed by signal " + std::to_string(r.status);
    case HelperResult::End::TimedOut:
      return "timed out";
    case HelperResult::End::TooMuchOutput:
      return "printed too much";
  }
  return "failed";
}
}  // namespace

Thumbnailer::Thumbnailer(std::string helper, int64_t max_pixels, HelperLimits limits)
    : helper_(std::move(helper)), max_pixels_(max_pixels), limits_(limits) {
  if (::access(helper_.c_str(), X_OK) != 0) {
    throw std::runtime_error("thumbnailer helper " + helper_ + " is missing or not executable");
  }
}

std::string Thumbnailer::helperNextToExecutable() {
  return (std::filesystem::read_symlink("/proc/self/exe").parent_path() / "parley-thumbnailer")
      .string();
}

HelperLimits Thumbnailer::defaultLimits() { return HelperLimits{kHelperTimeout, kMaxHelperOutput}; }

std::optional<ImageInfo> Thumbnailer::probe(const std::string& path) const {
  {
    std::lock_guard lock(mu_);
    if (const auto it = probed_.find(path); it != probed_.end()) {
      return it->second;
    }
  }
  const HelperResult r = runHelper(helper_, {"probe", path}, limits_);
  if (r.end == HelperResult::End::Exited && r.status == protocol::kOk) {
    if (auto info = protocol::parseInfo(r.out)) {
      std::lock_guard lock(mu_);
      if (probed_.size() >= kMaxProbed) {
        probed_.clear();
      }
      probed_.emplace(path, *info);
      return info;
    }
  }
  if (r.end != HelperResult::End::Exited || r.status != protocol::kNotAnImage) {
    spdlog::warn("thumbnailer probe of {}: {}", path, describe(r));
  }
  return std::nullopt;
}

bool Thumbnailer::tooLarge(const ImageInfo& info) const {
  const int64_t pixels = static_cast<int64_t>(info.width) * info.height * info.pages;
  return pixels > max_pixels_;
}

Thumbnail Thumbnailer::render(const std::string& path, const ImageInfo&, const ThumbSize& size,
                              ThumbType type) const {
  // The helper reads the header again itself: it trusts nothing the server passes but paths.
  auto thumbs = run({"render", std::to_string(max_pixels_), path, protocol::typeArg(type),
                     protocol::sizeArg(size)},
                    1);
  return std::move(thumbs.front());
}

std::vector<Thumbnail> Thumbnailer::renderMany(const std::string& path,
                                               const std::vector<ThumbSize>& sizes,
                                               ThumbType type) const {
  std::vector<std::string> args = {"render-many", std::to_string(max_pixels_), path,
                                   protocol::typeArg(type)};
  for (const ThumbSize& s : sizes) {
    args.push_back(protocol::sizeArg(s));
  }
  return run(args, sizes.size());
}

// Every way a job can fail is UndecodableImage, so the client gets a clear error; only a
// helper that cannot be started at all (std::system_error) is the server's own failure.
std::vector<Thumbnail> Thumbnailer::run(const std::vector<std::string>& args, size_t expected) const {
  const HelperResult r = runHelper(helper_, args, limits_);
  if (r.end == HelperResult::End::Exited && r.status == protocol::kOk) {
    auto thumbs = protocol::parseThumbnails(r.out);
    if (thumbs && thumbs->size() == expected) {
      return std::move(*thumbs);
    }
    throw std::runtime_error("thumbnailer helper answered in an unknown format");
  }
  // Undecodable, not an image or too large are the file's doing; anything else (a crash, a
  // hang, an exception in the helper) is worth a look in the log, but it still costs only this
  // one thumbnail.
  const bool expected_failure =
      r.end == HelperResult::End::Exited &&
      (r.status == protocol::kUndecodable || r.status == protocol::kNotAnImage ||
       r.status == protocol::kTooLarge);
  if (!expected_failure) {
    spdlog::warn("thumbnailer on {}: {}", args[2], describe(r));
  }
  throw UndecodableImage(describe(r));
}

}  // namespace hs::media
