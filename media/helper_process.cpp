#include "media/helper_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <system_error>
#include <utility>

namespace hs::media {

namespace {
constexpr size_t kMaxStderr = 4096;

[[noreturn]] void throwErrno(int err, const std::string& what) {
  throw std::system_error(err, std::generic_category(), what);
}

// Both ends of a pipe, closed at scope exit. O_CLOEXEC, so a helper spawned by another thread
// at the same moment never inherits them (its own ends are dup2'ed onto 1 and 2).
class Pipe {
 public:
  Pipe() {
    if (::pipe2(fds_.data(), O_CLOEXEC) != 0) {
      throwErrno(errno, "pipe2");
    }
  }
  ~Pipe() {
    closeRead();
    closeWrite();
  }
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;
  int read() const { return fds_[0]; }
  int write() const { return fds_[1]; }
  void closeRead() { closeEnd(0); }
  void closeWrite() { closeEnd(1); }

 private:
  void closeEnd(int i) {
    if (fds_[i] >= 0) {
      ::close(fds_[i]);
      fds_[i] = -1;
    }
  }
  std::array<int, 2> fds_{-1, -1};
};

// posix_spawn's attribute and file-action objects, destroyed at scope exit.
struct SpawnSetup {
  posix_spawnattr_t attr;
  posix_spawn_file_actions_t actions;
  SpawnSetup(int out_fd, int err_fd) {
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigset_t all;
    sigemptyset(&none);
    sigfillset(&all);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
    // Sockets and database connections not opened with O_CLOEXEC stay ours.
    posix_spawn_file_actions_addclosefrom_np(&actions, STDERR_FILENO + 1);
  }
  ~SpawnSetup() {
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
  }
  SpawnSetup(const SpawnSetup&) = delete;
  SpawnSetup& operator=(const SpawnSetup&) = delete;
};

// Appends what is readable on `fd` to `into`, keeping at most `cap` bytes. False at EOF.
// `overflow` is set when more than `cap` arrived.
bool drain(int fd, std::string& into, size_t cap, bool& overflow) {
  char buf[65536];
  const ssize_t n = ::read(fd, buf, sizeof buf);
  if (n < 0) {
    return errno == EINTR || errno == EAGAIN;
  }
  if (n == 0) {
    return false;
  }
  const size_t room = cap - std::min(cap, into.size());
  into.append(buf, std::min(room, static_cast<size_t>(n)));
  overflow = overflow || static_cast<size_t>(n) > room;
  return true;
}

// Reads stdout and stderr until both close, the deadline passes or stdout overflows.
HelperResult::End collect(Pipe& out, Pipe& err, const HelperLimits& limits, HelperResult& r) {
  const auto deadline = std::chrono::steady_clock::now() + limits.timeout;
  bool out_open = true;
  bool err_open = true;
  while (out_open || err_open) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return HelperResult::End::TimedOut;
    }
    std::array<pollfd, 2> fds{{{out_open ? out.read() : -1, POLLIN, 0},
                               {err_open ? err.read() : -1, POLLIN, 0}}};
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) {
      throwErrno(errno, "poll");
    }
    bool overflow = false;
    if (out_open && fds[0].revents != 0) {
      out_open = drain(out.read(), r.out, limits.max_output, overflow);
    }
    if (err_open && fds[1].revents != 0) {
      bool ignored = false;  // stderr past its cap is dropped, not an error
      err_open = drain(err.read(), r.err, kMaxStderr, ignored);
    }
    if (overflow) {
      return HelperResult::End::TooMuchOutput;
    }
  }
  return HelperResult::End::Exited;
}

int waitFor(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      throwErrno(errno, "waitpid");
    }
  }
  return status;
}
}  // namespace

HelperResult runHelper(const std::string& path, const std::vector<std::string>& args,
                       const HelperLimits& limits) {
  Pipe out;
  Pipe err;
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(path.c_str()));
  for (const auto& a : args) {
    argv.push_back(const_cast<char*>(a.c_str()));
  }
  argv.push_back(nullptr);
  char* envp[] = {nullptr};
  pid_t pid = 0;
  {
    SpawnSetup setup(out.write(), err.write());
    const int rc = ::posix_spawn(&pid, path.c_str(), &setup.actions, &setup.attr, argv.data(), envp);
    if (rc != 0) {
      throwErrno(rc, "cannot run " + path);
    }
  }
  out.closeWrite();  // so that the helper's exit is seen as end of file
  err.closeWrite();
  HelperResult r;
  r.end = collect(out, err, limits, r);
  if (r.end != HelperResult::End::Exited) {
    ::kill(pid, SIGKILL);
  }
  const int status = waitFor(pid);
  if (r.end == HelperResult::End::Exited) {
    if (WIFSIGNALED(status)) {
      r.end = HelperResult::End::Crashed;
      r.status = WTERMSIG(status);
    } else {
      r.status = WEXITSTATUS(status);
    }
  }
  return r;
}

}  // namespace hs::media
