#!/usr/bin/env python3
"""Logging and tracing, end to end: a C program (log_events.c) with a log callback at trace
level drives the fault cases against the real Keycloak and the Hub simulator; this file arms
the faults, reads the records it printed, and checks the events, their order and fields, and
what the simulator received (its /_sim/requests log of X-Request-ID and traceparent).

    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \
        python3 tests/logging/run.py BUILD/tests/log_events

The last line is `logging: N passed, M failed`.
"""
import json
import os
import subprocess
import sys
import time
import urllib.parse
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO / "tests" / "reliability")]
import rel  # noqa: E402  (the stack's settings, the simulator's admin API, run_cases)
from netfaults import Forwarder  # noqa: E402

PROGRAM = None  # set in main


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def run(case, project, timeout=60, between=None, **settings):
    """Runs log_events for `case`; returns (records, results, other lines). `between` is called
    when the program says it is ready, before it goes on (the Keycloak case)."""
    ua = f"log-events/{project}"
    env = dict(os.environ, HAZY_HUB_HOST=rel.HUB, HAZY_CLIENT_ID=rel.API[0], HAZY_CLIENT_SECRET=rel.API[1],
               HAZY_USER_AGENT=ua, HAZY_RETRY_BASE_DELAY_MS="20")
    env.pop("HAZY_LOG", None)
    env.update({f"HAZY_{k.upper()}": str(v) for k, v in settings.items()})
    proc = subprocess.Popen([PROGRAM, case, project, rel.CONFIG], env=env, text=True,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    lines = []
    deadline = time.monotonic() + timeout
    for line in proc.stdout:
        lines.append(json.loads(line))
        if lines[-1].get("ready") and between:
            between()
            proc.stdin.write("go\n")
            proc.stdin.flush()
        expect(time.monotonic() < deadline, f"{case} ran past {timeout} s")
    proc.wait(timeout=10)
    expect(proc.returncode in (0, 1), f"log_events {case} exited {proc.returncode}: {proc.stderr.read()[-2000:]}")
    records = [line for line in lines if line.get("record")]
    results = {line["result"]: line for line in lines if "result" in line}
    other = [line for line in lines if not line.get("record") and "result" not in line]
    return records, results, other


def of_trace(records, trace_id):
    return [r for r in records if r["trace_id"] == trace_id]


def sequence(records, *wanted):
    """The records matching `wanted` (dicts of fields) in this order, possibly with other
    records between them; fails naming the first one missing."""
    found, i = [], 0
    for want in wanted:
        while i < len(records) and not all(records[i].get(k) == v for k, v in want.items()):
            i += 1
        expect(i < len(records), f"no record {want} after {[r['event'] for r in found]}; records: "
                                 + json.dumps([(r["event"], r["http_status"], r["attempt"]) for r in records]))
        found.append(records[i])
        i += 1
    return found


def train_trace(records, results):
    """The trace id of the train call: its first Hub exchange's."""
    expect(results["train"]["status"] == "OK", f"train: {results['train']}")
    post = [r for r in records if r["event"] == "http.exchange" and r["method"] == "POST" and "/train-jobs" in r["url"]]
    expect(post, "no POST train-jobs exchange was logged")
    return post[0]["trace_id"]


def received(trace_id):
    """What the simulator received in that trace (Hub routes and the /auth proxy)."""
    return rel.SIM.requests(trace_id=trace_id)


def spans_match(exchanges, sim_entries):
    """Each logged attempt is one request the simulator received, with the same span id in
    its traceparent and the same X-Request-ID."""
    expect(len(exchanges) == len(sim_entries), f"{len(exchanges)} logged attempts, simulator got {len(sim_entries)}")
    for logged, got in zip(exchanges, sim_entries):
        expect(got["traceparent"].split("-")[2] == logged["span_id"], f"span {logged['span_id']} != {got['traceparent']}")
        expect(got["request_id"] == logged["request_id"], f"request id {logged['request_id']} != {got['request_id']}")
    expect(len({r["span_id"] for r in exchanges}) == len(exchanges), "a span id was reused across attempts")


def case_503_retry_after():
    project = rel.unique("log503")
    rel.fault(rel.train_path(project), "status", method="POST", status=503, retry_after_s=1)
    records, results, _ = run("train", project)
    trace = train_trace(records, results)
    mine = of_trace(records, trace)
    first, retry, second = sequence(
        mine,
        {"event": "http.exchange", "method": "POST", "http_status": 503, "attempt": 1},
        {"event": "retry", "http_status": 503, "attempt": 1},
        {"event": "http.exchange", "method": "POST", "http_status": 201, "attempt": 2},
    )
    expect(retry["level"] == "warn" and retry["delay_ms"] >= 1000, f"retry record: {retry}")
    expect("Retry-After 1 s" in retry["message"], f"retry message: {retry['message']}")
    expect(first["url"].endswith(rel.train_path(project)) and "?" not in first["url"], first["url"])
    expect(first["elapsed_ms"] >= 0 and second["elapsed_ms"] >= 0, "exchanges carry their elapsed time")
    expect(not [r for r in mine if r["event"] == "call.failed"], "a call that succeeded logged call.failed")
    posts = [e for e in received(trace) if e["method"] == "POST" and e["path"].endswith("/train-jobs")]
    expect([e["status"] for e in posts] == [503, 201], f"simulator statuses {posts}")
    spans_match([first, second], posts)


def case_dropped_submission():
    project = rel.unique("logdrop")
    rel.fault(rel.train_path(project), "drop", method="POST")
    records, results, _ = run("train", project)
    trace = train_trace(records, results)
    first, retry, second = sequence(
        of_trace(records, trace),
        {"event": "http.exchange", "method": "POST", "http_status": 0, "attempt": 1},
        {"event": "retry", "attempt": 1},
        # The job was made by the dropped attempt: the retry, same Idempotency-Key, gets it (200).
        {"event": "http.exchange", "method": "POST", "http_status": 200, "attempt": 2},
    )
    expect("NETWORK" in retry["message"], f"the retry names the cause: {retry['message']}")
    posts = [e for e in received(trace) if e["method"] == "POST"]
    expect([e["status"] for e in posts] == ["dropped", 200], f"simulator statuses {posts}")
    spans_match([first, second], posts)
    expect(rel.stats(project)["jobs_total"] == 1, "the dropped submission made a second job")


def case_401_replay():
    project = rel.unique("log401")
    rel.fault(rel.train_path(project), "status", method="POST", status=401)
    # The token endpoint through the simulator's /auth proxy, as in a Hazy installation, so
    # that the simulator also sees the token request and its trace.
    records, results, _ = run("replay", project)
    trace = train_trace(records, results)
    mine = of_trace(records, trace)
    refused, replay, token_req, granted, accepted = sequence(
        mine,
        {"event": "http.exchange", "method": "POST", "http_status": 401, "attempt": 1},
        {"event": "auth.replay", "http_status": 401},
        {"event": "token.request", "method": "POST"},
        {"event": "token.granted", "http_status": 200},
        {"event": "http.exchange", "method": "POST", "http_status": 201, "attempt": 1},
    )
    expect(replay["level"] == "info", f"auth.replay level {replay['level']}")
    expect("/protocol/openid-connect/token" in token_req["url"], token_req["url"])
    expect("lifetime" in granted["message"], granted["message"])
    got = received(trace)
    expect([(e["method"], e["status"]) for e in got] == [("POST", 401), ("POST", 200), ("POST", 201)],
           f"one trace covers the refused POST, the token request and the replay: {got}")
    spans_match([refused, token_req, accepted], got)


def case_keycloak_restart():
    token = urllib.parse.urlsplit(rel.TOKEN_URL)
    fwd = Forwarder(token.hostname, token.port).start()
    via = token._replace(netloc=f"127.0.0.1:{fwd.port}").geturl()

    def outage():
        fwd.stop()
        # Back after a second: within the retries (at least 0.2 + 0.4 + 0.8 s of backoff).
        import threading
        threading.Timer(1.0, fwd.start).start()

    try:
        records, results, _ = run("keycloak", rel.unique("logkc"), between=outage, token_url=via,
                                  retry_base_delay_ms=400, retry_max_elapsed_ms=10000)
    finally:
        time.sleep(1.2)
        fwd.stop()
    expect(results["authenticate"]["status"] == "OK", f"first authenticate: {results['authenticate']}")
    again = results["authenticate again"]
    expect(again["status"] == "OK", f"authenticate across the restart: {again}")
    failed, retry, granted = sequence(
        records,
        {"event": "token.failed", "attempt": 1, "http_status": 0},
        {"event": "retry", "attempt": 1},
        {"event": "token.granted", "http_status": 200},
    )
    expect(granted["attempt"] >= 2, f"granted on attempt {granted['attempt']}")
    expect(failed["trace_id"] == retry["trace_id"] == granted["trace_id"], "the retries of one call share a trace")
    expect(failed["url"].startswith(f"http://127.0.0.1:{fwd.port}/"), failed["url"])


def case_error_carries_request_id():
    project = rel.unique("logerr")
    rel.fault(rel.train_path(project), "status", method="POST", status=422)
    records, results, _ = run("train", project)
    res = results["train"]
    expect(res["status"] == "VALIDATION", f"train: {res}")
    posts = [e for e in rel.SIM.requests(project_id=project) if e["method"] == "POST"]
    expect(len(posts) == 1 and res["request_id"] == posts[0]["request_id"], f"error's request id {res['request_id']} vs {posts}")
    failed = sequence(records, {"event": "call.failed", "level": "error"})[0]
    expect(failed["request_id"] == res["request_id"] and failed["http_status"] == 422, f"call.failed record: {failed}")
    # A server that answers with its own id: that one is what its logs know.
    project = rel.unique("logerr-srv")
    server_id = f"srv-{os.getpid()}-{time.monotonic_ns()}"
    rel.fault(rel.train_path(project), "status", method="POST", status=422, request_id=server_id)
    _, results, _ = run("train", project)
    expect(results["train"]["request_id"] == server_id, f"{results['train']} should carry {server_id}")


def case_reentry_refused():
    records, results, other = run("reentry", rel.unique("logre"))
    expect(results["train"]["status"] == "OK", f"train with a re-entering callback: {results['train']}")
    expect(other[-1].get("reentry_status") == "INVALID_STATE", f"a call from the callback returned {other}")
    expect(records, "no records")


def case_slow_callback_does_not_stall_other_threads():
    records, results, other = run("slow", rel.unique("logslow"))
    timing = other[-1]
    expect(timing["slow_call_s"] >= 1.0, f"the slow thread's callback did not sleep: {timing}")
    expect(timing["fast_failures"] == 0, f"the other thread's calls failed: {timing}")
    expect(timing["fast_worst_s"] < 0.5, f"another thread's call waited on the slow callback: {timing}")
    expect(any(r["slow_thread"] for r in records) and any(not r["slow_thread"] for r in records), "both threads logged")


def main():
    global PROGRAM
    PROGRAM = sys.argv[1] if len(sys.argv) > 1 else str(REPO / "build" / "tests" / "log_events")
    cases = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}
    rel.run_cases("logging", cases)


if __name__ == "__main__":
    main()
