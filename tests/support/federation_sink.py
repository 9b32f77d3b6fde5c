#!/usr/bin/python3
"""A minimal federation peer for the tests, written against Debian's python3-signedjson, so
Parley's X-Matrix signatures and key responses are checked by an implementation that is not
Parley's own.

It serves over TLS:
  GET  /_matrix/key/v2/server             its own keys, signed with signedjson
  PUT  /_matrix/federation/v1/send/{txn}  verifies the X-Matrix header (the origin's key is
                                          fetched from the origin and its self-signature
                                          checked), then records the transaction
  GET  /_matrix/federation/v1/query/profile  a fixed profile, after the same verification
Every verified transaction is appended to --record as one JSON line
{"origin", "txn_id", "body"}; every refused request as {"refused": reason}.
It can also *send*: `sink.py send ...` signs one request with its key (for inbound tests).
"""
import argparse
import base64
import http.server
import json
import ssl
import sys
import threading
import urllib.request

import nacl.signing
import signedjson.key
import signedjson.sign


def unpadded(b: bytes) -> str:
    return base64.b64encode(b).decode().rstrip("=")


def load_key(seed_b64: str, version: str):
    seed = base64.b64decode(seed_b64 + "=" * (-len(seed_b64) % 4))
    key = nacl.signing.SigningKey(seed)
    key.version = version
    key.alg = "ed25519"
    return key


def parse_x_matrix(header: str):
    if not header or not header.startswith("X-Matrix "):
        return None
    params = {}
    for part in header[len("X-Matrix "):].split(","):
        name, _, value = part.strip().partition("=")
        params[name.strip().lower()] = value.strip().strip('"')
    if "sig" not in params and "signature" in params:
        params["sig"] = params["signature"]
    return params


class Sink:
    def __init__(self, args):
        self.name = args.server_name
        self.key = load_key(args.seed, args.key_version)
        self.ca = args.ca
        self.record = args.record
        self.lock = threading.Lock()
        self.keys = {}  # origin -> {key_id: VerifyKey}

    def server_keys(self):
        body = {
            "server_name": self.name,
            "valid_until_ts": 4102444800000,
            "verify_keys": {f"ed25519:{self.key.version}": {"key": unpadded(bytes(self.key.verify_key))}},
            "old_verify_keys": {},
        }
        return signedjson.sign.sign_json(body, self.name, self.key)

    def origin_key(self, origin, key_id):
        if origin not in self.keys:
            ctx = ssl.create_default_context(cafile=self.ca)
            with urllib.request.urlopen(f"https://{origin}/_matrix/key/v2/server", context=ctx, timeout=10) as r:
                response = json.loads(r.read())
            if response.get("server_name") != origin:
                raise ValueError("key response for another server")
            keys = {}
            for kid, v in response["verify_keys"].items():
                keys[kid] = signedjson.key.decode_verify_key_bytes(kid, base64.b64decode(v["key"] + "=="))
            for kid in response["signatures"][origin]:
                signedjson.sign.verify_signed_json(response, origin, keys[kid])  # raises if bad
            self.keys[origin] = keys
        return self.keys[origin][key_id]

    def verify(self, method, uri, headers, body):
        auth = parse_x_matrix(headers.get("Authorization", ""))
        if auth is None:
            return None, "no X-Matrix header"
        if auth.get("destination") not in (None, self.name):
            return None, "destination mismatch"
        request = {"method": method, "uri": uri, "origin": auth["origin"], "destination": self.name}
        if body:
            request["content"] = json.loads(body)
        request["signatures"] = {auth["origin"]: {auth["key"]: auth["sig"]}}
        try:
            signedjson.sign.verify_signed_json(request, auth["origin"], self.origin_key(auth["origin"], auth["key"]))
        except Exception as e:  # noqa: BLE001 - any failure is a refusal
            return None, f"bad signature: {e}"
        return auth["origin"], None

    def append(self, entry):
        with self.lock, open(self.record, "a") as f:
            f.write(json.dumps(entry) + "\n")


def handler_for(sink: Sink):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def reply(self, status, obj):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def body(self):
            n = int(self.headers.get("Content-Length", "0"))
            return self.rfile.read(n) if n else b""

        def do_GET(self):
            if self.path == "/_matrix/key/v2/server":
                return self.reply(200, sink.server_keys())
            if self.path.startswith("/_matrix/federation/v1/query/profile"):
                origin, error = sink.verify("GET", self.path, self.headers, b"")
                if origin is None:
                    sink.append({"refused": error})
                    return self.reply(401, {"errcode": "M_UNAUTHORIZED", "error": error})
                return self.reply(200, {"displayname": "Sink User"})
            self.reply(404, {"errcode": "M_UNRECOGNIZED", "error": "unknown"})

        def do_PUT(self):
            body = self.body()
            if not self.path.startswith("/_matrix/federation/v1/send/"):
                return self.reply(404, {"errcode": "M_UNRECOGNIZED", "error": "unknown"})
            origin, error = sink.verify("PUT", self.path, self.headers, body)
            if origin is None:
                sink.append({"refused": error})
                return self.reply(401, {"errcode": "M_UNAUTHORIZED", "error": error})
            txn_id = self.path.rsplit("/", 1)[1]
            sink.append({"origin": origin, "txn_id": txn_id, "body": json.loads(body)})
            self.reply(200, {"pdus": {}})

    return Handler


def serve(args):
    sink = Sink(args)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(sink))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(args.cert, args.tls_key)
    server.socket = ctx.wrap_socket(server.socket, server_side=True)
    print("ready", flush=True)
    server.serve_forever()


def send(args):
    """Signs and sends one request as this sink's server; prints the status and body."""
    key = load_key(args.seed, args.key_version)
    body = args.body.encode() if args.body else b""
    request = {"method": args.method, "uri": args.target, "origin": args.server_name,
               "destination": args.destination}
    if body:
        request["content"] = json.loads(body)
    signed = signedjson.sign.sign_json(request, args.server_name, key)
    sig = signed["signatures"][args.server_name][f"ed25519:{args.key_version}"]
    header = (f'X-Matrix origin="{args.server_name}",destination="{args.destination}",'
              f'key="ed25519:{args.key_version}",sig="{sig}"')
    req = urllib.request.Request(f"https://{args.destination}{args.target}", data=body or None,
                                 method=args.method, headers={"Authorization": header,
                                                              "Content-Type": "application/json"})
    ctx = ssl.create_default_context(cafile=args.ca)
    try:
        with urllib.request.urlopen(req, context=ctx, timeout=20) as r:
            print(r.status)
            print(r.read().decode())
    except urllib.error.HTTPError as e:
        print(e.code)
        print(e.read().decode())


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["serve", "send"])
    p.add_argument("--server-name", required=True)
    p.add_argument("--seed", required=True, help="unpadded base64 ed25519 seed")
    p.add_argument("--key-version", default="sink")
    p.add_argument("--ca", required=True)
    p.add_argument("--port", type=int)
    p.add_argument("--cert")
    p.add_argument("--tls-key")
    p.add_argument("--record")
    p.add_argument("--method", default="PUT")
    p.add_argument("--destination")
    p.add_argument("--target")
    p.add_argument("--body", default="")
    args = p.parse_args()
    serve(args) if args.mode == "serve" else send(args)


if __name__ == "__main__":
    sys.exit(main())
