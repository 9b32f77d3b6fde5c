#!/usr/bin/python3
"""Long-poll scenario driven by matrix-nio (Debian's python3-matrix-nio 0.20): a client that
syncs the way real clients do, sync_forever(timeout=30000), receives messages for DURATION
seconds (default 120) with no sync error.

bob registers and creates a room; alice registers, joins it and runs sync_forever with a 30 s
long-poll. bob sends a numbered message every few seconds, with one silence of 35 s in the
middle, so that alice's /sync is also answered by its timeout (an empty 200 after 30 s, which
the old HTTP layer turned into a 408 after 10 s). Checks: every message arrives, promptly (half
within 1 s, all within 10 s); no sync ended in an error; one sync was held for the whole 30 s
and answered 200.

Prints one line per step and 'N passed, M failed'; exits 1 on any failure.
Usage: nio_longpoll.py BASE_URL [DURATION_SECONDS]"""
import asyncio
import secrets
import sys
import time
import traceback

from nio import (AsyncClient, AsyncClientConfig, JoinResponse, RegisterResponse,
                 RoomCreateResponse, RoomMessageText, RoomSendResponse, SyncError, SyncResponse)
from steps import step, describe, need, call, finish

SYNC_TIMEOUT_MS = 30000
SILENCE = (10, 45)      # seconds into the run with no message: alice's /sync times out
SEND_EVERY = 4          # seconds between messages otherwise
# Send to arrival in alice's sync: typically tens of milliseconds. The bound for every message
# leaves room for a machine busy with the other scenarios (this one runs beside them); the
# median's does not.
MAX_DELIVERY_S = 10.0
MEDIAN_DELIVERY_S = 1.0


def client(base_url, name):
    # request_timeout bounds the other calls; nio adds 15 s to the sync timeout for /sync.
    config = AsyncClientConfig(encryption_enabled=False, max_timeouts=1, max_limit_exceeded=1,
                               request_timeout=15)
    return AsyncClient(base_url, f"{name}_{secrets.token_hex(4)}", config=config)


class Listener:
    """alice's view: when each message arrived, each sync's outcome and the gaps between."""

    def __init__(self, alice, room_id):
        self.arrived = {}
        self.errors = []
        self.sync_times = []
        self.room_id = room_id
        alice.add_event_callback(self.on_message, RoomMessageText)
        alice.add_response_callback(self.on_sync, (SyncResponse, SyncError))

    async def on_message(self, room, event):
        if room.room_id == self.room_id and event.body.startswith("longpoll "):
            self.arrived.setdefault(event.body, time.monotonic())

    async def on_sync(self, response):
        ok = not isinstance(response, SyncError)
        if not ok:
            self.errors.append(describe(response))
        self.sync_times.append((time.monotonic(), ok))

    def longest_quiet_sync(self):
        """The longest wait between two sync answers (of any kind) that ended in a 200."""
        gaps = [b - a for (a, _), (b, ok) in zip(self.sync_times, self.sync_times[1:]) if ok]
        return max(gaps, default=0)


async def setup(base_url):
    alice, bob = client(base_url, "alice"), client(base_url, "bob")
    for c in (alice, bob):
        r = await call(c.register(c.user, "password123"))
        step(f"register {c.user.split('_')[0]}", isinstance(r, RegisterResponse), describe(r))
    if not need("room for the long-poll", "register alice", "register bob"):
        return alice, bob, None
    created = await call(bob.room_create(name="long-poll", invite=[alice.user_id]))
    room_id = created.room_id if isinstance(created, RoomCreateResponse) else None
    joined = await call(alice.join(room_id)) if room_id else created
    step("room for the long-poll", isinstance(joined, JoinResponse), describe(joined))
    return alice, bob, room_id if isinstance(joined, JoinResponse) else None


async def send_messages(bob, room_id, duration, sent):
    start = time.monotonic()
    n = 0
    while time.monotonic() - start < duration - 5:
        elapsed = time.monotonic() - start
        if SILENCE[0] <= elapsed < SILENCE[1]:
            await asyncio.sleep(SILENCE[1] - elapsed)
            continue
        n += 1
        body = f"longpoll {n}"
        r = await call(bob.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body}))
        if isinstance(r, RoomSendResponse):
            sent[body] = time.monotonic()
        else:
            step(f"bob sends {body}", False, describe(r))
        await asyncio.sleep(SEND_EVERY)


async def run(base_url, duration):
    alice, bob, room_id = await setup(base_url)
    try:
        if not need("messages received for the whole run", "room for the long-poll"):
            return
        listener = Listener(alice, room_id)
        syncing = asyncio.ensure_future(alice.sync_forever(timeout=SYNC_TIMEOUT_MS))
        await asyncio.sleep(2)  # the first sync (timeout 0) is done
        sent = {}
        await send_messages(bob, room_id, duration, sent)
        await asyncio.sleep(MAX_DELIVERY_S)
        if syncing.done() and syncing.exception():
            listener.errors.append(f"sync_forever stopped: {syncing.exception()!r}")
        syncing.cancel()
        missing = [b for b in sent if b not in listener.arrived]
        step("messages received for the whole run", sent and not missing,
             f"{len(sent)} sent, missing {missing[:5]}")
        delays = sorted(listener.arrived[b] - t for b, t in sent.items() if b in listener.arrived)
        median = delays[len(delays) // 2] if delays else None
        step("every message arrived within 10 s, half of them within 1 s",
             not missing and delays and delays[-1] <= MAX_DELIVERY_S and median <= MEDIAN_DELIVERY_S,
             f"median {median}, slowest {delays[-1] if delays else None} s")
        step("no sync ended in an error", not listener.errors, "; ".join(listener.errors[:3]))
        quiet = listener.longest_quiet_sync()
        step("a quiet sync was held for its 30 s and answered 200", 29 <= quiet <= 40,
             f"longest wait between sync answers: {quiet:.1f}s")
    finally:
        await alice.close()
        await bob.close()


def main():
    base_url = sys.argv[1]
    duration = int(sys.argv[2]) if len(sys.argv) > 2 else 120
    try:
        asyncio.run(run(base_url, duration))
    except Exception:  # noqa: BLE001 - report the crash as a failed step, then the summary
        step("scenario ran to the end", False, traceback.format_exc())
    finish()


if __name__ == "__main__":
    main()
