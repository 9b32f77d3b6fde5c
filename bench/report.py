#!/usr/bin/python3
"""Turns the raw outputs of one bench/run.sh run into the table and bench/results/NAME.json.

    report.py RESULTS_DIR OUT.json

RESULTS_DIR holds loadgen's one-line JSON per scenario (NAME.json, or NAME.failed with the
reason), the ceilings' raw outputs (versions_cN.json, wrk_c64.txt, pgbench_cN.txt,
disk_write_mib_s.txt), NAME.load (1-minute load average before and after) and meta.json.
Exit status 1 when a scenario failed: the harness is broken, whatever the numbers say.
"""
import json
import os
import re
import sys

MB = 1024 * 1024


def read(path):
    try:
        with open(path) as f:
            return f.read()
    except OSError:
        return None


def load_json(path):
    text = read(path)
    return json.loads(text) if text else None


def parse_ceilings(d):
    c = {"http": {}, "db": {}}
    for n in (1, 20, 64, 100):
        v = load_json(os.path.join(d, f"versions_c{n}.json"))
        if v:
            c["http"][n] = {"rps": v["requests_per_s"], "mean_ms": v["latency_mean_ms"],
                            "p50_ms": v["latency_p50_ms"], "p95_ms": v["latency_p95_ms"],
                            "p99_ms": v["latency_p99_ms"],
                            "loadgen_cpu_pct": v["run_loadgen_cpu_pct"],
                            "server_cpu_pct": v["run_server_cpu_pct"]}
    wrk = read(os.path.join(d, "wrk_c64.txt")) or ""
    m = re.search(r"Requests/sec:\s+([\d.]+)", wrk)
    if m:
        c["wrk_c64_rps"] = float(m.group(1))
    for name in os.listdir(d):
        m = re.fullmatch(r"pgbench_c(\d+)\.txt", name)
        tps = re.search(r"tps = ([\d.]+)", read(os.path.join(d, name)) or "") if m else None
        if tps:
            c["db"][int(m.group(1))] = float(tps.group(1))
    pool = read(os.path.join(d, "pool_size.txt"))
    c["pool_size"] = int(pool) if pool else None
    disk = read(os.path.join(d, "disk_write_mib_s.txt"))
    c["disk_write_mib_s"] = float(disk) if disk and disk.strip() else None
    return c


class Table:
    def __init__(self):
        self.rows = []

    def add(self, scenario, measure, figure, unit="", ceiling=None, ceiling_label="",
            ratio_kind=None, target="", met=None, note=""):
        """ratio_kind: 'share' (figure / ceiling, throughput) or 'times' (figure / ceiling,
        a latency that the ceiling bounds from below)."""
        ratio = None
        if ratio_kind and isinstance(figure, (int, float)) and ceiling:
            ratio = figure / ceiling
        self.rows.append({"scenario": scenario, "measure": measure, "figure": figure, "unit": unit,
                          "ceiling": ceiling, "ceiling_label": ceiling_label, "ratio": ratio,
                          "ratio_kind": ratio_kind, "target": target, "met": met, "note": note})


def fmt(v, unit=""):
    if v is None:
        return "-"
    if isinstance(v, str):
        return v
    if unit == "MB":
        return f"{v / MB:.1f} MB"
    if float(v).is_integer() and abs(v) < 100:
        s = f"{v:.0f}"
    elif abs(v) >= 100:
        s = f"{v:,.0f}"
    elif abs(v) >= 10:
        s = f"{v:.1f}"
    else:
        s = f"{v:.2f}"
    return f"{s} {unit}".strip()


def ratio_text(r):
    if r["ratio"] is None:
        return "-"
    return f"{100 * r['ratio']:.0f}%" if r["ratio_kind"] == "share" else f"{r['ratio']:.1f}x"


def verdict(met):
    return "-" if met is None else ("met" if met else "MISSED")


