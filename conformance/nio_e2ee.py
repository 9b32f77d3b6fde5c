#!/usr/bin/python3
"""End-to-end encryption scenario driven by matrix-nio with its encryption support (Debian's
python3-matrix-nio 0.20 and python3-olm): real Olm and Megolm, the server only relays keys and
ciphertext.

alice and bob register, each device with its own Olm account (nio's in-memory store), and
upload their device and one-time keys. alice creates a private room with m.room.encryption and
invites bob, who joins. alice sends a message: nio queries bob's keys, claims one of his
one-time keys, sends him the Megolm session over to-device (Olm-encrypted), then the
m.room.encrypted event; bob decrypts it and answers, and alice decrypts the answer. bob then
logs in a second device; alice's /sync lists bob in device_lists.changed, her key query finds
the new device, and her next message is decrypted by both of bob's devices; the second device
answers and alice decrypts that too. Read back raw, the room holds only ciphertext.

Like the other nio scenarios: every request and wait has a time limit, a step whose
prerequisite failed is reported as FAIL "not attempted", and the script prints one line per
step and 'N passed, M failed', exiting 1 on any failure.
Usage: nio_e2ee.py BASE_URL"""
import asyncio
import json
import secrets
import sys
import time
import traceback
import urllib.parse
import urllib.request

from nio import (AsyncClient, AsyncClientConfig, JoinResponse, KeysQueryResponse,
                 KeysUploadResponse, LoginResponse, MegolmEvent, RegisterResponse, RoomCreateResponse,
                 RoomMemberEvent, RoomMessageText, RoomPreset, RoomSendResponse, SyncResponse)
from nio.store import SqliteMemoryStore
from steps import step, describe, need, call, finish, REQUEST_TIMEOUT

WAIT_TIMEOUT = 15  # seconds for something to show up in someone's /sync
POLL_MS = 1000  # long-poll timeout of each /sync while waiting
SYNC_FILTER = {"room": {"timeline": {"limit": 50}}}
PASSWORD = "correct horse " + secrets.token_hex(4)


class Device:
    """One nio client (one device) with encryption enabled."""

    def __init__(self, base_url, name, localpart):
        self.name = name
        self.localpart = localpart
        config = AsyncClientConfig(encryption_enabled=True, store=SqliteMemoryStore,
                                   store_sync_tokens=False, max_timeouts=1, max_limit_exceeded=1,
                                   request_timeout=REQUEST_TIMEOUT)
        self.client = AsyncClient(base_url, localpart, config=config)
        self.syncs = []
        self.problems = []  # key upload/query failures seen while syncing

    @property
    def user_id(self):
        return self.client.user_id

    def mark(self):
        return len(self.syncs)

    async def sync_once(self, timeout_ms):
        resp = await call(self.client.sync(timeout=timeout_ms, sync_filter=SYNC_FILTER),
                          timeout_ms / 1000 + REQUEST_TIMEOUT)
        if isinstance(resp, SyncResponse):
            self.syncs.append(resp)
            await self.housekeeping()
        return resp

    async def housekeeping(self):
        """What nio's sync_forever does after each sync: keep keys uploaded and queried."""
        if self.client.should_upload_keys:
            resp = await call(self.client.keys_upload())
            if not isinstance(resp, KeysUploadResponse):
                self.problems.append(f"keys/upload: {describe(resp)}")
        if self.client.should_query_keys:
            resp = await call(self.client.keys_query())
            if not isinstance(resp, KeysQueryResponse):
                self.problems.append(f"keys/query: {describe(resp)}")

    async def wait(self, find, start=0, timeout=WAIT_TIMEOUT):
        deadline = time.monotonic() + timeout
        idx = start
        while True:
            while idx < len(self.syncs):
                try:
                    found = find(self.syncs[idx])
                except Exception as e:  # noqa: BLE001 - an odd answer fails the step, not the run
                    return None, f"reading {self.name}'s /sync: {type(e).__name__}: {e}"
                idx += 1
                if found:
                    return found, ""
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                extra = f" ({'; '.join(self.problems)})" if self.problems else ""
                return None, f"not in {self.name}'s /sync within {timeout}s{extra}"
            started = time.monotonic()
            resp = await self.sync_once(max(1, min(POLL_MS, int(remaining * 1000))))
            if not isinstance(resp, SyncResponse):
                return None, f"{self.name}'s /sync failed: {describe(resp)}"
            if time.monotonic() - started < 0.05:
                await asyncio.sleep(0.1)


