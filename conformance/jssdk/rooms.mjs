#!/usr/bin/env node
// Rooms-and-messages scenario driven by matrix-js-sdk 37.5 (the SDK under Element Web), a real
// client library speaking /v3 paths with an Authorization header.
//
// alice and bob register through the SDK, both run startClient() (GET /versions,
// GET /pushrules/, POST filter, GET /capabilities, then /sync with an inline filter) and must
// reach PREPARED. alice creates a room and invites bob; bob joins when the invite reaches him
// (the usual auto-join pattern); messages both ways are asserted from the other side's
// "Room.timeline" events; then a reaction, a read receipt and typing seen by the other side,
// history paged back with scrollback() from a fresh client, a redaction, a room name, bob's
// power level, and bob leaving.
//
// Every request and every wait has a time limit, so a missing feature is a FAIL line, never
// a hang. A step whose prerequisite failed is reported as FAIL "not attempted". Prints one
// line per step and "N passed, M failed"; exits 1 on any failure.
// Usage: node rooms.mjs BASE_URL   (JSSDK_LOG_LEVEL=debug|info|warn|error shows the SDK's log)
import { randomBytes } from "node:crypto";

import * as sdk from "matrix-js-sdk";

const REQUEST_TIMEOUT_MS = 15000; // one request
const WAIT_MS = 10000; // for something to reach the other client
const SCENARIO_MS = 240000; // the whole scenario

// The SDK logs through console.* at debug level; keep stdout for PASS/FAIL lines.
const LEVELS = ["trace", "debug", "info", "warn", "error"];
const logLevel = process.env.JSSDK_LOG_LEVEL;
const shown = logLevel ? LEVELS.slice(Math.max(0, LEVELS.indexOf(logLevel))) : [];
for (const method of [...LEVELS, "log"]) {
  console[method] = shown.includes(method === "log" ? "debug" : method)
    ? (...args) => process.stderr.write(`[sdk ${method}] ${args.map(String).join(" ")}\n`)
    : () => {};
}

const baseUrl = process.argv[2];
if (!baseUrl) {
  process.stderr.write("usage: node rooms.mjs BASE_URL\n");
  process.exit(2);
}

let passed = 0;
let failed = 0;
const results = new Map();

function step(name, ok, detail = "") {
  results.set(name, Boolean(ok));
  if (ok) {
    passed++;
    process.stdout.write(`PASS ${name}\n`);
  } else {
    failed++;
    let d = String(detail).replace(/\s+/g, " ");
    if (d.length > 400) d = d.slice(0, 400) + "...";
    process.stdout.write(`FAIL ${name} ${d}\n`);
  }
}

// True when every prerequisite passed; otherwise reports NAME as not attempted.
function need(name, ...prereqs) {
  const missing = prereqs.filter((p) => !results.get(p));
  if (missing.length) {
    step(name, false, `not attempted: needs ${missing.join("; ")}`);
    return false;
  }
  return true;
}

function describe(err) {
  if (err instanceof sdk.MatrixError) {
    const path = err.url ? ` on ${new URL(err.url).pathname}` : "";
    return `HTTP ${err.httpStatus} ${err.errcode}: ${err.data?.error ?? err.message}${path}`;
  }
  if (err instanceof Error) return `${err.name}: ${err.message}`;
  return String(err);
}