def print_table(t, title):
    cols = ["scenario", "measure", "figure", "ceiling (same run)", "ratio", "target", "verdict"]
    lines = []
    for r in t.rows:
        ceil = "-"
        if r["ceiling"] is not None:
            ceil = f"{fmt(r['ceiling'], r['unit'])} {r['ceiling_label']}".strip()
        lines.append([r["scenario"], r["measure"], fmt(r["figure"], r["unit"]), ceil, ratio_text(r),
                      r["target"] or "-", verdict(r["met"])])
    widths = [max([len(c)] + [len(l[i]) for l in lines]) for i, c in enumerate(cols)]
    print(title)
    print(" | ".join(c.ljust(w) for c, w in zip(cols, widths)))
    print("-+-".join("-" * w for w in widths))
    prev = None
    for l in lines:
        shown = list(l)
        if l[0] == prev:
            shown[0] = ""
        prev = l[0]
        print(" | ".join(c.ljust(w) for c, w in zip(shown, widths)))


def ceiling_rows(t, c):
    for n, h in sorted(c["http"].items()):
        t.add("ceiling: HTTP", f"GET /versions, {n} conn: req/s", h["rps"], "/s",
              note=f"p50 {h['p50_ms']:.2f} ms, p99 {h['p99_ms']:.2f} ms")
        t.add("ceiling: HTTP", f"GET /versions, {n} conn: p50 / p99",
              f"{h['p50_ms']:.2f} / {h['p99_ms']:.2f} ms")
    if "wrk_c64_rps" in c:
        t.add("ceiling: HTTP", "wrk -t2 -c64 GET /versions: req/s", c["wrk_c64_rps"], "/s")
    for n, tps in sorted(c["db"].items()):
        label = " (= pool size)" if n == c["pool_size"] else ""
        t.add("ceiling: DB", f"pgbench insert+commit, {n} clients{label}", tps, "tx/s")
    t.add("ceiling: disk", "dd 50 MiB, conv=fsync", c["disk_write_mib_s"], "MiB/s")


# The scenario row builders: each reads one loadgen result (s) and the ceilings (c).
def idle_rows(t, s, c):
    t.add("idle", "RSS after start", s["rss_start_bytes"], "MB")
    t.add("idle", f"RSS after {s['users']:.0f} registered users", s["rss_after_users_bytes"], "MB",
          target="<= 20 MB", met=s["rss_after_users_bytes"] <= 20 * MB)
    t.add("idle", "  of which anonymous (heap, stacks) / file-backed (libraries)",
          f"{s['rss_anon_bytes'] / MB:.1f} / {s['rss_file_bytes'] / MB:.1f} MB")


def send_rows(t, s, c):
    name = f"send ({s['senders']:.0f} senders, {s['rooms']:.0f} rooms)"
    db = c["db"].get(c["pool_size"])
    rate = s["events_per_s"]
    met = rate >= 3000 and (db is None or rate >= 0.5 * db)
    t.add(name, "events/s (200-byte m.text)", rate, "/s", db, f"DB tx/s, {c['pool_size']} clients",
          "share", ">= 3,000/s and >= 50% of DB", met)
    h = c["http"].get(64, {})
    for p in ("p50", "p99"):
        t.add(name, f"send latency {p}", s[f"latency_{p}_ms"], "ms", h.get(f"{p}_ms"),
              f"HTTP {p}, 64 conn", "times")
    t.add(name, "errors", s["errors"], target="0", met=s["errors"] == 0)
    cpu_row(t, name, s, "run")


def cpu_row(t, name, s, prefix):
    parts = ("server", "postgres", "loadgen", "other")
    t.add(name, "CPU % (200 = both cores) " + " / ".join(parts),
          " / ".join(f"{s[f'{prefix}_{k}_cpu_pct']:.0f}" for k in parts))


