#!/usr/bin/python3
"""Rooms-and-messages scenario driven by matrix-nio (Debian's python3-matrix-nio 0.20), a real
client library speaking /_matrix/client/r0 with ?access_token=.

alice, bob and carol register. alice creates a direct room (is_direct, invites bob, preset
trusted_private_chat) and a named group room with a topic, and invites bob and carol to it.
bob sees both invites in his /sync (the room name from invite_state), joins, and the two
exchange m.text messages, each asserted from the other user's /sync. alice sends an m.emote
and an m.notice, bob reacts (m.reaction, m.annotation), sends a read receipt and a typing
notification (asserted from alice's ephemeral events), alice pages back through the history
with /messages, redacts her emote (bob's /sync shows the redaction), promotes bob to power
100, kicks then bans carol (carol's /sync shows leave then ban), and bob leaves.

Every request and every wait has a time limit, so a missing feature is a FAIL line, never a
hang. A step whose prerequisite failed is reported as FAIL "not attempted", never skipped
silently. Prints one line per step and 'N passed, M failed'; exits 1 on any failure.
Usage: nio_rooms.py BASE_URL"""
import asyncio
import secrets
import sys
import time
import traceback

from nio import (AsyncClient, AsyncClientConfig, InviteMemberEvent, InviteNameEvent,
                 JoinResponse, JoinedRoomsResponse, MessageDirection, PowerLevelsEvent,
                 ReceiptEvent, RedactedEvent, RedactionEvent, RegisterResponse,
                 RoomBanResponse, RoomCreateResponse, RoomGetEventResponse,
                 RoomGetStateEventResponse, RoomGetStateResponse, RoomInviteResponse,
                 RoomKickResponse, RoomLeaveResponse, RoomMemberEvent, RoomMessageEmote,
                 RoomMessageNotice, RoomMessagesResponse, RoomMessageText, RoomPreset,
                 RoomPutStateResponse, RoomRedactResponse, RoomSendResponse, RoomTypingResponse,
                 SyncResponse, TypingNoticeEvent, UpdateReceiptMarkerResponse)
from steps import step, describe, need, call, finish, REQUEST_TIMEOUT

WAIT_TIMEOUT = 10  # seconds for an event to show up in someone's /sync
POLL_MS = 1000  # long-poll timeout of each /sync while waiting
# Inline filter: a timeline long enough that a burst of events between two syncs is never cut.
SYNC_FILTER = {"room": {"timeline": {"limit": 50}}}
GROUP_NAME = "Parley group " + secrets.token_hex(3)
GROUP_TOPIC = "Rooms and messages conformance"


class User:
    def __init__(self, base_url, name):
        self.name = name
        self.localpart = f"{name}_{secrets.token_hex(4)}"
        config = AsyncClientConfig(encryption_enabled=False, max_timeouts=1,
                                   max_limit_exceeded=1, request_timeout=REQUEST_TIMEOUT)
        self.client = AsyncClient(base_url, self.localpart, config=config)
        self.syncs = []  # every SyncResponse received, in order

    @property
    def user_id(self):
        return self.client.user_id

    def mark(self):
        """Position in the sync history: waits from here see only later syncs."""
        return len(self.syncs)

    async def sync_once(self, timeout_ms):
        resp = await call(self.client.sync(timeout=timeout_ms, sync_filter=SYNC_FILTER),
                          timeout_ms / 1000 + REQUEST_TIMEOUT)
        if isinstance(resp, SyncResponse):
            self.syncs.append(resp)
        return resp

    async def wait(self, find, start=0, timeout=WAIT_TIMEOUT):
        """Looks through this user's syncs from START on, syncing more until FIND(sync)
        returns something or TIMEOUT passes. Returns (found, detail)."""
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
                return None, f"not in {self.name}'s /sync within {timeout}s"
            started = time.monotonic()
            resp = await self.sync_once(max(1, min(POLL_MS, int(remaining * 1000))))
            if not isinstance(resp, SyncResponse):
                return None, f"{self.name}'s /sync failed: {describe(resp)}"
            if time.monotonic() - started < 0.05:
                await asyncio.sleep(0.1)  # the server did not long-poll; don't spin


