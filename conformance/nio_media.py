#!/usr/bin/python3
"""Media scenario driven by matrix-nio (Debian's python3-matrix-nio 0.20), which knows only
/_matrix/media/r0 and sends the access token as ?access_token=.

alice and bob register; alice creates a room and invites bob, who joins. alice uploads a PNG
with a non-ASCII file name through nio's upload(), sends it as m.image, and bob, seeing the
event in his /sync, downloads it through nio's download() (the unauthenticated legacy
endpoint) and gets the same bytes, type and file name, then a 32x32 crop thumbnail.

Every request and wait has a time limit; a step whose prerequisite failed is reported as FAIL
"not attempted". Prints one line per step and 'N passed, M failed'; exits 1 on any failure.
Usage: nio_media.py BASE_URL"""
import asyncio
import hashlib
import io
import secrets
import struct
import sys
import time
import traceback
import zlib

from nio import (AsyncClient, AsyncClientConfig, DownloadResponse, JoinResponse,
                 RegisterResponse, ResizingMethod, RoomCreateResponse, RoomMessageImage,
                 RoomSendResponse, SyncResponse, ThumbnailResponse, UploadResponse)
from steps import step, describe, need, call, finish, REQUEST_TIMEOUT

WAIT_TIMEOUT = 10
FILE_NAME = "café ✓.png"


def make_png(width, height):
    """An RGB gradient PNG, built by hand so the scenario needs nothing beyond nio."""
    rows = b"".join(b"\x00" + bytes(v for x in range(width)
                                     for v in (x * 255 // width, y * 255 // height, 90))
                    for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


def png_size(data):
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", data[16:24])


def client(base_url, name):
    config = AsyncClientConfig(encryption_enabled=False, max_timeouts=1, max_limit_exceeded=1,
                               request_timeout=REQUEST_TIMEOUT)
    return AsyncClient(base_url, f"{name}_{secrets.token_hex(4)}", config=config)


async def wait_for_image(bob, room_id, event_id):
    """Syncs as bob until alice's m.image shows up in the room's timeline."""
    deadline = time.monotonic() + WAIT_TIMEOUT
    while time.monotonic() < deadline:
        resp = await call(bob.sync(timeout=1000, full_state=False), REQUEST_TIMEOUT + 1)
        if not isinstance(resp, SyncResponse):
            return None, f"bob's /sync failed: {describe(resp)}"
        room = resp.rooms.join.get(room_id)
        for event in (room.timeline.events if room else []):
            if isinstance(event, RoomMessageImage) and event.event_id == event_id:
                return event, ""
    return None, f"not in bob's /sync within {WAIT_TIMEOUT}s"


async def scenario(alice, bob):
    for name, c in (("alice", alice), ("bob", bob)):
        resp = await call(c.register(c.user, "correct horse " + secrets.token_hex(4)))
        step(f"register {name}", isinstance(resp, RegisterResponse), describe(resp))
    room = None
    if need("alice creates a room and invites bob", "register alice", "register bob"):
        resp = await call(alice.room_create(invite=[bob.user_id]))
        room = resp.room_id if isinstance(resp, RoomCreateResponse) else None
        step("alice creates a room and invites bob", room, describe(resp))
    if need("bob joins", "alice creates a room and invites bob"):
        await call(bob.sync(timeout=0))
        resp = await call(bob.join(room))
        step("bob joins", isinstance(resp, JoinResponse), describe(resp))

    png = make_png(120, 90)
    mxc = None
    if need("alice uploads an image", "register alice"):
        resp = await call(alice.upload(io.BytesIO(png), content_type="image/png",
                                       filename=FILE_NAME, filesize=len(png)))
        resp = resp[0] if isinstance(resp, tuple) else resp  # (response, decryption keys)
        ok = isinstance(resp, UploadResponse) and resp.content_uri.startswith("mxc://")
        mxc = resp.content_uri if ok else None
        step("alice uploads an image", ok, describe(resp))
    event_id = None
    if need("alice sends m.image", "alice uploads an image", "bob joins"):
        content = {"msgtype": "m.image", "body": FILE_NAME, "url": mxc,
                   "info": {"mimetype": "image/png", "size": len(png), "w": 120, "h": 90}}
        resp = await call(alice.room_send(room, "m.room.message", content))
        event_id = resp.event_id if isinstance(resp, RoomSendResponse) else None
        step("alice sends m.image", event_id, describe(resp))
    image = None
    if need("bob receives m.image", "alice sends m.image"):
        image, detail = await wait_for_image(bob, room, event_id)
        step("bob receives m.image", image and image.url == mxc, detail or image.url)
    download = None
    if need("bob downloads the same bytes", "bob receives m.image"):
        download = await call(bob.download(mxc=image.url))
        ok = isinstance(download, DownloadResponse) and download.body == png
        step("bob downloads the same bytes", ok, describe(download) if not ok else "")
    if need("download keeps type and file name", "bob downloads the same bytes"):
        step("download keeps type and file name",
             download.content_type == "image/png" and download.filename == FILE_NAME,
             f"{download.content_type!r} {download.filename!r}")
    if need("checksum matches after the round trip", "bob downloads the same bytes"):
        step("checksum matches after the round trip",
             hashlib.sha256(download.body).digest() == hashlib.sha256(png).digest())
    if need("bob gets a 32x32 thumbnail", "bob receives m.image"):
        server, media_id = mxc[len("mxc://"):].split("/", 1)
        resp = await call(bob.thumbnail(server, media_id, 32, 32, ResizingMethod.crop))
        ok = isinstance(resp, ThumbnailResponse) and png_size(resp.body) == (32, 32)
        step("bob gets a 32x32 thumbnail", ok, describe(resp))


async def main(base_url):
    alice, bob = client(base_url, "media_alice"), client(base_url, "media_bob")
    try:
        await scenario(alice, bob)
    except Exception:  # noqa: BLE001 - an unexpected answer must still end in a FAIL line
        traceback.print_exc()
        step("scenario ran to the end", False, traceback.format_exc().strip().splitlines()[-1])
    finally:
        for c in (alice, bob):
            await call(c.close(), 5)


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 120))
    except asyncio.TimeoutError:
        step("scenario finished in time", False, "the whole scenario took over 120s")
    finish()
