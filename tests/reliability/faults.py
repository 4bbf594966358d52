#!/usr/bin/env python3
"""The fault matrix: libhazy against a real Keycloak and the Hub simulator while things break.

    python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- \
        python3 tests/reliability/faults.py [-k NAME] [--submissions N]

Each case is a function below; the last line is `faults: N passed, M failed`. This suite owns
the Hub's retry behaviours (Retry-After, drops, the retry budget, latency) and Keycloak
outages; tests/SCENARIOS.md names the owner of every other behaviour. Hub faults come
from the simulator's /_sim/faults; Keycloak outages and a silent token endpoint from
netfaults.py. Every case uses its own project id, so the simulator's per-project stats count
only that case's requests and jobs.
"""
import argparse
import random
import time
import urllib.parse

import rel
from netfaults import Forwarder, Silent
from rel import hz

FAST_RETRY = {"retry_base_delay_ms": 20}


def elapsed(fn, *args):
    t = time.monotonic()
    result = fn(*args)
    return result, time.monotonic() - t


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def post_count(project):
    return rel.stats(project)["requests"].get("POST /api/v1/projects/{project_id}/train-jobs", 0)


def one_job(project, job_id):
    st = rel.stats(project)
    jobs = [j.id for j in rel.client().jobs_list(project)]
    expect(st["jobs_total"] == 1 and jobs == [job_id], f"expected exactly job {job_id}, sim has "
           f"jobs_total {st['jobs_total']}, list {jobs}")


# -- Keycloak

def case_keycloak_down_then_up():
    token = urllib.parse.urlsplit(rel.TOKEN_URL)
    fwd = Forwarder(token.hostname, token.port).start()
    via = token._replace(netloc=f"127.0.0.1:{fwd.port}").geturl()
    project = rel.unique("kc-outage")
    with rel.client(token_url=via, retry_max_attempts=2, **FAST_RETRY) as c:
        c.authenticate()
        for round_ in (1, 2):  # down and up twice: recovery is not a one-off
            fwd.stop()
            before = c.token_request_count
            st, e = rel.status_of(c.authenticate)
            expect(st == hz.NETWORK, f"round {round_}: Keycloak down gave {hz.status_name(st)}: {e}")
            expect(c.token_request_count > before, "authenticate did not try the token endpoint")
            fwd.start()
            c.authenticate()
            job = c.train(project, rel.CONFIG)
            expect(job.state in (hz.STATE_QUEUED, hz.STATE_RUNNING), f"train after recovery: {job}")
    fwd.stop()


def case_token_endpoint_hangs_past_the_elapsed_budget():
    """With retries, the whole call is bounded by retry_max_elapsed_ms + one timeout. (One
    attempt against a silent server, and the attempt cap: tests/integration/test_keycloak_auth.py.)"""
    silent = Silent()
    url = f"http://127.0.0.1:{silent.port}/auth/realms/hazy/protocol/openid-connect/token"
    try:
        with rel.client(token_url=url, request_timeout_ms=500, retry_max_attempts=10,
                        retry_max_elapsed_ms=1500, **FAST_RETRY) as c:
            (st, e), took = elapsed(rel.status_of, c.authenticate)
            expect(st == hz.TIMEOUT, f"silent token endpoint (retries) gave {hz.status_name(st)}: {e}")
            expect(took <= 1.5 + 0.5 + 1.5, f"TIMEOUT with retries took {took:.2f} s")
            expect(c.token_request_count >= 2, f"only {c.token_request_count} token requests with retries")
    finally:
        silent.close()


def case_token_expiry_mid_wait():
    """A 14 s job waited for with 5 s tokens: the wait renews its token (at half its lifetime)
    several times and never fails with AUTH."""
    project = rel.unique("expiry")
    rel.job_duration(project, 14000)
    with rel.client(rel.SHORT_LIVED, poll_interval_ms=500) as c:
        c.authenticate()
        job = c.train(project, rel.CONFIG)
        done, took = elapsed(c.job_wait, job.id, 60000)
        expect(done.state == hz.STATE_SUCCEEDED, f"wait ended {done}")
        expect(took >= 10, f"the wait took {took:.1f} s, not past two token lifetimes")
        expect(c.token_request_count >= 3, f"{c.token_request_count} token requests in a {took:.0f} s wait")