def fanout_rows(t, s, c):
    name = f"fan-out ({s['rooms']:.0f} rooms x {s['members']:.0f}, {s['parked']:.0f} parked)"
    h = c["http"].get(100, {})
    t.add(name, "send-to-delivery p50", s["delivery_p50_ms"], "ms", h.get("p50_ms"),
          "HTTP p50, 100 conn", "times")
    t.add(name, "send-to-delivery p99", s["delivery_p99_ms"], "ms", h.get("p99_ms"),
          "HTTP p99, 100 conn", "times", "<= 20 ms", s["delivery_p99_ms"] <= 20)
    t.add(name, "RSS with all syncs parked", s["rss_parked_bytes"], "MB", target="<= 60 MB",
          met=s["rss_parked_bytes"] <= 60 * MB)
    t.add(name, "lost deliveries / sync errors",
          f"{s['lost_deliveries']:.0f} / {s['sync_errors']:.0f}",
          target="0", met=s["lost_deliveries"] == 0 and s["sync_errors"] == 0)
    cpu_row(t, name, s, "run")


def sync_rows(t, s, c):
    name = (f"initial sync ({s['rooms']:.0f} rooms x {s['members_per_room']:.0f} members, "
            f"{s['syncers']:.0f} at once)")
    h20 = c["http"].get(20, {})
    errors, n = s.get("initial_errors", 0), s["initial_n"]
    solo = s.get("initial_solo_ms", -1)
    t.add(name, "one user alone (client)", solo if solo >= 0 else "failed (408)", "ms")
    if n > 0:
        met = s["initial_mean_ms"] <= 300 and not errors
        t.add(name, "mean (client)", s["initial_mean_ms"], "ms", h20.get("mean_ms"),
              "HTTP mean, 20 conn", "times", "<= 300 ms", met)
        t.add(name, "p95 (client)", s["initial_p95_ms"], "ms", h20.get("p95_ms"),
              "HTTP p95, 20 conn", "times")
    else:
        after = s.get("initial_error_mean_ms", 0) / 1000
        t.add(name, "mean (client)", f"all {errors:.0f} failed (after {after:.1f} s)", "ms",
              h20.get("mean_ms"), "HTTP mean, 20 conn", None, "<= 300 ms", False)
    t.add(name, "server time, mean (includes syncs a client gave up on)",
          s["initial_server_mean_ms"], "ms")
    # A request past the handler deadline (http.request_timeout_ms) gets 504; the server
    # finishes the work regardless.
    t.add(name, "failed (504 or transport error) / answered", f"{errors:.0f} / {n:.0f}",
          target="0", met=errors == 0)
    t.add(name, "seconds until the server finished them all", s.get("initial_drain_seconds"), "s")
    if s.get("initial_response_bytes"):
        t.add(name, "response size", s["initial_response_bytes"] / 1024, "KiB")
    cpu_row(t, name, s, "initial_run")
    name = f"incremental sync (1 new event, {s['rooms']:.0f} rooms)"
    h1 = c["http"].get(1, {})
    t.add(name, "server time, mean", s["incremental_server_mean_ms"], "ms", h1.get("p50_ms"),
          "HTTP p50, 1 conn", "times", "<= 5 ms", s["incremental_server_mean_ms"] <= 5)
    t.add(name, "client p50 / p99",
          f"{s['incremental_p50_ms']:.2f} / {s['incremental_p99_ms']:.2f} ms")
    t.add(name, "events missing from the answer", s["incremental_missing_events"], target="0",
          met=s["incremental_missing_events"] == 0)


def history_rows(t, s, c):
    name = f"history ({s['events']:.0f}-event room, pages of {s['page']:.0f})"
    h1 = c["http"].get(1, {})
    t.add(name, "/messages server time, mean", s["messages_server_mean_ms"], "ms", h1.get("p50_ms"),
          "HTTP p50, 1 conn", "times", "<= 10 ms", s["messages_server_mean_ms"] <= 10)
    t.add(name, "/messages client p50 / p95",
          f"{s['messages_p50_ms']:.2f} / {s['messages_p95_ms']:.2f} ms")
    t.add(name, "seeding rate (sends into one room)", s["seed_events_per_s"], "/s")


