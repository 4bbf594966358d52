#!/usr/bin/env python3
"""`make bench`: libhazy against its anchors, interleaved over rounds, on the test stack.

Run under tests/stack/stack.py (it sets HAZY_TEST_HUB_URL and HAZY_TEST_TOKEN_URL) after
`make bench-tools`; `make bench` does both. Every figure comes from the runs of this
invocation. Prints one table (min / median / max over rounds) and writes the raw runs and
the summary as JSON into bench/results/ (gitignored).

Knobs (flags, or the environment variables in brackets):
  --rounds [BENCH_ROUNDS] 5        --n [BENCH_N] 3000 sequential calls per contender run
  --threads [BENCH_THREADS] 64     --thread-calls [BENCH_THREAD_CALLS] 1000
  --rss-n1/--rss-n2 [BENCH_RSS_N1/N2] 1000/10000
  --load-seconds [BENCH_LOAD_SECONDS] 3   --connections [BENCH_CONNECTIONS] 32 (wrk)
  --spawn-calls [BENCH_SPAWN_CALLS] 1000 calls, each on a new thread (spawn, tls)
  --alive-threads [BENCH_ALIVE_THREADS] 256 threads alive at once (alive)
  --alive-waves [BENCH_ALIVE_WAVES] 16 waves of them (alive)
  --only [BENCH_ONLY] seq,threads,...  run only these measurements (default: all of
         seq, threads, spawn, alive, tls, rss, cold, sim_load); figures of the others are left out
  --smoke: one round of a few hundred calls each, for `make test` (checks the harness only)
"""
import argparse
import contextlib
import datetime
import itertools
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import contenders  # noqa: E402
import report  # noqa: E402
from contenders import LOG_VARIANTS, BenchError, allocations_per_call, client_env, log_env, run_json, run_timed, wrk  # noqa: E402

REPO = contenders.REPO
RESULTS = REPO / "bench" / "results"
# The realm's client `api`, as tests/stack/stack.py exports it (set when run.py runs under it).
CLIENT_ID, CLIENT_SECRET = os.environ.get("HAZY_TEST_CLIENT_ID", ""), os.environ.get("HAZY_TEST_CLIENT_SECRET", "")
TRAIN_CONFIG = REPO / "examples" / "training-config.json"
PROJECT = "bench"
# What one round measures, in this order (the keys of a round's results; --only picks some).
MEASUREMENTS = ("seq", "threads", "spawn", "alive", "tls", "rss", "cold", "sim_load")
# libcurl as its documentation advises for many threads: one share handle (connections, TLS
# sessions, DNS) for every easy handle (bench/c/curl_bench.c, BENCH_CURL_SHARE).
SHARE = {"BENCH_CURL_SHARE": "1"}
# For threads that run at once: libcurl does not support sharing connections between
# concurrent threads (CURLSHOPT_SHARE(3)), so those share TLS sessions and DNS only.
SHARE_SESSIONS = {"BENCH_CURL_SHARE": "sessions"}


def log(msg):
    print(f"[bench] {msg}", file=sys.stderr, flush=True)


def http_json(method, url, token=None, body=None, form=None):
    headers = {"Accept": "application/json"}
    data = None
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if body is not None:
        data, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=30) as resp:
        raw = resp.read()
        return json.loads(raw) if raw else None, raw


