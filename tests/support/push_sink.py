#!/usr/bin/python3
"""A push gateway sink for the integration tests.

Listens on 127.0.0.1:PORT and writes the body of each POST it accepts to OUTDIR/NNNN.json.
--fail N answers the first N requests with 500 (they are not recorded), to exercise retries;
--reject PUSHKEY lists that pushkey as rejected in every answer. Runs until SIGTERM.
"""
import argparse
import json
import os
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def make_handler(outdir, fail, reject):
    state = {"seen": 0, "saved": 0}
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                state["seen"] += 1
                failing = state["seen"] <= fail
                if not failing:
                    state["saved"] += 1
                    path = os.path.join(outdir, "%04d.json" % state["saved"])
            if failing:
                self.send_response(500)
                self.end_headers()
                return
            with open(path + ".tmp", "wb") as f:
                f.write(body)
            os.rename(path + ".tmp", path)
            answer = json.dumps({"rejected": [reject] if reject else []}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

    return Handler


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--fail", type=int, default=0)
    p.add_argument("--reject", default="")
    a = p.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", a.port), make_handler(a.outdir, a.fail, a.reject))
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    server.serve_forever()


if __name__ == "__main__":
    main()
