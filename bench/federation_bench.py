#!/usr/bin/python3
"""Federation measurements between two running Parley servers (bench/federation.sh starts
them). Prints one line per figure, `name value unit`, and writes them as JSON to --out.

  latency     to-device message from alice@hs1 (client API) to bob@hs2's parked /sync:
              p50/p99 over N sequential messages (the whole path: commit + outbox, NOTIFY,
              the sender, TLS, X-Matrix check, hs2's inbox, the sync wake-up)
  drain       N EDUs put in hs1's outbox at once (one SQL statement): time until hs1 has sent
              them all (transactions of 100), as transactions/s and EDUs/s
  receiver    signed one-EDU transactions PUT to hs2 by wrk (pre-signed with signedjson as
              hs1), beside wrk GET /_matrix/federation/v1/version on the same TLS listener
  memory      hs1's RSS with D dead destinations (each one queued EDU, connection refused,
              backing off) and after Q more EDUs queued for them
"""
import argparse
import json
import os
import re
import ssl
import subprocess
import sys
import threading
import time
import urllib.request

import nacl.signing
import signedjson.sign


def call(method, url, body=None, token=None, ca=None, timeout=60):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = "Bearer " + token
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    ctx = ssl.create_default_context(cafile=ca) if url.startswith("https") else None
    with urllib.request.urlopen(req, timeout=timeout, context=ctx) as r:
        return json.loads(r.read() or b"{}")


def register(base, user, device):
    return call("POST", base + "/_matrix/client/v3/register",
                {"username": user, "password": "password123", "device_id": device,
                 "auth": {"type": "m.login.dummy"}})["access_token"]


def psql(sock, port, db, sql):
    out = subprocess.run(["psql", "-h", sock, "-p", str(port), "-U", "postgres", "-d", db, "-tAc", sql],
                         check=True, capture_output=True, text=True)
    return out.stdout.strip()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        return int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))


def percentile(values, p):
    s = sorted(values)
    return s[min(len(s) - 1, int(round(p / 100 * (len(s) - 1))))]


class Syncer(threading.Thread):
    """bob's long-polling /sync loop: records when each to-device seq arrives."""

    def __init__(self, base, token):
        super().__init__(daemon=True)
        self.base, self.token = base, token
        self.arrived = {}
        self.cv = threading.Condition()
        self.since = None

    def run(self):
        while True:
            q = "?timeout=30000" + (f"&since={self.since}" if self.since else "")
            try:
                r = call("GET", self.base + "/_matrix/client/v3/sync" + q, token=self.token, timeout=40)
            except Exception:  # noqa: BLE001 - keep polling
                time.sleep(0.1)
                continue
            now = time.monotonic()
            self.since = r["next_batch"]
            with self.cv:
                for e in r.get("to_device", {}).get("events", []):
                    self.arrived[e["content"]["seq"]] = now
                self.cv.notify_all()

    def wait(self, seq, timeout=30):
        deadline = time.monotonic() + timeout
        with self.cv:
            while seq not in self.arrived:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(f"message {seq} never arrived")
                self.cv.wait(left)
            return self.arrived[seq]


def latency(a, n, figures):
    alice = register(a.hs1, "alice", "ALICEDEV")
    bob = register(a.hs2, "bob", "BOBDEV")
    syncer = Syncer(a.hs2, bob)
    syncer.start()
    time.sleep(0.5)
    samples = []
    for seq in range(-5, n):  # five warm-up messages (keys fetched, connections open)
        start = time.monotonic()
        call("PUT", f"{a.hs1}/_matrix/client/v3/sendToDevice/m.bench/t{seq}", token=alice,
             body={"messages": {f"@bob:{a.hs2_name}": {"BOBDEV": {"seq": seq}}}})
        arrived = syncer.wait(seq)
        if seq >= 0:
            samples.append((arrived - start) * 1000)
    figures["latency_p50_ms"] = (round(percentile(samples, 50), 1), "ms")
    figures["latency_p99_ms"] = (round(percentile(samples, 99), 1), "ms")
    figures["latency_samples"] = (n, "messages")


def drain(a, n, figures):
    queued = lambda: int(psql(a.pg_sock, a.pg_port, "hs1", "SELECT count(*) FROM federation_outbox"))  # noqa: E731
    while queued():
        time.sleep(0.1)
    before = int(psql(a.pg_sock, a.pg_port, "hs1",
                      "SELECT coalesce(max(next_txn_seq), 1) FROM federation_destinations "
                      f"WHERE destination = '{a.hs2_name}'"))
    start = time.monotonic()
    psql(a.pg_sock, a.pg_port, "hs1",
         "INSERT INTO federation_outbox (destination, is_pdu, edu_type, content) "
         f"SELECT '{a.hs2_name}', FALSE, 'org.parley.bench', '{{\"n\":' || g || '}}' "
         f"FROM generate_series(1, {n}) g; SELECT pg_notify('parley_outbox', '{a.hs2_name}')")
    while queued():
        time.sleep(0.02)
    secs = time.monotonic() - start
    after = int(psql(a.pg_sock, a.pg_port, "hs1",
                     f"SELECT next_txn_seq FROM federation_destinations WHERE destination = '{a.hs2_name}'"))
    txns = after - before
    figures["drain_edus_per_s"] = (round(n / secs), "EDU/s")
    figures["drain_txns_per_s"] = (round(txns / secs), "txn/s")
    figures["drain_txns"] = (txns, f"transactions for {n} EDUs")


