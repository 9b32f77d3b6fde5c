#!/usr/bin/python3
"""An SMTP sink for the integration tests (Debian's python3-aiosmtpd).

Listens on 127.0.0.1:PORT and writes each message it accepts to OUTDIR/NNNN.eml (the
envelope recipients first, as "X-Rcpt-To:" lines). Options: --starttls CERT KEY offers
STARTTLS and requires it, --tls CERT KEY speaks implicit TLS, --auth USER:PASSWORD requires
AUTH. Runs until SIGTERM.
"""
import argparse
import os
import signal
import ssl
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, outdir):
        self.outdir = outdir
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.count += 1
            path = os.path.join(self.outdir, "%04d.eml" % self.count)
        head = "".join("X-Rcpt-To: %s\r\n" % r for r in envelope.rcpt_tos).encode()
        with open(path + ".tmp", "wb") as f:
            f.write(head + envelope.original_content)
        os.rename(path + ".tmp", path)
        return "250 OK"


def authenticator(expected):
    def check(server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and \
            auth_data.login.decode() + ":" + auth_data.password.decode() == expected
        return AuthResult(success=ok)
    return check


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--outdir", required=True)
    p.add_argument("--starttls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--tls", nargs=2, metavar=("CERT", "KEY"))
    p.add_argument("--auth")
    a = p.parse_args()
    kwargs = {}
    if a.starttls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.starttls)
        kwargs.update(tls_context=ctx, require_starttls=True)
    if a.tls:
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(*a.tls)
        kwargs.update(ssl_context=ctx)
    if a.auth:
        kwargs.update(authenticator=authenticator(a.auth), auth_required=True,
                      auth_require_tls=bool(a.starttls or a.tls))
    controller = Controller(Sink(a.outdir), hostname="127.0.0.1", port=a.port, **kwargs)
    controller.start()
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    done.wait()
    controller.stop()


if __name__ == "__main__":
    main()
