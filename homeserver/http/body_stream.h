#pragma once
// A streaming route's request body on its way from the reactor to the route's BodySink. The
// reactor pushes pieces as they arrive; one worker task at a time hands them to the sink, in
// order, and returns its thread as soon as the queue is empty, so a slow uploader holds no
// thread while it is slow. When more than kHighWater bytes wait, the reactor stops reading
// from that client until the worker has caught up (TCP flow control does the rest): an upload
// never sits in memory beyond that.
#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/connection_responder.h"
#include "homeserver/http/dispatch.h"

namespace hs::http {

class BodyStream : public std::enable_shared_from_this<BodyStream> {
 public:
  static constexpr size_t kHighWater = 1 << 20;

  BodyStream(Dispatcher& dispatcher, core::ThreadPool& workers, std::shared_ptr<Request> request,
             std::shared_ptr<ConnectionResponder> responder, std::shared_ptr<Mailbox> mailbox,
             uint64_t connection, uint64_t seq);

  // Reactor side. start() submits the head's handling (routing, authentication, the route's
  // StreamHandler); false when the worker pool cannot take it.
  bool start();
  // False when the pool could not take the work: the request has failed.
  bool push(std::string_view piece);
  bool end();
  // The connection is gone or timed out: whatever the sink holds is discarded.
  void abandon();
  // True when the reactor must stop reading until a ResumeReading delivery.
  bool pauseReading();
  // The request has been answered before its body ended (refused): drop the rest of the body.
  bool answered() const { return answered_.load(); }

 private:
  bool scheduleLocked();
  void run();
  void begin();
  void writeBatch(std::deque<std::string>& batch);
  void answer(Response response);

  Dispatcher& dispatcher_;
  core::ThreadPool& workers_;
  std::shared_ptr<Request> request_;
  std::shared_ptr<ConnectionResponder> responder_;
  std::shared_ptr<Mailbox> mailbox_;
  uint64_t connection_;
  uint64_t seq_;
  std::atomic<bool> answered_{false};

  std::mutex mu_;
  std::deque<std::string> pieces_;  // guarded by mu_
  size_t queued_bytes_ = 0;         // guarded by mu_
  bool scheduled_ = false;          // guarded by mu_: a worker task is queued or running
  bool ended_ = false;              // guarded by mu_
  bool abandoned_ = false;          // guarded by mu_
  bool reader_paused_ = false;      // guarded by mu_

  // Touched only by the worker task, of which there is one at a time (scheduled_).
  bool begun_ = false;
  bool done_ = false;  // finished or refused: nothing more goes to the sink
  std::unique_ptr<BodySink> sink_;
};

}  // namespace hs::http