// Awaits PROMISE with a time limit: {ok, value} or {ok: false, error}.
async function call(promise, ms = REQUEST_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000}s`)), ms);
  });
  try {
    return { ok: true, value: await Promise.race([promise, timeout]) };
  } catch (e) {
    return { ok: false, error: describe(e) };
  } finally {
    clearTimeout(timer);
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls FN until it returns something truthy or MS pass; returns that value or null.
async function waitUntil(fn, ms = WAIT_MS) {
  const deadline = Date.now() + ms;
  for (;;) {
    let v;
    try {
      v = fn();
    } catch {
      v = null;
    }
    if (v) return v;
    if (Date.now() >= deadline) return null;
    await sleep(50);
  }
}

const token = () => randomBytes(4).toString("hex");

class User {
  constructor(name) {
    this.name = name;
    this.localpart = `${name}_${token()}`;
    this.password = `correct horse ${token()}`;
    this.client = null;
    this.userId = null;
    // What the SDK emitted, recorded so that a wait never misses an event that came early.
    this.timeline = [];
    this.receipts = [];
    this.typing = [];
    this.membership = [];
    this.redactions = [];
    this.syncStates = [];
  }

  async register() {
    const anon = sdk.createClient({ baseUrl, localTimeoutMs: REQUEST_TIMEOUT_MS });
    const r = await call(anon.registerRequest({
      username: this.localpart,
      password: this.password,
      auth: { type: "m.login.dummy" },
      initial_device_display_name: `js-sdk rooms ${this.name}`,
    }));
    const ok = r.ok && r.value.access_token && r.value.user_id?.startsWith(`@${this.localpart}:`);
    step(`register ${this.name}`, ok, r.ok ? JSON.stringify({ ...r.value, access_token: "…" }) : r.error);
    if (!ok) return;
    this.userId = r.value.user_id;
    this.credentials = { userId: r.value.user_id, accessToken: r.value.access_token, deviceId: r.value.device_id };
    this.client = this.makeClient();
    this.listen(this.client);
  }

  makeClient() {
    return sdk.createClient({ baseUrl, ...this.credentials, localTimeoutMs: REQUEST_TIMEOUT_MS });
  }

  listen(c) {
    c.on(sdk.ClientEvent.Sync, (state, _prev, data) => this.syncStates.push({ state, error: data?.error }));
    c.on(sdk.RoomEvent.Timeline, (ev, room, toStartOfTimeline, removed) =>
      this.timeline.push({ ev, roomId: room?.roomId, toStartOfTimeline, removed }));
    c.on(sdk.RoomEvent.Receipt, (ev, room) => this.receipts.push({ ev, roomId: room.roomId }));
    c.on(sdk.RoomMemberEvent.Typing, (_ev, member) =>
      this.typing.push({ roomId: member.roomId, userId: member.userId, typing: member.typing }));
    c.on(sdk.RoomMemberEvent.Membership, (ev, member) =>
      this.membership.push({ ev, roomId: member.roomId, userId: member.userId, membership: member.membership }));
    c.on(sdk.RoomEvent.Redaction, (ev, room) => this.redactions.push({ ev, roomId: room.roomId }));
  }

  // Starts C (this user's client by default) and waits until its first sync is processed:
  // [ok, detail] for a step.
  async start(c = this.client, records = this.syncStates, opts = {}) {
    const r = await call(c.startClient({ initialSyncLimit: 20, pollTimeout: 5000, ...opts }));
    if (!r.ok) return [false, `startClient: ${r.error}`];
    const ready = await waitUntil(() => ["PREPARED", "SYNCING"].includes(c.getSyncState()), 15000);
    const errors = records.filter((s) => s.error).map((s) => `${s.state}: ${describe(s.error)}`);
    return [ready, `sync state ${c.getSyncState()} after 15s; ${[...new Set(errors)].slice(-3).join("; ") || "no sync error reported"}`];
  }

  seen(roomId, eventId) {
    return this.timeline.find((t) => t.roomId === roomId && !t.removed && t.ev.getId() === eventId)?.ev;
  }
}

async function scenario() {
  const alice = new User("alice");
  const bob = new User("bob");
  const clients = [];
  try {
    const anon = sdk.createClient({ baseUrl, localTimeoutMs: REQUEST_TIMEOUT_MS });
    const v = await call(anon.getVersions());
    step("versions lists v1.5", v.ok && v.value.versions?.includes("v1.5"),
      v.ok ? `versions: ${JSON.stringify(v.value.versions)}` : v.error);

    await alice.register();
    await bob.register();
    for (const u of [alice, bob]) if (u.client) clients.push(u.client);

    // Bob joins rooms as soon as an invite from alice reaches him, as an auto-joining client does.
    let bobJoin = null;
    if (bob.client) {
      bob.client.on(sdk.RoomMemberEvent.Membership, (ev, member) => {
        if (member.userId === bob.userId && member.membership === "invite" && ev.getSender() === alice.userId && !bobJoin) {
          bobJoin = call(bob.client.joinRoom(member.roomId));
        }
      });
    }

    // Both clients start at once; each must reach PREPARED within 15s.
    const [aliceStart, bobStart] = await Promise.all([alice, bob].map((u) => (u.client ? u.start() : null)));
    if (need("alice client prepared", "register alice")) step("alice client prepared", ...aliceStart);
    if (need("bob client prepared", "register bob")) step("bob client prepared", ...bobStart);
    const prepared = ["alice client prepared", "bob client prepared"];

    let roomId = null;
    if (need("alice creates a room", "register alice")) {
      const r = await call(alice.client.createRoom({ visibility: sdk.Visibility.Private, preset: sdk.Preset.PrivateChat }));
      const ok = r.ok && r.value.room_id?.startsWith("!");
      if (ok) roomId = r.value.room_id;
      step("alice creates a room", ok, r.ok ? JSON.stringify(r.value) : r.error);
    }
    if (need("alice's client shows the room", "alice creates a room", "alice client prepared")) {
      const room = await waitUntil(() => alice.client.getRoom(roomId)?.getMyMembership() === "join");
      step("alice's client shows the room", room, `membership ${alice.client.getRoom(roomId)?.getMyMembership()}`);
    }
    if (need("alice invites bob", "alice creates a room", "register bob")) {
      const r = await call(alice.client.invite(roomId, bob.userId));
      step("alice invites bob", r.ok, r.error);
    }
    if (need("bob sees the invite", "alice invites bob", "bob client prepared")) {
      const m = await waitUntil(() => bob.membership.find((m) => m.roomId === roomId && m.userId === bob.userId && m.membership === "invite"));
      step("bob sees the invite", m, "no RoomMember.membership invite event for bob");
    }
    if (need("bob joins on the invite", "bob sees the invite")) {
      const started = await waitUntil(() => bobJoin, 2000);
      const r = started ? await bobJoin : { ok: false, error: "the invite handler did not start a join" };
      step("bob joins on the invite", r.ok && r.value?.roomId === roomId, r.ok ? `joined ${r.value?.roomId}` : r.error);
    }
    if (need("alice sees bob join", "bob joins on the invite", "alice client prepared")) {
      const m = await waitUntil(() => alice.membership.find((m) => m.roomId === roomId && m.userId === bob.userId && m.membership === "join"));
      step("alice sees bob join", m, "no RoomMember.membership join event for bob");
    }

    // --- messages --------------------------------------------------------------------------
    const sent = {};
    const inRoom = ["bob joins on the invite", ...prepared];
    async function send(sender, name, fn, needs = inRoom) {
      if (!need(name, ...needs)) return;
      const r = await call(fn(sender.client));
      const ok = r.ok && r.value?.event_id?.startsWith("$");
      if (ok) sent[name] = r.value.event_id;
      step(name, ok, r.ok ? JSON.stringify(r.value) : r.error);
    }
    async function receive(receiver, name, sendStep, check) {
      if (!need(name, sendStep)) return;
      const ev = await waitUntil(() => receiver.seen(roomId, sent[sendStep]));
      let problem;
      try {
        problem = ev ? check(ev) : `event ${sent[sendStep]} not in ${receiver.name}'s Room.timeline within ${WAIT_MS / 1000}s`;
      } catch (e) {
        problem = `checking the event: ${describe(e)}`;
      }
      step(name, !problem, problem);
    }
    const message = (sender, msgtype, body) => (ev) =>
      ev.getType() === "m.room.message" && ev.getSender() === sender.userId && ev.getContent().msgtype === msgtype && ev.getContent().body === body
        ? ""
        : `got ${JSON.stringify(ev.getEffectiveEvent())}`;

    const aliceText = `hello bob ${token()}`;
    const bobText = `hi alice ${token()}`;
    await send(alice, "alice sends a message", (c) => c.sendTextMessage(roomId, aliceText));
    await receive(bob, "bob receives alice's message", "alice sends a message", message(alice, "m.text", aliceText));
    await send(bob, "bob sends a message", (c) => c.sendTextMessage(roomId, bobText));
    await receive(alice, "alice receives bob's message", "bob sends a message", message(bob, "m.text", bobText));
    // Server-side search, as Element's room search calls it (order_by recent, one event of
    // context each side, profiles).
    if (need("alice finds bob's message by search", "bob sends a message")) {
      const r = await call(alice.client.searchRoomEvents({ term: bobText.split(" ").pop() }));
      const found = r.ok ? r.value.results.map((sr) => sr.context.getEvent().getId()) : [];
      const before = r.ok ? r.value.results[0]?.context.getTimeline().map((ev) => ev.getId()) : [];
      step("alice finds bob's message by search",
        r.ok && found.length === 1 && found[0] === sent["bob sends a message"] && before.includes(sent["alice sends a message"]),
        r.ok ? `results ${JSON.stringify(found)}, context ${JSON.stringify(before)}` : r.error);
    }

    const relation = { rel_type: "m.annotation", event_id: sent["alice sends a message"], key: "👍" };
    await send(bob, "bob reacts to alice's message", (c) => c.sendEvent(roomId, sdk.EventType.Reaction, { "m.relates_to": relation }),
      [...inRoom, "alice sends a message"]);
    await receive(alice, "alice receives the reaction", "bob reacts to alice's message", (ev) =>
      ev.getType() === "m.reaction" && ev.getSender() === bob.userId && JSON.stringify(ev.getRelation()) === JSON.stringify(relation)
        ? ""
        : `got ${JSON.stringify(ev.getEffectiveEvent())}`);

    // --- read receipt and typing -----------------------------------------------------------
    if (need("bob sends a read receipt", "bob receives alice's message")) {
      const ev = bob.client.getRoom(roomId)?.findEventById(sent["alice sends a message"]);
      const r = ev ? await call(bob.client.sendReadReceipt(ev)) : { ok: false, error: "event not in bob's room" };
      step("bob sends a read receipt", r.ok, r.error);
    }
    if (need("alice sees bob's read receipt", "bob sends a read receipt")) {
      const target = sent["alice sends a message"];
      const rec = await waitUntil(() => alice.receipts.find((r) => r.roomId === roomId && r.ev.getContent()?.[target]?.["m.read"]?.[bob.userId]));
      const upTo = alice.client.getRoom(roomId)?.getEventReadUpTo(bob.userId);
      step("alice sees bob's read receipt", rec, `no Room.receipt for ${target} from bob; alice's client has bob read up to ${upTo}`);
    }
    if (need("bob starts typing", ...inRoom)) {
      const r = await call(bob.client.sendTyping(roomId, true, 20000));
      step("bob starts typing", r.ok, r.error);
    }
    if (need("alice sees bob typing", "bob starts typing")) {
      const t = await waitUntil(() => alice.typing.find((t) => t.roomId === roomId && t.userId === bob.userId && t.typing));
      step("alice sees bob typing", t, "no RoomMember.typing event for bob");
    }
    if (need("bob stops typing", "bob starts typing")) {
      const r = await call(bob.client.sendTyping(roomId, false, 0));
      step("bob stops typing", r.ok, r.error);
    }
    if (need("alice sees bob stop typing", "bob stops typing", "alice sees bob typing")) {
      const t = await waitUntil(() => alice.client.getRoom(roomId)?.getMember(bob.userId)?.typing === false);
      step("alice sees bob stop typing", t, "bob still typing in alice's client");
    }

    // --- history: a fresh client that synced only the last events pages back ---------------
    if (need("fresh client prepared", "alice sends a message", "bob sends a message", "alice client prepared")) {
      const fresh = alice.makeClient();
      clients.push(fresh);
      const states = [];
      fresh.on(sdk.ClientEvent.Sync, (state, _p, data) => states.push({ state, error: data?.error }));
      step("fresh client prepared", ...(await alice.start(fresh, states, { initialSyncLimit: 2 })));
      if (need("scrollback reaches room creation", "fresh client prepared")) {
        const room = fresh.getRoom(roomId);
        let error = room ? "" : "room not in the fresh client";
        let pages = 0;
        const hasCreate = () => room.getLiveTimeline().getEvents().some((e) => e.getType() === "m.room.create");
        const before = room ? room.getLiveTimeline().getEvents().length : 0;
        while (room && !error && !hasCreate() && room.oldState.paginationToken !== null && pages < 30) {
          const r = await call(fresh.scrollback(room, 5));
          if (!r.ok) error = `scrollback page ${pages + 1}: ${r.error}`;
          pages++;
        }
        step("scrollback reaches room creation", room && !error && hasCreate() && pages > 0,
          error || `${pages} pages; ${before} events before, ${room.getLiveTimeline().getEvents().length} after; m.room.create ${hasCreate() ? "found" : "missing"}`);
        if (need("scrollback history is in order", "scrollback reaches room creation")) {
          const ids = room.getLiveTimeline().getEvents().map((e) => e.getId());
          const order = ["alice sends a message", "bob sends a message", "bob reacts to alice's message"].map((s) => ids.indexOf(sent[s]));
          const distinct = new Set(ids).size === ids.length;
          step("scrollback history is in order", ids[0] && room.getLiveTimeline().getEvents()[0].getType() === "m.room.create"
            && !order.includes(-1) && order.every((p, i) => i === 0 || p > order[i - 1]) && distinct,
            `first event ${room.getLiveTimeline().getEvents()[0]?.getType()}; positions ${order}; distinct ${distinct}`);
        }
      } else {
        need("scrollback history is in order", "scrollback reaches room creation");
      }
      fresh.stopClient();
    } else {
      need("scrollback reaches room creation", "fresh client prepared");
      need("scrollback history is in order", "scrollback reaches room creation");
    }

    // --- redaction ---------------------------------------------------------------------------
    await send(alice, "alice sends a message to redact", (c) => c.sendTextMessage(roomId, `oops ${token()}`));
    if (need("bob receives the message to redact", "alice sends a message to redact")) {
      const ev = await waitUntil(() => bob.seen(roomId, sent["alice sends a message to redact"]));
      step("bob receives the message to redact", ev, "not in bob's Room.timeline");
    }
    if (need("alice redacts it", "alice sends a message to redact")) {
      const r = await call(alice.client.redactEvent(roomId, sent["alice sends a message to redact"], undefined, { reason: "typo" }));
      step("alice redacts it", r.ok && r.value?.event_id?.startsWith("$"), r.ok ? JSON.stringify(r.value) : r.error);
    }
    if (need("bob sees the redaction", "alice redacts it", "bob receives the message to redact")) {
      const target = sent["alice sends a message to redact"];
      const red = await waitUntil(() => bob.redactions.find((r) => r.roomId === roomId && r.ev.getAssociatedId() === target));
      const original = bob.client.getRoom(roomId)?.findEventById(target);
      step("bob sees the redaction", red && original?.isRedacted() && Object.keys(original.getContent()).length === 0,
        red ? `original ${JSON.stringify(original?.getEffectiveEvent())}` : "no Room.redaction event for it");
    }

    // --- room name and power levels -------------------------------------------------------
    const roomName = `Parley js-sdk ${token()}`;
    if (need("alice sets the room name", "alice creates a room")) {
      const r = await call(alice.client.setRoomName(roomId, roomName));
      step("alice sets the room name", r.ok && r.value?.event_id, r.ok ? JSON.stringify(r.value) : r.error);
    }
    if (need("bob sees the room name", "alice sets the room name", "bob joins on the invite")) {
      const ok = await waitUntil(() => bob.client.getRoom(roomId)?.name === roomName);
      step("bob sees the room name", ok, `bob's client shows ${JSON.stringify(bob.client.getRoom(roomId)?.name)}`);
    }
    if (need("alice sets bob's power level to 100", "bob joins on the invite")) {
      const r = await call(alice.client.setPowerLevel(roomId, bob.userId, 100));
      step("alice sets bob's power level to 100", r.ok && r.value?.event_id, r.ok ? JSON.stringify(r.value) : r.error);
    }
    if (need("bob sees his power level", "alice sets bob's power level to 100")) {
      const ok = await waitUntil(() => bob.client.getRoom(roomId)?.getMember(bob.userId)?.powerLevel === 100);
      step("bob sees his power level", ok, `bob's client has level ${bob.client.getRoom(roomId)?.getMember(bob.userId)?.powerLevel}`);
    }

    // --- leave -------------------------------------------------------------------------------
    if (need("bob leaves the room", "bob joins on the invite")) {
      const r = await call(bob.client.leave(roomId));
      step("bob leaves the room", r.ok, r.error);
    }
    if (need("alice sees bob leave", "bob leaves the room", "alice client prepared")) {
      const m = await waitUntil(() => alice.membership.find((m) => m.roomId === roomId && m.userId === bob.userId && m.membership === "leave"));
      step("alice sees bob leave", m, "no RoomMember.membership leave event for bob");
    }
    if (need("bob's client shows the room left", "bob leaves the room", "bob client prepared")) {
      const ok = await waitUntil(() => bob.client.getRoom(roomId)?.getMyMembership() === "leave");
      step("bob's client shows the room left", ok, `membership ${bob.client.getRoom(roomId)?.getMyMembership()}`);
    }
  } finally {
    for (const c of clients) {
      try {
        c.stopClient();
      } catch {
        // already stopped
      }
    }
  }
}

process.on("unhandledRejection", (e) => process.stderr.write(`unhandled rejection: ${describe(e)}\n`));
const guard = setTimeout(() => {
  step("scenario finished in time", false, `the whole scenario took over ${SCENARIO_MS / 1000}s`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  process.exit(1);
}, SCENARIO_MS);
try {
  await scenario();
} catch (e) {
  step("scenario ran to the end", false, `${describe(e)} ${e?.stack ?? ""}`);
}
clearTimeout(guard);
process.stdout.write(`${passed} passed, ${failed} failed\n`);
process.exit(failed ? 1 : 0);