def wrk(url, connections, seconds, script=None):
    cmd = ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", url]
    if script:
        cmd[1:1] = ["-s", script]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rate, int(non2xx.group(1)) if non2xx else 0


def receiver(a, seconds, figures):
    seed_line = open(a.hs1_key).read().split()
    key = nacl.signing.SigningKey(__import__("base64").b64decode(seed_line[2] + "=="))
    key.version, key.alg = seed_line[1], "ed25519"
    path = os.path.join(a.work, "signed.lua")
    count = 40000 if seconds > 2 else 4000
    lines = []
    for i in range(count):
        target = f"/_matrix/federation/v1/send/bench{i}"
        body = {"origin": a.hs1_name, "origin_server_ts": 1, "pdus": [],
                "edus": [{"edu_type": "org.parley.bench", "content": {}}]}
        obj = {"method": "PUT", "uri": target, "origin": a.hs1_name, "destination": a.hs2_name, "content": body}
        sig = signedjson.sign.sign_json(obj, a.hs1_name, key)["signatures"][a.hs1_name][f"ed25519:{key.version}"]
        auth = (f'X-Matrix origin="{a.hs1_name}",destination="{a.hs2_name}",'
                f'key="ed25519:{key.version}",sig="{sig}"')
        lines.append((target, auth, json.dumps(body)))
    with open(path, "w") as f:
        f.write("local reqs = {\n")
        for t, h, b in lines:
            f.write("{%s,%s,%s},\n" % (json.dumps(t), json.dumps(h), json.dumps(b)))
        f.write("}\nlocal i = 0\nrequest = function()\n  i = i % #reqs + 1\n  local r = reqs[i]\n"
                "  return wrk.format('PUT', r[1], {['Authorization'] = r[2], "
                "['Content-Type'] = 'application/json'}, r[3])\nend\n")
    base = f"https://localhost:{a.hs2_fed_port}"
    for c in (1, 16):
        rate, _ = wrk(base + "/_matrix/federation/v1/version", c, seconds)
        figures[f"version_c{c}_per_s"] = (round(rate), "req/s (TLS ceiling)")
        rate, bad = wrk(base, c, seconds, path)
        figures[f"send_c{c}_per_s"] = (round(rate), f"txn/s ({bad} non-2xx: replays answered 200)")


def memory(a, dead, more, figures):
    alice = register(a.hs1, "mallory", "MDEV")
    ports = [40000 + i for i in range(dead)]  # nothing listens there: connection refused
    time.sleep(1)
    before = rss_kib(a.hs1_pid)
    msgs = {f"@u:127.0.0.1:{p}": {"D": {"n": 0}} for p in ports}
    call("PUT", f"{a.hs1}/_matrix/client/v3/sendToDevice/m.bench/dead0", token=alice, body={"messages": msgs})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        failing = int(psql(a.pg_sock, a.pg_port, "hs1",
                           "SELECT count(*) FROM federation_destinations WHERE failures > 0"))
        if failing >= dead:
            break
        time.sleep(0.2)
    time.sleep(1)
    with_dead = rss_kib(a.hs1_pid)
    for k in range(1, more // dead + 1):
        call("PUT", f"{a.hs1}/_matrix/client/v3/sendToDevice/m.bench/dead{k}", token=alice, body={"messages": msgs})
    time.sleep(1)
    with_queue = rss_kib(a.hs1_pid)
    queued = int(psql(a.pg_sock, a.pg_port, "hs1", "SELECT count(*) FROM federation_outbox"))
    figures["rss_before_kib"] = (before, "KiB")
    figures["rss_per_dead_destination_bytes"] = (round((with_dead - before) * 1024 / dead), f"B ({dead} dead)")
    figures["rss_per_queued_event_bytes"] = (round((with_queue - with_dead) * 1024 / max(1, queued - dead)),
                                             f"B ({queued} queued)")


def main():
    p = argparse.ArgumentParser()
    for name in ("hs1", "hs2", "hs1-name", "hs2-name", "hs1-key", "ca", "pg-sock", "work", "out"):
        p.add_argument("--" + name, required=True)
    for name in ("pg-port", "hs1-pid", "hs2-fed-port"):
        p.add_argument("--" + name, type=int, required=True)
    p.add_argument("--smoke", action="store_true")
    a = p.parse_args()
    figures = {}
    small = a.smoke
    latency(a, 30 if small else 300, figures)
    drain(a, 2000 if small else 20000, figures)
    receiver(a, 1 if small else 5, figures)
    memory(a, 50 if small else 1000, 500 if small else 10000, figures)
    for k, (v, unit) in figures.items():
        print(f"{k:34} {v:>10} {unit}")
    with open(a.out, "w") as f:
        json.dump({k: v for k, (v, _) in figures.items()}, f, indent=1)


if __name__ == "__main__":
    sys.exit(main())