def timeline(sync, room_id):
    info = sync.rooms.join.get(room_id)
    return list(info.timeline.events) if info else []


def decrypted(room_id, event_id):
    """A finder for the event EVENT_ID as nio delivers it: decrypted text, or the MegolmEvent it
    could not decrypt (returned too, so the step can say why)."""
    def find(sync):
        for e in timeline(sync, room_id):
            if getattr(e, "event_id", None) == event_id:
                return e
        return None
    return find


def check_decrypted(name, found, detail, body, sender):
    if not found:
        step(name, False, detail)
    elif isinstance(found, MegolmEvent):
        step(name, False, f"could not decrypt (session {found.session_id} from {found.sender})")
    else:
        step(name, isinstance(found, RoomMessageText) and found.decrypted and found.body == body
             and found.sender == sender, f"got {type(found).__name__} decrypted={found.decrypted}")


def raw_messages(base_url, token, room_id):
    """The room's newest events as the server returns them, read without nio."""
    path = f"/_matrix/client/v3/rooms/{urllib.parse.quote(room_id)}/messages?dir=b&limit=50"
    req = urllib.request.Request(base_url + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=REQUEST_TIMEOUT) as resp:
        return json.loads(resp.read())["chunk"]


async def main(base_url):
    suffix = secrets.token_hex(4)
    alice = Device(base_url, "alice", f"alice_{suffix}")
    bob = Device(base_url, "bob", f"bob_{suffix}")
    bob2 = Device(base_url, "bob's second device", f"bob_{suffix}")
    try:
        await scenario(base_url, alice, bob, bob2)
    except Exception:  # noqa: BLE001 - a bug or an unexpected answer must still end in a FAIL line
        traceback.print_exc()
        step("scenario ran to the end", False, traceback.format_exc().strip().splitlines()[-1])
    finally:
        for d in (alice, bob, bob2):
            await call(d.client.close(), 5)


async def register_and_upload(d):
    resp = await call(d.client.register(d.localpart, PASSWORD, device_name=f"nio e2ee {d.name}"))
    step(f"register {d.name}", isinstance(resp, RegisterResponse) and d.client.olm is not None,
         describe(resp) if not isinstance(resp, RegisterResponse) else "no Olm account loaded")
    if need(f"{d.name} uploads device and one-time keys", f"register {d.name}"):
        resp = await call(d.client.keys_upload())
        step(f"{d.name} uploads device and one-time keys",
             isinstance(resp, KeysUploadResponse) and (resp.signed_curve25519_count or 0) > 0,
             describe(resp) if not isinstance(resp, KeysUploadResponse)
             else f"signed_curve25519 count {resp.signed_curve25519_count}")


async def send_text(sender, room_id, name, body, needs):
    if not need(name, *needs):
        return None
    resp = await call(sender.client.room_send(room_id, "m.room.message", {"msgtype": "m.text", "body": body},
                                              ignore_unverified_devices=True), 30)
    ok = isinstance(resp, RoomSendResponse) and resp.event_id.startswith("$")
    step(name, ok, describe(resp))
    return resp.event_id if ok else None


async def receive_text(receiver, room_id, name, event_id, body, sender, needs, start=0):
    if need(name, *needs):
        found, detail = await receiver.wait(decrypted(room_id, event_id), start=start)
        check_decrypted(name, found, detail, body, sender.user_id)