def joined(sync, room_id):
    """Timeline then state events of ROOM_ID in a sync's join section."""
    info = sync.rooms.join.get(room_id)
    return list(info.timeline.events) + list(info.state) if info else []


def left(sync, room_id):
    info = sync.rooms.leave.get(room_id)
    return list(info.timeline.events) + list(info.state) if info else []


def ephemeral(sync, room_id):
    info = sync.rooms.join.get(room_id)
    return list(info.ephemeral) if info else []


def first(events, pred):
    return next((e for e in events if pred(e)), None)


def member_event(events, user_id, membership, sender=None):
    return first(events, lambda e: isinstance(e, RoomMemberEvent) and e.state_key == user_id
                 and e.membership == membership and (sender is None or e.sender == sender))


async def main(base_url):
    alice, bob, carol = User(base_url, "alice"), User(base_url, "bob"), User(base_url, "carol")
    users = (alice, bob, carol)
    try:
        await scenario(alice, bob, carol)
    except Exception:  # noqa: BLE001 - a bug or an unexpected answer must still end in a FAIL line
        traceback.print_exc()
        step("scenario ran to the end", False, traceback.format_exc().strip().splitlines()[-1])
    finally:
        for u in users:
            await call(u.client.close(), 5)


async def scenario(alice, bob, carol):
    for u in (alice, bob, carol):
        resp = await call(u.client.register(u.localpart, "correct horse " + secrets.token_hex(4),
                                            device_name=f"nio rooms {u.name}"))
        step(f"register {u.name}", isinstance(resp, RegisterResponse) and bool(u.client.access_token),
             describe(resp))

    if need("initial sync", "register alice", "register bob", "register carol"):
        resps = [await u.sync_once(0) for u in (alice, bob, carol)]
        bad = [f"{u.name}: {describe(r)}" for u, r in zip((alice, bob, carol), resps)
               if not isinstance(r, SyncResponse)]
        step("initial sync", not bad and all(u.client.next_batch for u in (alice, bob, carol)),
             "; ".join(bad) or "no next_batch")

    # --- rooms ---------------------------------------------------------------------------
    direct = group = None
    if need("create direct room", "register alice", "register bob"):
        resp = await call(alice.client.room_create(is_direct=True, invite=[bob.user_id],
                                                   preset=RoomPreset.trusted_private_chat))
        ok = isinstance(resp, RoomCreateResponse) and resp.room_id.startswith("!")
        direct = resp.room_id if ok else None
        step("create direct room", ok, describe(resp))

    if need("create group room", "register alice"):
        resp = await call(alice.client.room_create(name=GROUP_NAME, topic=GROUP_TOPIC))
        ok = isinstance(resp, RoomCreateResponse) and resp.room_id.startswith("!")
        group = resp.room_id if ok else None
        step("create group room", ok, describe(resp))

    if need("group room state has name and topic", "create group room"):
        resp = await call(alice.client.room_get_state(group))
        if isinstance(resp, RoomGetStateResponse):
            state = {(e.get("type"), e.get("state_key")): e.get("content", {}) for e in resp.events}
            name = state.get(("m.room.name", ""), {}).get("name")
            topic = state.get(("m.room.topic", ""), {}).get("topic")
            creator = state.get(("m.room.member", alice.user_id), {}).get("membership")
            step("group room state has name and topic",
                 name == GROUP_NAME and topic == GROUP_TOPIC and creator == "join",
                 f"name={name!r} topic={topic!r} alice membership={creator!r}")
        else:
            step("group room state has name and topic", False, describe(resp))

    for u in (bob, carol):
        name = f"invite {u.name} to group room"
        if need(name, "create group room", f"register {u.name}"):
            resp = await call(alice.client.room_invite(group, u.user_id))
            step(name, isinstance(resp, RoomInviteResponse), describe(resp))

    if need("bob sees direct invite with is_direct", "create direct room", "initial sync"):
        def find(sync):
            info = sync.rooms.invite.get(direct)
            if not info:
                return None
            return first(info.invite_state, lambda e: isinstance(e, InviteMemberEvent)
                         and e.state_key == bob.user_id and e.membership == "invite"
                         and e.content.get("is_direct") is True)
        found, detail = await bob.wait(find)
        step("bob sees direct invite with is_direct", found, detail
             or "no invite member event with is_direct: true for bob")

    if need("bob sees group invite with room name", "invite bob to group room", "initial sync"):
        found, detail = await bob.wait(lambda s: s.rooms.invite.get(group))
        if found:
            names = [e.name for e in found.invite_state if isinstance(e, InviteNameEvent)]
            room = bob.client.invited_rooms.get(group)
            shown = room.display_name if room else None
            step("bob sees group invite with room name", GROUP_NAME in names and shown == GROUP_NAME,
                 f"invite_state names={names} client shows {shown!r}")
            inviter = first(found.invite_state, lambda e: isinstance(e, InviteMemberEvent)
                            and e.state_key == alice.user_id and e.membership == "join")
            step("invite state has the inviter's membership", inviter,
                 f"invite_state: {[getattr(e, 'source', e) for e in found.invite_state]}")
        else:
            step("bob sees group invite with room name", False, detail)
            need("invite state has the inviter's membership", "bob sees group invite with room name")

    for room_name, room_step, room_id_fn in (("direct", "create direct room", lambda: direct),
                                             ("group", "invite bob to group room", lambda: group)):
        name = f"bob joins {room_name} room"
        if need(name, room_step):
            resp = await call(bob.client.join(room_id_fn()))
            step(name, isinstance(resp, JoinResponse) and resp.room_id == room_id_fn(), describe(resp))

    if need("alice sees bob join", "bob joins direct room", "initial sync"):
        found, detail = await alice.wait(
            lambda s: member_event(joined(s, direct), bob.user_id, "join", bob.user_id))
        step("alice sees bob join", found, detail)

    if need("trusted_private_chat gives bob creator power", "bob joins direct room"):
        resp = await call(bob.client.room_get_state_event(direct, "m.room.power_levels"))
        if isinstance(resp, RoomGetStateEventResponse):
            levels = resp.content.get("users", {})
            step("trusted_private_chat gives bob creator power",
                 levels.get(bob.user_id) is not None
                 and levels.get(bob.user_id) == levels.get(alice.user_id), f"users={levels}")
        else:
            step("trusted_private_chat gives bob creator power", False, describe(resp))

    # --- messages ------------------------------------------------------------------------
    sent = {}  # step name -> event id

    async def send(sender, name, msgtype_or_type, content, needs):
        if need(name, *needs):
            resp = await call(sender.client.room_send(direct, msgtype_or_type, content))
            ok = isinstance(resp, RoomSendResponse) and resp.event_id.startswith("$")
            if ok:
                sent[name] = resp.event_id
            step(name, ok, describe(resp))

    async def receive(receiver, name, send_step, cls, body, sender):
        if need(name, send_step, "initial sync"):
            event_id = sent[send_step]
            found, detail = await receiver.wait(lambda s: first(
                joined(s, direct), lambda e: getattr(e, "event_id", None) == event_id))
            if found:
                step(name, isinstance(found, cls) and found.body == body and found.sender == sender,
                     f"got {type(found).__name__} {getattr(found, 'source', found)}")
            else:
                step(name, False, detail)

    in_room = ("bob joins direct room",)
    alice_text = "hello bob " + secrets.token_hex(4)
    bob_text = "hi alice " + secrets.token_hex(4)
    emote = "waves " + secrets.token_hex(4)
    notice = "notice " + secrets.token_hex(4)
    await send(alice, "alice sends text", "m.room.message", {"msgtype": "m.text", "body": alice_text}, in_room)
    await receive(bob, "bob receives alice's text", "alice sends text", RoomMessageText, alice_text, alice.user_id)
    await send(bob, "bob sends text", "m.room.message", {"msgtype": "m.text", "body": bob_text}, in_room)
    await receive(alice, "alice receives bob's text", "bob sends text", RoomMessageText, bob_text, bob.user_id)
    await send(alice, "alice sends emote", "m.room.message", {"msgtype": "m.emote", "body": emote}, in_room)
    await send(alice, "alice sends notice", "m.room.message", {"msgtype": "m.notice", "body": notice}, in_room)
    await receive(bob, "bob receives emote", "alice sends emote", RoomMessageEmote, emote, alice.user_id)
    await receive(bob, "bob receives notice", "alice sends notice", RoomMessageNotice, notice, alice.user_id)

    relation = {"rel_type": "m.annotation", "event_id": sent.get("alice sends text"), "key": "👍"}
    await send(bob, "bob reacts to alice's text", "m.reaction", {"m.relates_to": relation},
               in_room + ("alice sends text",))
    if need("alice receives reaction", "bob reacts to alice's text", "initial sync"):
        event_id = sent["bob reacts to alice's text"]
        found, detail = await alice.wait(lambda s: first(
            joined(s, direct), lambda e: getattr(e, "event_id", None) == event_id))
        src = getattr(found, "source", {}) if found else {}
        step("alice receives reaction", found and src.get("type") == "m.reaction"
             and src.get("sender") == bob.user_id
             and src.get("content", {}).get("m.relates_to") == relation, detail or f"got {src}")

    # --- receipts and typing (ephemeral) -------------------------------------------------
    if need("bob sends read receipt", "bob receives notice"):
        resp = await call(bob.client.update_receipt_marker(direct, sent["alice sends notice"]))
        step("bob sends read receipt", isinstance(resp, UpdateReceiptMarkerResponse), describe(resp))
    if need("alice sees bob's read receipt", "bob sends read receipt", "initial sync"):
        target = sent["alice sends notice"]
        found, detail = await alice.wait(lambda s: first(
            [r for e in ephemeral(s, direct) if isinstance(e, ReceiptEvent) for r in e.receipts],
            lambda r: r.user_id == bob.user_id and r.event_id == target and r.receipt_type == "m.read"))
        step("alice sees bob's read receipt", found, detail)

    if need("bob sends typing", "bob joins direct room"):
        mark = alice.mark()
        resp = await call(bob.client.room_typing(direct, True, timeout=30000))
        step("bob sends typing", isinstance(resp, RoomTypingResponse), describe(resp))
    if need("alice sees bob typing", "bob sends typing", "initial sync"):
        found, detail = await alice.wait(lambda s: first(
            ephemeral(s, direct), lambda e: isinstance(e, TypingNoticeEvent) and bob.user_id in e.users),
            start=mark)
        step("alice sees bob typing", found, detail)
    if need("bob stops typing", "bob sends typing"):
        mark = alice.mark()
        resp = await call(bob.client.room_typing(direct, False))
        step("bob stops typing", isinstance(resp, RoomTypingResponse), describe(resp))
    if need("alice sees bob stop typing", "bob stops typing", "alice sees bob typing"):
        found, detail = await alice.wait(lambda s: first(
            ephemeral(s, direct), lambda e: isinstance(e, TypingNoticeEvent) and bob.user_id not in e.users),
            start=mark)
        step("alice sees bob stop typing", found, detail)

    # --- history -------------------------------------------------------------------------
    history_needs = ("initial sync", "alice sends text", "bob sends text", "alice sends emote",
                     "alice sends notice")
    if need("alice paginates history backwards", *history_needs):
        token, pages, chunks, detail, limit_ok = alice.client.next_batch, 0, [], "", True
        while pages < 30:
            resp = await call(alice.client.room_messages(direct, token, direction=MessageDirection.back,
                                                         limit=4))
            if not isinstance(resp, RoomMessagesResponse):
                detail = f"page {pages + 1}: {describe(resp)}"
                break
            pages += 1
            limit_ok = limit_ok and len(resp.chunk) <= 4
            chunks.extend(resp.chunk)
            if not resp.chunk or not resp.end or resp.end == token:
                break
            token = resp.end
        step("alice paginates history backwards", not detail and pages > 0 and limit_ok and chunks,
             detail or f"{pages} pages, {len(chunks)} events, limit respected: {limit_ok}")
        ids = [getattr(e, "event_id", None) for e in chunks]
        order = [sent[s] for s in ("alice sends notice", "alice sends emote", "bob sends text",
                                   "alice sends text")]
        positions = [ids.index(i) if i in ids else None for i in order]
        step("history is newest first and complete",
             None not in positions and positions == sorted(positions) and len(set(ids)) == len(ids),
             f"positions of notice, emote, bob's text, alice's text: {positions}; "
             f"{len(ids)} events, {len(set(ids))} distinct")
        # By type, not class: nio 0.20's schema wants the "creator" that room version 11 dropped
        # from m.room.create, so it parses a v11 create event as a BadEvent.
        oldest = getattr(chunks[-1], "source", {}) if chunks else {}
        step("history reaches room creation", oldest.get("type") == "m.room.create",
             f"oldest event: {oldest}")
    else:
        need("history is newest first and complete", "alice paginates history backwards")
        need("history reaches room creation", "alice paginates history backwards")

    # --- redaction -----------------------------------------------------------------------
    if need("alice redacts her emote", "alice sends emote"):
        mark = bob.mark()
        resp = await call(alice.client.room_redact(direct, sent["alice sends emote"], reason="oops"))
        ok = isinstance(resp, RoomRedactResponse) and resp.event_id.startswith("$")
        step("alice redacts her emote", ok, describe(resp))
    if need("bob sees the redaction", "alice redacts her emote", "initial sync"):
        target = sent["alice sends emote"]
        found, detail = await bob.wait(lambda s: first(
            joined(s, direct), lambda e: isinstance(e, RedactionEvent) and e.redacts == target),
            start=mark)
        step("bob sees the redaction", found and found.sender == alice.user_id,
             detail or f"got {found.source}")
    if need("redacted emote is stripped", "alice redacts her emote", "bob joins direct room"):
        resp = await call(bob.client.room_get_event(direct, sent["alice sends emote"]))
        if isinstance(resp, RoomGetEventResponse):
            src = getattr(resp.event, "source", {})
            step("redacted emote is stripped", isinstance(resp.event, RedactedEvent)
                 and src.get("content") == {}, f"got {type(resp.event).__name__} {src}")
        else:
            step("redacted emote is stripped", False, describe(resp))

    # --- power levels --------------------------------------------------------------------
    if need("alice promotes bob to power 100", "bob joins group room"):
        mark = bob.mark()
        resp = await call(alice.client.room_get_state_event(group, "m.room.power_levels"))
        if isinstance(resp, RoomGetStateEventResponse):
            content = dict(resp.content)
            content["users"] = dict(content.get("users", {}), **{bob.user_id: 100})
            resp = await call(alice.client.room_put_state(group, "m.room.power_levels", content))
            step("alice promotes bob to power 100", isinstance(resp, RoomPutStateResponse), describe(resp))
        else:
            step("alice promotes bob to power 100", False, f"reading power levels: {describe(resp)}")
    if need("power levels state shows bob at 100", "alice promotes bob to power 100"):
        resp = await call(bob.client.room_get_state_event(group, "m.room.power_levels"))
        users = resp.content.get("users", {}) if isinstance(resp, RoomGetStateEventResponse) else None
        step("power levels state shows bob at 100", users is not None and users.get(bob.user_id) == 100,
             f"users={users}" if users is not None else describe(resp))
    if need("bob sees his promotion in sync", "alice promotes bob to power 100", "initial sync"):
        found, detail = await bob.wait(lambda s: first(
            joined(s, group), lambda e: isinstance(e, PowerLevelsEvent)
            and e.power_levels.get_user_level(bob.user_id) == 100), start=mark)
        step("bob sees his promotion in sync", found, detail)

    # --- kick and ban --------------------------------------------------------------------
    if need("carol joins group room", "invite carol to group room"):
        resp = await call(carol.client.join(group))
        step("carol joins group room", isinstance(resp, JoinResponse), describe(resp))
    if need("alice kicks carol", "carol joins group room"):
        mark = carol.mark()
        resp = await call(alice.client.room_kick(group, carol.user_id, reason="conformance kick"))
        step("alice kicks carol", isinstance(resp, RoomKickResponse), describe(resp))
    if need("carol's sync shows the kick", "alice kicks carol", "initial sync"):
        found, detail = await carol.wait(
            lambda s: member_event(left(s, group), carol.user_id, "leave", alice.user_id), start=mark)
        step("carol's sync shows the kick", found, detail)
    if need("alice bans carol", "alice kicks carol"):
        mark = carol.mark()
        resp = await call(alice.client.room_ban(group, carol.user_id, reason="conformance ban"))
        step("alice bans carol", isinstance(resp, RoomBanResponse), describe(resp))
    if need("carol's sync shows the ban", "alice bans carol", "initial sync"):
        found, detail = await carol.wait(
            lambda s: member_event(left(s, group), carol.user_id, "ban", alice.user_id), start=mark)
        step("carol's sync shows the ban", found, detail)
    if need("banned carol cannot join", "alice bans carol"):
        resp = await call(carol.client.join(group))
        step("banned carol cannot join", not isinstance(resp, JoinResponse)
             and getattr(resp, "status_code", None) in ("M_FORBIDDEN", "M_BAD_STATE"), describe(resp))
    if need("banned carol cannot be invited", "alice bans carol"):
        resp = await call(alice.client.room_invite(group, carol.user_id))
        step("banned carol cannot be invited", not isinstance(resp, RoomInviteResponse)
             and getattr(resp, "status_code", None) in ("M_FORBIDDEN", "M_BAD_STATE"), describe(resp))

    # --- leave ---------------------------------------------------------------------------
    if need("bob leaves group room", "bob joins group room"):
        mark_alice, mark_bob = alice.mark(), bob.mark()
        resp = await call(bob.client.room_leave(group))
        step("bob leaves group room", isinstance(resp, RoomLeaveResponse), describe(resp))
    if need("alice sees bob leave", "bob leaves group room", "initial sync"):
        found, detail = await alice.wait(
            lambda s: member_event(joined(s, group), bob.user_id, "leave", bob.user_id), start=mark_alice)
        step("alice sees bob leave", found, detail)
    if need("bob's sync lists the group room as left", "bob leaves group room", "initial sync"):
        found, detail = await bob.wait(lambda s: s.rooms.leave.get(group), start=mark_bob)
        step("bob's sync lists the group room as left", found, detail)
    if need("bob's joined rooms are the direct room only", "bob leaves group room"):
        resp = await call(bob.client.joined_rooms())
        step("bob's joined rooms are the direct room only",
             isinstance(resp, JoinedRoomsResponse) and resp.rooms == [direct], describe(resp))


if __name__ == "__main__":
    try:
        asyncio.run(asyncio.wait_for(main(sys.argv[1]), 240))
    except asyncio.TimeoutError:
        step("scenario finished in time", False, "the whole scenario took over 240s")
    finish()