def state_rows(t, s, c):
    name = f"state ({s['members']:.0f} members join one room)"
    n = int(s["checkpoints"])
    for i in range(n):
        k = f"cp{i}"
        total, segment = s[k + "_bytes_per_state_event"], s[k + "_segment_bytes_per_state_event"]
        t.add(name, f"bytes/state event at {s[k + '_members']:.0f} members (this segment)",
              f"{total:,.0f} ({segment:,.0f})")
        t.add(name, f"join p50 / p99 up to {s[k + '_members']:.0f} members",
              f"{s[k + '_join_p50_ms']:.2f} / {s[k + '_join_p99_ms']:.2f} ms")
    g = s["growth_last_over_first_segment"]
    t.add(name, "growth: last segment / first segment bytes per event", g, "x",
          target="<= 1.5 (linear)", met=g <= 1.5)


def pipeline_rows(t, s, c):
    name = f"pipeline (remote PDUs in-process, {s['txn']:.0f} per transaction)"
    db1 = c["db"].get(1)
    t.add(name, f"events/s, one room ({s['events']:.0f} events)", s["events_per_s"], "/s", db1,
          "pgbench tx/s, 1 client", "share")
    t.add(name, f"events/s, {s['rooms']:.0f} rooms ({s['threads']:.0f} receivers)",
          s["rooms_events_per_s"], "/s", c["db"].get(10), "pgbench tx/s, 10 clients", "share")
    ok = bool(s["import_ok"]) and s["import_s"] < 5
    t.add(name, f"import the state of a {s['import_members']:.0f}-member room "
                f"({s['import_events']:.0f} events, every one checked)",
          s["import_s"], "s", target="< 5 s", met=ok)


def parse_media(text):
    """The figures of bench/media.sh's printed table (it writes no JSON)."""
    def num(pattern, group=1):
        m = re.search(pattern, text, re.M)
        return float(m.group(group)) if m else None
    m = {
        "upload_mib_s": num(r"^\s*upload, 1 client .*?\s([\d.]+) MiB/s"),
        "disk_write_mib_s": num(r"ceiling: dd same bytes, conv=fsync.*?\s([\d.]+) MiB/s"),
        "download_mib_s": num(r"^\s*download, 1 client .*?\s([\d.]+) MiB/s"),
        "disk_read_mib_s": num(r"ceiling: dd reading the stored file.*?\s([\d.]+) MiB/s"),
        "http_up_mib_s": num(r"ceiling: curl POST to a zero-work.*?\s([\d.]+) MiB/s"),
        "http_down_mib_s": num(r"ceiling: curl GET from a zero-work.*?\s([\d.]+) MiB/s"),
        "upload_parallel_mib_s": num(r"^\s*upload, \d+ clients at once.*?\s([\d.]+) MiB/s"),
        "peak_rss_uploads_mib": num(r"peak RSS, \d+ x \d+ MiB uploads at once\s+([\d.]+) MiB"),
        "size_mib": num(r"cores, ([\d.]+) MiB files"),
        "thumbnails": {},
    }
    for row in re.finditer(r"^\s+(\d+x\d+)\s+\d+ KiB\s+([\d.]+) ms\s+([\d.]+) ms\s+([\d.]+) ms"
                           r"\s+([\d.]+) ms", text, re.M):
        m["thumbnails"][row.group(1)] = {"cached_ms": float(row.group(2)),
                                         "render_ms": float(row.group(3)),
                                         "crop_ms": float(row.group(4)),
                                         "pregen_ms": float(row.group(5))}
    return m


