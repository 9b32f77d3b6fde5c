"""What every matrix-nio conformance scenario shares: PASS/FAIL lines, prerequisites, time-limited
client calls, and the closing 'N passed, M failed' with the exit status."""
import asyncio
import sys

from nio import ErrorResponse

REQUEST_TIMEOUT = 15  # seconds for one request, retries included

passed = 0
failed = 0
results = {}


def step(name, ok, detail=""):
    global passed, failed
    results[name] = bool(ok)
    if ok:
        passed += 1
        print(f"PASS {name}", flush=True)
    else:
        failed += 1
        detail = str(detail).replace("\n", " ")
        if len(detail) > 400:
            detail = detail[:400] + "..."
        print(f"FAIL {name} {detail}", flush=True)


def describe(resp):
    """A response for a FAIL line: the class, and for errors the HTTP status and errcode,
    never the request URL (nio puts the access token in it)."""
    if isinstance(resp, str):
        return resp
    if isinstance(resp, ErrorResponse):
        status = getattr(resp.transport_response, "status", None)
        return f"{type(resp).__name__}: HTTP {status} {resp.status_code} {resp.message}"
    fields = {k: getattr(resp, k) for k in ("room_id", "event_id", "rooms") if hasattr(resp, k)}
    return f"{type(resp).__name__} {fields}" if fields else type(resp).__name__


def need(name, *prereqs):
    """True when every prerequisite step passed; otherwise reports NAME as not attempted."""
    missing = [p for p in prereqs if not results.get(p)]
    if missing:
        step(name, False, "not attempted: needs " + "; ".join(missing))
        return False
    return True


async def call(coro, timeout=REQUEST_TIMEOUT):
    """Awaits a client call with a time limit; an exception or time-out becomes a string."""
    try:
        return await asyncio.wait_for(coro, timeout)
    except asyncio.TimeoutError:
        return f"timed out after {timeout}s"
    except Exception as e:  # noqa: BLE001 - a client-side crash is a failed step, not a crash
        return f"{type(e).__name__}: {e}"


def finish():
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