async def scenario(base_url, alice, bob, bob2):
    for d in (alice, bob):
        await register_and_upload(d)
    for d in (alice, bob):
        if need(f"{d.name} initial sync", f"register {d.name}"):
            resp = await d.sync_once(0)
            step(f"{d.name} initial sync", isinstance(resp, SyncResponse), describe(resp))

    room = None
    if need("create encrypted room", "alice initial sync", "register bob"):
        resp = await call(alice.client.room_create(
            preset=RoomPreset.private_chat, invite=[bob.user_id],
            initial_state=[{"type": "m.room.encryption", "state_key": "",
                            "content": {"algorithm": "m.megolm.v1.aes-sha2"}}]))
        ok = isinstance(resp, RoomCreateResponse)
        room = resp.room_id if ok else None
        step("create encrypted room", ok, describe(resp))

    if need("bob joins encrypted room", "create encrypted room", "bob initial sync"):
        found, detail = await bob.wait(lambda s: s.rooms.invite.get(room))
        resp = await call(bob.client.join(room)) if found else detail
        step("bob joins encrypted room", isinstance(resp, JoinResponse), describe(resp))

    if need("alice sees bob join the encrypted room", "bob joins encrypted room"):
        found, detail = await alice.wait(lambda s: any(
            isinstance(e, RoomMemberEvent) and e.state_key == bob.user_id and e.membership == "join"
            for e in timeline(s, room)))
        encrypted = alice.client.rooms.get(room) is not None and alice.client.rooms[room].encrypted
        step("alice sees bob join the encrypted room", found and encrypted,
             detail or f"room encrypted in alice's client: {encrypted}")

    in_room = ("alice sees bob join the encrypted room",)
    text1 = "first secret " + secrets.token_hex(4)
    first = await send_text(alice, room, "alice sends an encrypted message", text1, in_room)
    await receive_text(bob, room, "bob decrypts alice's message", first, text1, alice,
                       ("alice sends an encrypted message",))

    if need("the server stores only ciphertext", "alice sends an encrypted message"):
        chunk = await asyncio.to_thread(raw_messages, base_url, bob.client.access_token, room)
        event = next((e for e in chunk if e.get("event_id") == first), None)
        raw = json.dumps(chunk)
        step("the server stores only ciphertext",
             event is not None and event.get("type") == "m.room.encrypted" and text1 not in raw
             and "ciphertext" in event.get("content", {}),
             f"event as stored: {event}")

    reply = "reply " + secrets.token_hex(4)
    mark = alice.mark()
    answer = await send_text(bob, room, "bob sends an encrypted reply", reply, ("bob decrypts alice's message",))
    await receive_text(alice, room, "alice decrypts bob's reply", answer, reply, bob,
                       ("bob sends an encrypted reply",), start=mark)

    # --- bob adds a second device ---------------------------------------------------------
    if need("bob logs in a second device and uploads its keys", "register bob"):
        resp = await call(bob2.client.login(PASSWORD, device_name="nio e2ee bob's second device"))
        ok = isinstance(resp, LoginResponse) and resp.device_id != bob.client.device_id
        if ok:
            up = await call(bob2.client.keys_upload())
            ok = isinstance(up, KeysUploadResponse)
            resp = up
        step("bob logs in a second device and uploads its keys", ok, describe(resp))
        if ok:
            await bob2.sync_once(0)

    if need("alice's sync lists bob's device list as changed", "bob logs in a second device and uploads its keys",
            "alice sees bob join the encrypted room"):
        found, detail = await alice.wait(lambda s: bob.user_id in s.device_list.changed, start=alice.mark())
        step("alice's sync lists bob's device list as changed", found, detail)

    if need("alice's key query finds bob's second device", "alice's sync lists bob's device list as changed"):
        if alice.client.should_query_keys:
            await alice.housekeeping()
        devices = alice.client.device_store.active_user_devices(bob.user_id)
        ids = sorted(d.id for d in devices)
        step("alice's key query finds bob's second device", bob2.client.device_id in ids,
             f"bob's devices known to alice: {ids} {alice.problems}")

    text2 = "second secret " + secrets.token_hex(4)
    mark_bob = bob.mark()
    second = await send_text(alice, room, "alice sends to both of bob's devices", text2,
                             ("alice's key query finds bob's second device",))
    await receive_text(bob2, room, "bob's second device decrypts alice's message", second, text2, alice,
                       ("alice sends to both of bob's devices",))
    await receive_text(bob, room, "bob's first device decrypts it too", second, text2, alice,
                       ("alice sends to both of bob's devices",), start=mark_bob)

    reply2 = "from the new device " + secrets.token_hex(4)
    mark = alice.mark()
    answer2 = await send_text(bob2, room, "bob's second device sends an encrypted reply", reply2,
                              ("bob's second device decrypts alice's message",))
    await receive_text(alice, room, "alice decrypts the second device's reply", answer2, reply2, bob2,
                       ("bob's second device sends an encrypted reply",), start=mark)


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 240))
    except asyncio.TimeoutError:
        step("scenario finished in time", False, "the whole scenario took over 240s")
    finish()