def media_rows(t, s, c):
    name = f"media ({s['size_mib']:.0f} MiB files, bench/media.sh)" if s["size_mib"] else "media"
    for key, what, disk, http, disk_label in (
            ("upload_mib_s", "upload, 1 client", "disk_write_mib_s", "http_up_mib_s",
             "dd write, fsync"),
            ("download_mib_s", "download, 1 client", "disk_read_mib_s", "http_down_mib_s",
             "dd read (page cache)")):
        # The lower of the disk ceiling and the HTTP ceiling (curl against a zero-work
        # loopback server), both measured by media.sh in its run.
        ceilings = [(s[disk], disk_label), (s[http], "HTTP loopback")]
        ceilings = [x for x in ceilings if x[0]]
        lower, label = min(ceilings) if ceilings else (None, "")
        ok = None if s[key] is None or lower is None else s[key] >= 0.5 * lower
        t.add(name, what, s[key], "MiB/s", lower, label, "share", ">= 50% of lower ceiling", ok)
    t.add(name, "upload, parallel clients (aggregate)", s["upload_parallel_mib_s"], "MiB/s")
    t.add(name, "peak RSS during the parallel uploads", s["peak_rss_uploads_mib"], "MiB")
    for dims, th in s["thumbnails"].items():
        t.add(name, f"thumbnail of a {dims} JPEG: render / crop / cached",
              f"{th['render_ms']:.0f} / {th['crop_ms']:.0f} / {th['cached_ms']:.1f} ms")
    if s["thumbnails"]:
        t.add(name, "(no 2000x2000 source in media.sh; 1920x1080 and 4032x3024 bracket it)", "-")


BUILDERS = [("idle", idle_rows), ("send", send_rows), ("fanout", fanout_rows), ("sync", sync_rows),
            ("history", history_rows), ("state", state_rows), ("pipeline", pipeline_rows),
            ("media", media_rows)]


def not_available(reason):
    """A scenario whose endpoint answers 404 M_UNRECOGNIZED needs a feature the server lacks."""
    if reason and "404" in reason and "M_UNRECOGNIZED" in reason:
        return "n/a (server lacks the endpoint: " + reason.strip()[-160:] + ")"
    return None


def main():
    d, out_path = sys.argv[1], sys.argv[2]
    meta = load_json(os.path.join(d, "meta.json")) or {}
    c = parse_ceilings(d)
    t = Table()
    ceiling_rows(t, c)
    scenarios, failures, loads = {}, {}, {}
    for name, build in BUILDERS:
        s = load_json(os.path.join(d, name + ".json"))
        if name == "media" and read(os.path.join(d, "media.txt")):
            s = parse_media(read(os.path.join(d, "media.txt")))
        failed = read(os.path.join(d, name + ".failed"))
        load = (read(os.path.join(d, name + ".load")) or "").split()
        if load:
            loads[name] = load
        if s:
            scenarios[name] = s
            build(t, s, c)
        elif failed is not None:
            na = not_available(failed)
            failures[name] = failed.strip()
            t.add(name, na or "FAILED: " + failed.strip()[-110:], "-", met=None if na else False)
        elif name == "media" and not os.path.exists("bench/media.sh"):
            t.add("media", "n/a (bench/media.sh not present: no media endpoints yet)", "-",
                  "MiB/s", c["disk_write_mib_s"], "disk (dd fsync)")
    dirty = " (dirty)" if meta.get("dirty") else ""
    title = (f"Parley benchmarks: {meta.get('mode', '?')} run '{meta.get('name', '?')}', "
             f"commit {meta.get('commit', '?')}{dirty}, {meta.get('nproc', '?')} cores, "
             f"{meta.get('date', '')}")
    print_table(t, title)
    print("load average (1 min) before/after each scenario: " +
          ", ".join(f"{k} {'/'.join(v)}" for k, v in loads.items()) +
          f"; at the end {meta.get('loadavg_end', '?')}")
    result = {"meta": meta, "ceilings": c, "scenarios": scenarios, "failures": failures,
              "loadavg": loads, "rows": t.rows}
    with open(out_path, "w") as f:
        json.dump(result, f, indent=1, default=str)
    print(f"written {out_path}")
    real_failures = [k for k, v in failures.items() if not not_available(v)]
    return 1 if real_failures else 0


if __name__ == "__main__":
    sys.exit(main())