# -- Hub status faults

def _status_then_ok(status, retry_after):
    project = rel.unique(f"hub{status}")
    rel.fault(rel.train_path(project), "status", method="POST", status=status, retry_after_s=retry_after)
    with rel.client(**FAST_RETRY) as c:
        job, took = elapsed(c.train, project, rel.CONFIG)
    expect(retry_after - 0.05 <= took < retry_after + 3.0, f"{status}: retried after {took:.2f} s, Retry-After {retry_after} s")
    expect(post_count(project) == 2, f"{status}: {post_count(project)} POSTs, expected 2")
    one_job(project, job.id)


def case_hub_503_retry_after():
    _status_then_ok(503, 1)


def case_hub_429_retry_after():
    _status_then_ok(429, 2)


def case_hub_503_until_retries_run_out():
    project = rel.unique("hub503x")
    rel.fault(rel.train_path(project), "status", method="POST", status=503, retry_after_s=0, count=3)
    with rel.client(retry_max_attempts=3, **FAST_RETRY) as c:
        (st, e), took = elapsed(rel.status_of, c.train, project, rel.CONFIG)
    expect(st == hz.SERVER and e.http_status == 503, f"503 x3 gave {hz.status_name(st)}: {e}")
    expect(post_count(project) == 3, f"{post_count(project)} POSTs for retry_max_attempts=3")
    expect(rel.stats(project)["jobs_total"] == 0, "a 503 created a job")
    expect(took < 3.0, f"SERVER after {took:.2f} s")


# -- drops and latency

def case_drop_submission():
    project = rel.unique("drop1")
    rel.fault(rel.train_path(project), "drop", method="POST")
    with rel.client(**FAST_RETRY) as c:
        job = c.train(project, rel.CONFIG)
    expect(post_count(project) == 2, f"{post_count(project)} POSTs, expected 2")
    one_job(project, job.id)


def case_drop_reads():
    project = rel.unique("dropget")
    with rel.client(**FAST_RETRY) as c:
        job = c.train(project, rel.CONFIG)
        rel.fault(rel.job_path(job.id), "drop", method="GET", count=3)
        got = c.job_get(job.id)
    expect(got.id == job.id, f"job_get after 3 drops returned {got}")
    expect(rel.faults_on(rel.job_path(job.id)) == [], "the drops were not all used")


def case_caller_key_generate_under_drops():
    project = rel.unique("gen")
    rel.job_duration(project, 200)
    with rel.client(poll_interval_ms=100, retry_max_attempts=2, **FAST_RETRY) as c:
        model = c.job_wait(c.train(project, rel.CONFIG).id, 30000).model_id
        key = f"rel-gen-{rel.unique('k')}"
        rel.fault(f"/api/v1/projects/{project}/generation-jobs", "drop", method="POST", count=2)
        first = rel.generate_with_key(c, project, model, 100, key=key)
        expect(first.status == hz.NETWORK and first.key == key,
               f"dropped generate: {hz.status_name(first.status)}, key {first.key!r} (sent {key!r})")
        again = rel.generate_with_key(c, project, model, 100, key=key)
        expect(again.ok, f"generate rerun: {hz.status_name(again.status)} {again.message}")
        gens = [j.id for j in c.jobs_list(project) if j.kind == "generate"]
    expect(gens == [again.job.id], f"generation jobs {gens}, rerun returned {again.job.id}")


def case_latency_past_timeout():
    project = rel.unique("slow")
    with rel.client(request_timeout_ms=1000, retry_max_attempts=1) as c:
        job = c.train(project, rel.CONFIG)
        rel.fault(rel.job_path(job.id), "latency", method="GET", latency_ms=4000)
        (st, e), took = elapsed(rel.status_of, c.job_get, job.id)
    expect(st == hz.TIMEOUT, f"latency 4000 ms past a 1000 ms timeout gave {hz.status_name(st)}: {e}")
    expect(0.9 <= took <= 2.5, f"TIMEOUT after {took:.2f} s")


