#include "db/pg_listener.h"

#include <spdlog/spdlog.h>

#include <pqxx/pqxx>

namespace hs::db {

namespace {
class Receiver final : public pqxx::notification_receiver {
 public:
  Receiver(pqxx::connection_base& c, const std::string& channel, const std::function<void(const std::string&)>& f)
      : pqxx::notification_receiver(c, channel), f_(f) {}
  void operator()(const std::string& payload, int) override { f_(payload); }

 private:
  const std::function<void(const std::string&)>& f_;
};
}  // namespace

PgListener::PgListener(std::string url, std::string channel, std::function<void(const std::string&)> on_notify,
                       std::function<void()> on_connected)
    : url_(std::move(url)), channel_(std::move(channel)), on_notify_(std::move(on_notify)),
      on_connected_(std::move(on_connected)), thread_([this] { run(); }) {}

PgListener::~PgListener() { stop(); }

void PgListener::stop() {
  stopping_ = true;
  if (thread_.joinable()) {
    thread_.join();
  }
}

void PgListener::run() {
  while (!stopping_) {
    try {
      pqxx::connection conn(url_);
      Receiver receiver(conn, channel_, on_notify_);
      conn.get_notifs();  // the LISTEN is issued when the receiver is registered
      on_connected_();
      while (!stopping_) {
        conn.await_notification(0, 200 * 1000);  // wakes at least every 200 ms to see stop()
      }
    } catch (const std::exception& e) {
      if (!stopping_) {
        spdlog::warn("listening on {}: {}; reconnecting", channel_, e.what());
        std::this_thread::sleep_for(std::chrono::seconds(1));
      }
    }
  }
}

}  // namespace hs::db