def token(token_url):
    doc, _ = http_json("POST", token_url, form={"grant_type": "client_credentials",
                                                 "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET})
    return doc["access_token"]


def finished_job(hub, tok):
    """A training job on the simulator that has finished, so its JSON no longer changes."""
    http_json("PUT", f"{hub}/_sim/projects/{PROJECT}", body={"job_duration_ms": 1})
    job, _ = http_json("POST", f"{hub}/api/v1/projects/{PROJECT}/train-jobs", tok,
                       body=json.loads(TRAIN_CONFIG.read_text()))
    deadline = time.monotonic() + 30
    while True:
        doc, raw = http_json("GET", f"{hub}/api/v1/jobs/{job['id']}", tok)
        if doc["state"] in ("succeeded", "failed", "cancelled"):
            return doc["id"], raw
        if time.monotonic() > deadline:
            raise BenchError(f"job {doc['id']} still {doc['state']} after 30 s")
        time.sleep(0.05)


def start_cheapserver(tools, job_id, body, tmp):
    body_file, port_file = tmp / "job.json", tmp / "cheapserver.port"
    body_file.write_bytes(body)
    proc = subprocess.Popen(tools.cheapserver() + ["-id", job_id, "-body", str(body_file),
                                                   "-port-file", str(port_file)],
                            stdout=subprocess.DEVNULL, stdin=subprocess.DEVNULL)
    deadline = time.monotonic() + 10
    while not (port_file.exists() and port_file.read_text().strip().isdigit()):
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            raise BenchError("the cheap server did not start")
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port_file.read_text().strip()}"
    doc, _ = http_json("GET", f"{url}/api/v1/jobs/{job_id}")
    if doc["id"] != job_id:
        raise BenchError("the cheap server answers another job")
    return proc, url


def start_tls(stack, hub):
    """nginx with a test CA terminating TLS in front of the simulator, as tests/tls/ runs it;
    stopped with the stack. Returns (nginx, CA file, a counter naming each run)."""
    sys.path.insert(0, str(REPO / "tests" / "tls"))
    import fixture  # noqa: E402
    fx = stack.enter_context(fixture.Fixture())
    ca = fx.make_ca("bench-ca")
    cert = fx.make_cert(ca, "hub", sans=["IP:127.0.0.1", "DNS:localhost"])
    nginx = fx.start_nginx([fixture.Site("hub", cert, upstream=hub)])
    return nginx, ca.cert, itertools.count()


def rotate(items, k):
    k %= len(items)
    return items[k:] + items[:k]


def baseline(cfg, env, run):
    """The same C program against another libhazy build (--baseline-lib-dir), e.g. an earlier
    design, as one more contender; nothing without the option."""
    if not cfg.baseline_lib_dir:
        return {}
    alt = dict(env, LD_LIBRARY_PATH=str(cfg.baseline_lib_dir))
    return {"baseline": lambda: run(alt)}


def log_variants(cfg, tools, env):
    """libhazy `seq` with a log callback at each level of LOG_VARIANTS, run beside plain libhazy
    in the same rotation, so that each round gives its own ratio to a baseline measured with it."""
    def seq(level):
        return lambda: run_json(tools.hazy() + ["seq", str(cfg.n)], log_env(env, level),
                                f"libhazy seq, log callback at {level}")
    return {key: seq(level) for key, level in LOG_VARIANTS}


def tls_handshakes(nginx, user_agent):
    """Connections nginx accepted for requests with this User-Agent, by how their TLS session
    began: a full handshake or a resumed one ($ssl_session_reused, tests/tls/fixture.py)."""
    first = {}
    for f in nginx.entries("hub", user_agent, wait=True):
        first.setdefault(f[9], f[8])
    return {"connections": len(first), "full_handshakes": sum(v != "r" for v in first.values()),
            "resumed_handshakes": sum(v == "r" for v in first.values())}


def spawn_runs(cfg, tools, env, what, ua=None):
    """A thread per call: libhazy, libcurl with a handle per thread, libcurl with a share handle.
    With `ua` (over TLS), each run has its own User-Agent and its handshakes are counted."""
    n = [str(cfg.spawn_calls)]

    def run(argv, extra, label):
        def go():
            agent = f"{ua[0]}-{label}-{next(ua[1])}" if ua else None
            e = dict(env, **extra, **({"BENCH_UA": agent, "HAZY_USER_AGENT": agent} if agent else {}))
            out = run_json(argv + n, e, f"{label} spawn{what}")
            if agent:
                out.update(tls_handshakes(ua[2], agent))
            return out
        return go
    return {"libhazy": run(tools.hazy() + ["spawn"], {}, "libhazy"),
            **({"baseline": run(tools.hazy() + ["spawn"], {"LD_LIBRARY_PATH": str(cfg.baseline_lib_dir)},
                                "baseline")} if cfg.baseline_lib_dir else {}),
            "libcurl": run(tools.curl() + ["spawn"], {}, "libcurl"),
            "libcurl-share": run(tools.curl() + ["spawn"], SHARE, "libcurl-share")}


def one_round(i, cfg, tools, servers, job_id, token_url, hub, tok, token_cache, tls=None):
    """One round: every selected measurement once, contenders in an order rotated by the round."""
    r = {}
    seq_servers = rotate(list(servers.items()), i) if "seq" in cfg.only else []
    for server, url in seq_servers:
        env = client_env(url, token_url, CLIENT_ID, CLIENT_SECRET, job_id, tools.lib_dir)
        runs = {
            "libhazy": lambda: run_json(tools.hazy() + ["seq", str(cfg.n)], env, "libhazy seq"),
            **log_variants(cfg, tools, env),
            **baseline(cfg, env, lambda e: run_json(tools.hazy() + ["seq", str(cfg.n)], e, "baseline libhazy seq")),
            "libcurl": lambda: run_json(tools.curl() + ["seq", str(cfg.n)], env, "libcurl seq"),
            "go": lambda: run_json(tools.go() + ["-n", str(cfg.n)], env, "Go seq"),
            "python": lambda: run_json(tools.python_client() + [str(cfg.n)], env, "Python seq"),
        }
        r.setdefault("seq", {})[server] = {who: runs[who]() for who in rotate(list(runs), i)}

    env = client_env(servers["cheap"], token_url, CLIENT_ID, CLIENT_SECRET, job_id, tools.lib_dir)
    if "threads" in cfg.only:
        threads = [str(cfg.threads), str(cfg.thread_calls)]
        runs = {"libhazy": lambda: run_json(tools.hazy() + ["threads"] + threads, env, "libhazy threads"),
                "libcurl": lambda: run_json(tools.curl() + ["threads"] + threads, env, "libcurl threads"),
                # The harness's token, in the environment: never on a command line.
                "reqwest": lambda: run_json(tools.reqwest_floor() + ["threads"] + threads, dict(env, BENCH_TOKEN=tok),
                                            "reqwest floor threads"),
                **baseline(cfg, env, lambda e: run_json(tools.hazy() + ["threads"] + threads, e,
                                                        "baseline libhazy threads"))}
        r["threads"] = {who: runs[who]() for who in rotate(list(runs), i)}
        # Where the CPU per call goes beyond reqwest's own: allocations per job GET, sequential.
        r["allocs"] = {
            "libhazy": allocations_per_call(tools, lambda n: tools.hazy() + ["seq", str(n)], env, "libhazy allocations"),
            "reqwest": allocations_per_call(tools, lambda n: tools.reqwest_floor() + ["seq", str(n)],
                                            dict(env, BENCH_TOKEN=tok), "reqwest allocations"),
            "libcurl": allocations_per_call(tools, lambda n: tools.curl() + ["seq", str(n)], env, "libcurl allocations")}
    sim_env = client_env(hub, token_url, CLIENT_ID, CLIENT_SECRET, job_id, tools.lib_dir)
    if "spawn" in cfg.only:
        runs = spawn_runs(cfg, tools, sim_env, "")
        r["spawn"] = {who: runs[who]() for who in rotate(list(runs), i)}
    if "alive" in cfg.only:
        t = [str(cfg.alive_threads), str(cfg.alive_waves)]
        runs = {"libhazy": lambda: run_json(tools.hazy() + ["alive"] + t, sim_env, "libhazy alive"),
                **baseline(cfg, sim_env, lambda e: run_json(tools.hazy() + ["alive"] + t, e, "baseline alive")),
                "libcurl": lambda: run_json(tools.curl() + ["alive"] + t, sim_env, "libcurl alive"),
                "libcurl-share": lambda: run_json(tools.curl() + ["alive"] + t, dict(sim_env, **SHARE_SESSIONS),
                                                  "libcurl-share alive")}
        r["alive"] = {who: runs[who]() for who in rotate(list(runs), i)}
        # What a new thread's one call touches of its stack: most of what a live thread holds.
        stack = {"libhazy": lambda: run_json(tools.hazy() + ["stack"], sim_env, "libhazy stack"),
                 **baseline(cfg, sim_env, lambda e: run_json(tools.hazy() + ["stack"], e, "baseline stack")),
                 "libcurl-share": lambda: run_json(tools.curl() + ["stack"], dict(sim_env, **SHARE), "libcurl stack")}
        r["stack"] = {who: stack[who]() for who in stack}
    if tls is not None:
        nginx, ca, counter = tls
        tls_env = client_env(nginx.url("hub"), token_url, CLIENT_ID, CLIENT_SECRET, job_id, tools.lib_dir)
        tls_env.update(HAZY_CA_BUNDLE=str(ca), BENCH_CA=str(ca))
        runs = spawn_runs(cfg, tools, tls_env, " over TLS", (f"bench-r{i}", counter, nginx))
        r["tls"] = {who: runs[who]() for who in rotate(list(runs), i)}
    if "rss" in cfg.only:
        r["rss"] = run_json(tools.hazy() + ["rss", str(cfg.rss_n1), str(cfg.rss_n2)], env, "libhazy rss")

    env = client_env(hub, token_url, CLIENT_ID, CLIENT_SECRET, None, tools.lib_dir)
    if "cold" in cfg.only:
        cold = [f"{PROJECT}-cold", str(TRAIN_CONFIG)]
        # The same program sharing a token cache (HAZY_TOKEN_CACHE) that an untimed run has just
        # filled: what a batch process started after another saves.
        cached = dict(env, HAZY_TOKEN_CACHE=str(token_cache))
        run_timed(tools.hazy() + ["cold"] + cold, cached, "libhazy cold start filling the token cache")
        runs = {"libhazy": lambda: run_timed(tools.hazy() + ["cold"] + cold, env, "libhazy cold start"),
                "libhazy-cached": lambda: run_timed(tools.hazy() + ["cold"] + cold, cached,
                                                    "libhazy cold start, warm token cache"),
                "python": lambda: run_timed(tools.python_cold() + cold, env, "Python cold start")}
        r["cold"] = {who: runs[who]() for who in rotate(list(runs), i)}
        # The floor of any cold start: one token request to Keycloak on a new connection.
        r["cold"]["keycloak"] = run_json(tools.curl() + ["token", "3"], dict(env, BENCH_JOB_ID="-"),
                                         "libcurl token requests")

    if "sim_load" in cfg.only:
        load = {"health": lambda: wrk(f"{hub}/api/v1/health", None, cfg.load_seconds, cfg.connections,
                                      "hub-sim /health"),
                "job": lambda: wrk(f"{hub}/api/v1/jobs/{job_id}", tok, cfg.load_seconds, cfg.connections,
                                   "hub-sim job GET")}
        r["sim_load"] = {what: load[what]() for what in rotate(list(load), i)}
    return r


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    mem = next((int(l.split()[1]) for l in open("/proc/meminfo") if l.startswith("MemTotal")), 0)
    return f"{os.cpu_count()} cores ({cpu}), {mem / 2**20:.0f} GiB, Linux {platform.release()}"


def git_describe():
    def git(*a):
        return subprocess.run(["git", *a], cwd=REPO, capture_output=True, text=True).stdout.strip()
    return git("rev-parse", "--short", "HEAD") + (" (with uncommitted changes)" if git("status", "--porcelain") else "")


def parse_args(argv):
    e = os.environ.get
    p = argparse.ArgumentParser(description="libhazy benchmark (see bench/README.md)")
    p.add_argument("--rounds", type=int, default=int(e("BENCH_ROUNDS", 5)))
    p.add_argument("--n", type=int, default=int(e("BENCH_N", 3000)))
    p.add_argument("--threads", type=int, default=int(e("BENCH_THREADS", 64)))
    p.add_argument("--thread-calls", type=int, default=int(e("BENCH_THREAD_CALLS", 1000)))
    p.add_argument("--spawn-calls", type=int, default=int(e("BENCH_SPAWN_CALLS", 1000)))
    p.add_argument("--alive-threads", type=int, default=int(e("BENCH_ALIVE_THREADS", 256)))
    p.add_argument("--alive-waves", type=int, default=int(e("BENCH_ALIVE_WAVES", 16)))
    p.add_argument("--rss-n1", type=int, default=int(e("BENCH_RSS_N1", 1000)))
    p.add_argument("--rss-n2", type=int, default=int(e("BENCH_RSS_N2", 10000)))
    p.add_argument("--load-seconds", type=int, default=int(e("BENCH_LOAD_SECONDS", 3)))
    p.add_argument("--connections", type=int, default=int(e("BENCH_CONNECTIONS", 32)))
    p.add_argument("--build-dir", default=str(REPO / "build" / "bench"))
    p.add_argument("--lib-dir", required=True, help="directory holding libhazy.so.0")
    p.add_argument("--lib-label", default="", help="what the library is, for the report")
    p.add_argument("--python", default=str(REPO / ".cache" / "bench-venv" / "bin" / "python"))
    p.add_argument("--only", default=e("BENCH_ONLY", ",".join(MEASUREMENTS)),
                   help=f"comma-separated measurements to run, of {', '.join(MEASUREMENTS)} (default: all)")
    p.add_argument("--smoke", action="store_true")
    p.add_argument("--baseline-lib-dir", default="",
                   help="another build's libhazy.so.0 to run as the 'baseline' contender "
                        "(seq, threads, spawn, alive, tls)")
    p.add_argument("--baseline-label", default="", help="what the baseline library is, for the report")
    cfg = p.parse_args(argv)
    only = [m.strip() for m in cfg.only.split(",") if m.strip()]
    unknown = [m for m in only if m not in MEASUREMENTS]
    if unknown or not only:
        p.error(f"--only {cfg.only!r}: choose among {', '.join(MEASUREMENTS)}")
    cfg.only = [m for m in MEASUREMENTS if m in only]
    if cfg.smoke:
        cfg.rounds, cfg.n, cfg.thread_calls, cfg.spawn_calls, cfg.alive_threads, cfg.alive_waves = 1, 300, 5, 20, 8, 4
        cfg.rss_n1, cfg.rss_n2, cfg.load_seconds, cfg.connections = 100, 300, 1, 8
    return cfg


def main(argv):
    cfg = parse_args(argv)
    hub, token_url = os.environ.get("HAZY_TEST_HUB_URL"), os.environ.get("HAZY_TEST_TOKEN_URL")
    if not hub or not token_url:
        log("HAZY_TEST_HUB_URL / HAZY_TEST_TOKEN_URL are not set: run under tests/stack/stack.py "
            "(make bench does)")
        return 2
    tools = contenders.Tools(cfg.build_dir, cfg.lib_dir, cfg.python)
    started = datetime.datetime.now(datetime.timezone.utc)
    t0 = time.monotonic()
    tok = token(token_url)
    job_id, body = finished_job(hub, tok)
    with tempfile.TemporaryDirectory(prefix="hazy-bench-") as tmp, contextlib.ExitStack() as stack:
        cheap, cheap_url = start_cheapserver(tools, job_id, body, Path(tmp))
        tls = start_tls(stack, hub) if "tls" in cfg.only else None
        try:
            servers = {"cheap": cheap_url, "sim": hub}
            rounds = []
            for i in range(cfg.rounds):
                rt = time.monotonic()
                # A fresh token each round: Keycloak's default lifetime is minutes.
                rounds.append(one_round(i, cfg, tools, servers, job_id, token_url, hub, token(token_url),
                                        Path(tmp) / "tokens.json", tls))
                log(f"round {i + 1}/{cfg.rounds} done in {time.monotonic() - rt:.1f} s")
        finally:
            cheap.kill()
            cheap.wait()
    summary = report.summarise(rounds, [m for m in MEASUREMENTS if m not in cfg.only])
    elapsed = time.monotonic() - t0
    header = (f"libhazy bench, {started:%Y-%m-%d %H:%M} UTC, {machine()}; commit {git_describe()}; "
              f"library {cfg.lib_label or cfg.lib_dir}; "
              + (f"baseline {cfg.baseline_label or cfg.baseline_lib_dir}; " if cfg.baseline_lib_dir else "")
              + f"{cfg.rounds} round(s), N={cfg.n}, "
              f"{cfg.threads}x{cfg.thread_calls} threaded calls, {cfg.spawn_calls} calls on new threads, "
              f"{cfg.alive_threads} threads alive x {cfg.alive_waves} waves, RSS at N1={cfg.rss_n1}/N2={cfg.rss_n2}, "
              f"wrk {cfg.load_seconds} s x {cfg.connections} connections; "
              + (f"only {', '.join(cfg.only)}; " if len(cfg.only) < len(MEASUREMENTS) else "")
              + f"took {elapsed:.0f} s")
    print(report.table(summary, header))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"{'smoke' if cfg.smoke else 'bench'}-{started:%Y%m%d-%H%M%S}.json"
    out.write_text(json.dumps({"header": header, "config": vars(cfg), "machine": machine(),
                               "started": started.isoformat(), "summary": summary, "rounds": rounds},
                              indent=1))
    (RESULTS / f"{'smoke' if cfg.smoke else 'bench'}-latest.md").write_text(
        header + "\n\n" + report.markdown(summary) + "\n")
    print(f"bench: {len(summary)} figures from {cfg.rounds} round(s) written to {out.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as e:
        log(f"FAIL: {e}")
        sys.exit(1)