def case_slow_submission_retried_once():
    """The first attempt times out after the Hub made the job; the retry, same key, gets it."""
    project = rel.unique("slowpost")
    rel.fault(rel.train_path(project), "latency", method="POST", latency_ms=3000)
    with rel.client(request_timeout_ms=1000, **FAST_RETRY) as c:
        job = c.train(project, rel.CONFIG)
    expect(post_count(project) == 2, f"{post_count(project)} POSTs, expected 2")
    one_job(project, job.id)


# -- volume

def case_submissions_under_drops(n, rate=0.2, attempts=2, seed=None):
    """n submissions, each HTTP attempt dropped with probability `rate` (armed as the number of
    leading drops a call meets, so the per-attempt rate holds whatever the retry count).
    attempts=2 makes calls whose every attempt is dropped common enough (rate^2 = 4%) to test
    key recovery; each such call is rerun with its key (again under drops) until it succeeds."""
    seed = seed if seed is not None else random.randrange(1 << 30)
    rng = random.Random(seed)
    project = rel.unique("drops")
    path = rel.train_path(project)
    posts = failed = dropped = 0

    def submit(c, key):
        nonlocal posts, dropped
        k = 0
        while k < attempts and rng.random() < rate:
            k += 1
        if k:
            rel.fault(path, "drop", method="POST", count=k)
        dropped += k
        posts += k if k == attempts else k + 1
        return rel.train_with_key(c, project, key=key)

    ids, keys = [], set()
    t0 = time.monotonic()
    with rel.client(retry_max_attempts=attempts, retry_base_delay_ms=5) as c:
        for _ in range(n):
            sub = submit(c, None)
            if not sub.ok:
                failed += 1
                expect(sub.status == hz.NETWORK, f"a dropped call gave {hz.status_name(sub.status)}: {sub.message}")
                expect(sub.key and sub.key not in keys, f"failed call's key {sub.key!r} missing or reused")
                key = sub.key
                for _ in range(20):
                    sub = submit(c, key)
                    if sub.ok:
                        break
                    expect(sub.key == key, f"rerun reported key {sub.key!r}, sent {key!r}")
                expect(sub.ok, f"key {key} never succeeded in 20 reruns")
                keys.add(key)
            ids.append(sub.job.id)
        listed = [j.id for j in c.jobs_list(project)]
    took = time.monotonic() - t0
    st = rel.stats(project)
    # A duplicate is a second job for one submission: a repeated id, or a job on the Hub that no
    # call returned (an orphan). A lost job is one a call returned that the Hub does not have.
    dup = len(ids) - len(set(ids)) + len(set(listed) - set(ids))
    lost = len(set(ids) - set(listed))
    print(f"  drops: {n} submissions in {took:.1f} s (seed {seed}): {dropped} responses dropped of {posts} "
          f"POSTs, {failed} calls failed with NETWORK and were rerun with their key; sim jobs_total "
          f"{st['jobs_total']}, listed {len(listed)}: {dup} duplicate and {lost} lost jobs")
    expect(failed > 0, "no call lost every attempt: key recovery was not exercised")
    expect(dup == 0 and lost == 0 and len(set(ids)) == n, f"{dup} duplicate and {lost} lost jobs")
    expect(st["jobs_total"] == n, f"sim made {st['jobs_total']} jobs for {n} submissions")
    expect(sorted(listed) == sorted(ids), "the Hub's job list differs from the jobs the calls returned")
    expect(post_count(project) == posts, f"sim saw {post_count(project)} POSTs, the client should send {posts}")
    expect(rel.faults_on(path) == [], "armed drops were left unused")


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-k", help="run only cases whose name contains this")
    ap.add_argument("--submissions", type=int, default=1000)
    ap.add_argument("--seed", type=int)
    args = ap.parse_args()
    cases = {name: fn for name, fn in CASES.items() if not args.k or args.k in name}
    rel.run_cases("faults", cases, lambda name, fn: fn(args.submissions, seed=args.seed)
                  if name == "submissions_under_drops" else fn())


if __name__ == "__main__":
    main()
