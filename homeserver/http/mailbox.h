#pragma once
// What worker threads hand to a reactor: responses (sent later from any thread for deferred
// replies), and the small notices that move a connection's deadlines or resume its reading.
// Each reactor has one mailbox, read on its own thread; an eventfd wakes it.
#include <chrono>
#include <cstdint>
#include <string>
#include <memory>
#include <mutex>
#include <vector>

#include "homeserver/http/request.h"

namespace hs::http {

// Which request a delivery answers, for the access log when its connection has gone.
struct RequestTag {
  std::string request_id;
  std::string method;
  std::chrono::steady_clock::time_point started;
};

struct Delivery {
  enum class Kind {
    Response,       // the answer to request `seq`
    Deferred,       // the handler parked the request: its deadline is the long-poll limit
    Deadline,       // the route has its own handler deadline (note.deadline_ms)
    ResumeReading,  // a streaming body's sink caught up: read from the client again
  };
  Kind kind = Kind::Response;
  uint64_t connection = 0;
  uint64_t seq = 0;
  Response response;
  int file_fd = -1;  // a file body, opened by the sender (never on the reactor's thread)
  uint64_t file_size = 0;
  RouteNote note;
  RequestTag tag;
};

class Mailbox {
 public:
  Mailbox();
  ~Mailbox();  // closes the files of responses never taken
  Mailbox(const Mailbox&) = delete;
  Mailbox& operator=(const Mailbox&) = delete;

  // Dropped (its file closed) once the mailbox is closed: the server is gone.
  void post(Delivery delivery);
  std::vector<Delivery> take();
  void close();
  void wake();  // wakes the reactor with nothing delivered (to stop it)
  int fd() const { return event_fd_; }

 private:
  int event_fd_;
  std::mutex mu_;
  std::vector<Delivery> items_;  // guarded by mu_
  bool closed_ = false;          // guarded by mu_
};

void closeFileOf(Delivery& delivery);

}  // namespace hs::http
