#pragma once
// One accepted connection's byte stream: a non-blocking TCP socket, optionally with TLS
// (OpenSSL on the same socket, its handshake driven by the reactor like any other I/O, so a
// client that never finishes it holds only its own connection).
#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <string>

typedef struct ssl_st SSL;
typedef struct ssl_ctx_st SSL_CTX;

namespace hs::http {

enum class Io { Done, WouldBlock, Closed, Failed };

struct IoResult {
  Io status = Io::Done;
  size_t bytes = 0;
};

// A certificate chain and key for a listener; the server's TLS settings.
class TlsContext {
 public:
  // Throws std::runtime_error with OpenSSL's reason when the files cannot be used.
  TlsContext(const std::string& cert_chain_path, const std::string& key_path);
  ~TlsContext();
  TlsContext(const TlsContext&) = delete;
  TlsContext& operator=(const TlsContext&) = delete;
  SSL* newSession(int fd) const;

 private:
  SSL_CTX* ctx_;
};

class SocketStream {
 public:
  SocketStream(int fd, SSL* ssl);  // takes ownership of both; `ssl` is null for plain TCP
  ~SocketStream();
  SocketStream(const SocketStream&) = delete;
  SocketStream& operator=(const SocketStream&) = delete;

  int fd() const { return fd_; }
  bool tls() const { return ssl_ != nullptr; }
  // Plain TCP needs none; TLS: Done once established, WouldBlock until then.
  Io handshake();
  bool established() const { return established_; }
  IoResult read(char* buf, size_t len);
  IoResult write(const char* buf, size_t len);
  // Up to `len` bytes of an open file from `offset` (sendfile(2) on plain TCP).
  IoResult sendFile(int file_fd, off_t offset, size_t len);
  // TLS holds decrypted bytes that no socket event will announce.
  bool hasBufferedInput() const;
  // Our side is done sending (close_notify on TLS); reading goes on.
  void shutdownWrite();

 private:
  IoResult tlsResult(int rc, size_t ok_bytes);
  int fd_;
  SSL* ssl_;
  bool established_;
  std::unique_ptr<char[]> file_buffer_;  // TLS: file bytes on their way into SSL_write
  size_t file_buffered_ = 0;             // bytes of file_buffer_ not yet accepted
};

}  // namespace hs::http
