#!/usr/bin/python3
"""The loopback ceiling for bench/media.sh: a minimal HTTP/1.1 server that answers any GET
with FILE (sendfile, as parley does) and any POST by reading and discarding its body. curl
against it measures what the client, the kernel's loopback and a zero-work server reach.
Usage: media_loopback.py PORT FILE (serves until killed)"""
import os
import socket
import sys
import threading


def handle(conn, path):
    with conn:
        buf = b""
        while True:
            while b"\r\n\r\n" not in buf:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                buf += chunk
            head, buf = buf.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.strip().lower() == "content-length":
                    length = int(value)
            if lines[0].startswith("POST"):
                remaining = length - len(buf)
                buf = b""
                sink = bytearray(1 << 20)
                while remaining > 0:
                    n = conn.recv_into(sink, min(len(sink), remaining))
                    if n == 0:
                        return
                    remaining -= n
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
            else:
                size = os.path.getsize(path)
                conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Length: {size}\r\n\r\n".encode())
                with open(path, "rb") as f:
                    conn.sendfile(f)


def main(port, path):
    srv = socket.socket()
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(64)
    while True:
        conn, _ = srv.accept()
        threading.Thread(target=handle, args=(conn, path), daemon=True).start()


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
