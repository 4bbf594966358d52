"""The figures of a bench run, each computed per round from what the runs reported, then
summarised as min / median / max over the rounds."""
import math
import statistics

MIB = 1024.0


def _seq(server, who):
    return lambda r: r["seq"][server][who]["calls_per_s"]


def _ratio(a, b):
    return lambda r: a(r) / b(r)


def _cpu_us(server, who):
    """Process CPU time per seq call, in microseconds."""
    return lambda r: r["seq"][server][who]["cpu_s"] / r["seq"][server][who]["calls"] * 1e6


def _records_per_call(who):
    """Log records the contender's callback received per call of its timed loop, both servers."""
    def value(r):
        runs = [r["seq"][server][who] for server in sorted(r["seq"])]
        return sum(run["log_records"] for run in runs) / sum(run["calls"] for run in runs)
    return value


# libhazy `seq` with a log callback (contenders.LOG_VARIANTS) against plain libhazy, which runs
# in the same round: each ratio is computed per round, then summarised (median of the ratios).
# Plain libhazy's calls/s on the cheap server is seq_cheap_hazy_calls_per_s above. The goal
# (>= 0.98 at error, where nothing is logged) is the logging issue's.
ERR, DBG = "libhazy-log-error", "libhazy-log-debug"
LOG_FIGURES = [
    ("seq_cheap_log_error_vs_none", "seq calls/s, cheap server: log callback at error / no callback", ">= 0.98",
     _ratio(_seq("cheap", ERR), _seq("cheap", "libhazy")), 3),
    ("seq_sim_log_error_vs_none", "seq calls/s, hub-sim: log callback at error / no callback", ">= 0.98",
     _ratio(_seq("sim", ERR), _seq("sim", "libhazy")), 3),
    ("seq_cheap_log_debug_vs_none", "seq calls/s, cheap server: log callback at debug / no callback", "",
     _ratio(_seq("cheap", DBG), _seq("cheap", "libhazy")), 3),
    ("seq_sim_log_debug_vs_none", "seq calls/s, hub-sim: log callback at debug / no callback", "",
     _ratio(_seq("sim", DBG), _seq("sim", "libhazy")), 3),
    ("seq_cheap_log_error_cpu_vs_none", "seq CPU/call, cheap server: log callback at error / no callback", "",
     _ratio(_cpu_us("cheap", ERR), _cpu_us("cheap", "libhazy")), 3),
    ("seq_cheap_log_debug_cpu_vs_none", "seq CPU/call, cheap server: log callback at debug / no callback", "",
     _ratio(_cpu_us("cheap", DBG), _cpu_us("cheap", "libhazy")), 3),
    ("seq_cheap_log_error_calls_per_s", "seq calls/s, cheap server: libhazy, log callback at error", "",
     _seq("cheap", ERR), 0),
    ("seq_cheap_log_debug_calls_per_s", "seq calls/s, cheap server: libhazy, log callback at debug", "",
     _seq("cheap", DBG), 0),
    ("seq_sim_log_none_calls_per_s", "seq calls/s, hub-sim: libhazy, no callback", "",
     _seq("sim", "libhazy"), 0),
    ("seq_sim_log_error_calls_per_s", "seq calls/s, hub-sim: libhazy, log callback at error", "",
     _seq("sim", ERR), 0),
    ("seq_sim_log_debug_calls_per_s", "seq calls/s, hub-sim: libhazy, log callback at debug", "",
     _seq("sim", DBG), 0),
    ("seq_cheap_log_none_cpu_us", "seq CPU µs/call, cheap server: libhazy, no callback", "",
     _cpu_us("cheap", "libhazy"), 1),
    ("seq_cheap_log_error_cpu_us", "seq CPU µs/call, cheap server: libhazy, log callback at error", "",
     _cpu_us("cheap", ERR), 1),
    ("seq_cheap_log_debug_cpu_us", "seq CPU µs/call, cheap server: libhazy, log callback at debug", "",
     _cpu_us("cheap", DBG), 1),
    ("log_records_per_call_error", "log records per seq call: callback at error", "0",
     _records_per_call(ERR), 3),
    ("log_records_per_call_debug", "log records per seq call: callback at debug", "1 (one per exchange)",
     _records_per_call(DBG), 3),
]


def _per_s(m, who):
    return lambda r: r[m][who]["calls_per_s"]


def _halves(each):
    """Whether what threads leave behind keeps growing: the most RSS after a join in the later half of
    the waves, less the most in the earlier half. A warm-up in the first waves and noise cancel out."""
    half = len(each) // 2
    return max(each[half:]) - max(each[:half])


def _alive(who, f):
    """Per thread of `alive`, in KiB: f(run) / threads."""
    return lambda r: f(r["alive"][who]) / r["alive"][who]["threads"]


# A thread per call, many threads alive, and the same over TLS (issue 28). libcurl-share is
# libcurl with one CURLSH (connections, TLS sessions, DNS) for all its handles; in `alive`, whose
# threads run at once, TLS sessions and DNS only (libcurl does not share connections there).
# (key, contender, label) of the thread-per-call contenders, in the table's order.
_SPAWN_CONTENDERS = (("hazy", "libhazy", "libhazy"), ("curl", "libcurl", "libcurl handle per thread"),
                     ("curl_share", "libcurl-share", "libcurl share handle"))


def _thread_per_call(m, key, label):
    """The calls/s rows of a thread-per-call measurement: `spawn`, or the same over TLS."""
    return [
        (f"{key}_hazy_vs_curl_share", f"{label}: calls/s libhazy / libcurl share handle", ">= 0.9",
         _ratio(_per_s(m, "libhazy"), _per_s(m, "libcurl-share")), 2),
        (f"{key}_hazy_vs_curl", f"{label}: calls/s libhazy / libcurl handle per thread", "",
         _ratio(_per_s(m, "libhazy"), _per_s(m, "libcurl")), 2),
        *[(f"{key}_{k}_calls_per_s", f"{label}: calls/s {name}", "", _per_s(m, who), 0)
          for k, who, name in _SPAWN_CONTENDERS],
    ]


def _handshakes(kind):
    """Full or resumed TLS handshakes (nginx's `$ssl_session_reused`) of each thread-per-call contender."""
    return [(f"tls_{kind}_handshakes_{k}", f"thread per call over TLS: {kind} handshakes, {name}",
             "<= libcurl share" if (kind, k) == ("full", "hazy") else "",
             (lambda w: lambda r: r["tls"][w][f"{kind}_handshakes"])(who), 0)
            for k, who, name in (_SPAWN_CONTENDERS[0], _SPAWN_CONTENDERS[2], _SPAWN_CONTENDERS[1])]


SPAWN_FIGURES = [
    *_thread_per_call("spawn", "spawn", "thread per call, hub-sim"),
    *[(f"spawn_csw_per_call_{k}", f"thread per call: context switches per call, {name}", "",
       (lambda w: lambda r: r["spawn"][w]["csw_per_call"])(who), 2)
      for k, who, name in (_SPAWN_CONTENDERS[0], _SPAWN_CONTENDERS[2])],
    *_thread_per_call("tls", "tls_spawn", "thread per call over TLS"),
    *_handshakes("full"),
    *_handshakes("resumed"),
    ("alive_rss_per_thread_hazy_kib", "threads alive: RSS KiB per live thread, libhazy", "<= libcurl",
     _alive("libhazy", lambda a: a["rss_alive_kib"] - a["rss_before_kib"]), 1),
    ("alive_rss_per_thread_curl_kib", "threads alive: RSS KiB per live thread, libcurl handle per thread", "",
     _alive("libcurl", lambda a: a["rss_alive_kib"] - a["rss_before_kib"]), 1),
    ("alive_rss_per_thread_curl_share_kib", "threads alive: RSS KiB per live thread, libcurl share handle (sessions, DNS)", "",
     _alive("libcurl-share", lambda a: a["rss_alive_kib"] - a["rss_before_kib"]), 1),
    ("alive_rss_joined_hazy_kib", "threads alive: RSS KiB per thread still held after the join, libhazy", "",
     _alive("libhazy", lambda a: a["rss_joined_kib"] - a["rss_before_kib"]), 1),
    ("alive_rss_joined_curl_kib", "threads alive: RSS KiB per thread still held after the join, libcurl", "",
     _alive("libcurl", lambda a: a["rss_joined_kib"] - a["rss_before_kib"]), 1),
    ("alive_rss_second_wave_hazy_kib", "threads alive: RSS KiB added by a second wave after its join, libhazy",
     "", lambda r: r["alive"]["libhazy"]["rss_joined2_kib"] - r["alive"]["libhazy"]["rss_joined_kib"], 0),
    ("alive_rss_second_wave_curl_kib", "threads alive: RSS KiB added by a second wave after its join, libcurl", "",
     lambda r: r["alive"]["libcurl"]["rss_joined2_kib"] - r["alive"]["libcurl"]["rss_joined_kib"], 0),
    *[(f"alive_rss_later_half_{key}_kib",
       f"threads alive: RSS KiB after the join, later half of the waves over the earlier (most of each), {label}",
       goal, (lambda w: lambda r: _halves(r["alive"][w]["rss_joined_each_kib"]))(who), 0)
      for key, who, label, goal in (("hazy", "libhazy", "libhazy", "~0 (bounded)"), ("curl", "libcurl", "libcurl", ""))],
    ("stack_kib_hazy", "a new thread's call: KiB of its stack touched, libhazy", "",
     lambda r: r["stack"]["libhazy"]["stack_bytes"] / 1024, 1),
    ("stack_kib_curl_share", "a new thread's call: KiB of its stack touched, libcurl share handle", "",
     lambda r: r["stack"]["libcurl-share"]["stack_bytes"] / 1024, 1),
    ("alive_sockets_hazy", "threads alive: sockets held while alive, libhazy", "",
     lambda r: r["alive"]["libhazy"]["sockets_alive"], 0),
    ("alive_sockets_curl", "threads alive: sockets held while alive, libcurl handle per thread", "",
     lambda r: r["alive"]["libcurl"]["sockets_alive"], 0),
    ("alive_sockets_joined_hazy", "threads alive: sockets held after the join, libhazy", "",
     lambda r: r["alive"]["libhazy"]["sockets_joined"], 0),
    ("alive_hazy_vs_curl", "threads alive: calls/s to all calls made, libhazy / libcurl handle per thread", "",
     _ratio(_per_s("alive", "libhazy"), _per_s("alive", "libcurl")), 2),
]


def _cold_ms(start, end):
    """A phase of libhazy's cold start, in ms (instants from hazy_bench cold, since its spawn)."""
    return lambda r: ((r["cold"]["libhazy"][end] if end else r["cold"]["libhazy"]["wall_s"])
                      - (r["cold"]["libhazy"][start] if start else 0)) * 1e3


# Where libhazy's cold start goes, and the Keycloak round trip no client can avoid.
COLD_FIGURES = [
    ("cold_ms_process_start", "cold start ms: spawn, exec and library load, to main()", "",
     _cold_ms(None, "t_main_s"), 2),
    ("cold_ms_client_new", "cold start ms: hazy_client_new (settings, TLS configuration, pool)", "",
     _cold_ms("t_main_s", "t_client_new_s"), 2),
    ("cold_ms_authenticate", "cold start ms: hazy_authenticate (runtime, token request to Keycloak)", "",
     _cold_ms("t_client_new_s", "t_authenticated_s"), 2),
    ("cold_ms_train", "cold start ms: hazy_train (one Hub request)", "", _cold_ms("t_authenticated_s", "t_trained_s"), 2),
    ("cold_ms_exit", "cold start ms: free and process exit", "", _cold_ms("t_trained_s", None), 2),
    ("cold_ms_keycloak_token", "Keycloak token request on a new connection (libcurl, best of 3), ms", "",
     lambda r: r["cold"]["keycloak"]["min_s"] * 1e3, 2),
    ("cold_wall_hazy_less_keycloak_vs_python", "cold start wall less the Keycloak token request: libhazy / Python", "",
     lambda r: (r["cold"]["libhazy"]["wall_s"] - r["cold"]["keycloak"]["min_s"]) / r["cold"]["python"]["wall_s"], 3),
]


# (key, label, goal from issue 12, per-round value, decimals)
FIGURES = [
    ("seq_cheap_hazy_vs_curl", "seq calls/s, cheap server: libhazy / libcurl", ">= 0.90",
     _ratio(_seq("cheap", "libhazy"), _seq("cheap", "libcurl")), 2),
    ("seq_cheap_hazy_vs_go", "seq calls/s, cheap server: libhazy / Go x/oauth2", ">= 1.0",
     _ratio(_seq("cheap", "libhazy"), _seq("cheap", "go")), 2),
    ("seq_cheap_hazy_vs_python", "seq calls/s, cheap server: libhazy / Python requests", ">= 5",
     _ratio(_seq("cheap", "libhazy"), _seq("cheap", "python")), 2),
    ("seq_sim_hazy_vs_curl", "seq calls/s, hub-sim: libhazy / libcurl", "",
     _ratio(_seq("sim", "libhazy"), _seq("sim", "libcurl")), 2),
    ("seq_sim_hazy_vs_go", "seq calls/s, hub-sim: libhazy / Go x/oauth2", "",
     _ratio(_seq("sim", "libhazy"), _seq("sim", "go")), 2),
    ("seq_sim_hazy_vs_python", "seq calls/s, hub-sim: libhazy / Python requests", "",
     _ratio(_seq("sim", "libhazy"), _seq("sim", "python")), 2),
    ("seq_cheap_hazy_calls_per_s", "seq calls/s, cheap server: libhazy", "", _seq("cheap", "libhazy"), 0),
    ("seq_cheap_curl_calls_per_s", "seq calls/s, cheap server: libcurl", "", _seq("cheap", "libcurl"), 0),
    ("seq_cheap_go_calls_per_s", "seq calls/s, cheap server: Go", "", _seq("cheap", "go"), 0),
    ("seq_cheap_python_calls_per_s", "seq calls/s, cheap server: Python", "", _seq("cheap", "python"), 0),
    ("csw_per_call_hazy", "context switches per seq call: libhazy", "<= 2",
     lambda r: r["seq"]["cheap"]["libhazy"]["csw_per_call"], 2),
    ("csw_per_call_curl", "context switches per seq call: libcurl", "",
     lambda r: r["seq"]["cheap"]["libcurl"]["csw_per_call"], 2),
    *LOG_FIGURES,
    ("sim_job_vs_health", "hub-sim: authenticated job GET/s / /health GET/s", ">= 0.5",
     lambda r: r["sim_load"]["job"]["requests_per_s"] / r["sim_load"]["health"]["requests_per_s"], 3),
    ("sim_health_per_s", "hub-sim: /health GET/s", "", lambda r: r["sim_load"]["health"]["requests_per_s"], 0),
    ("sim_job_per_s", "hub-sim: authenticated job GET/s", "", lambda r: r["sim_load"]["job"]["requests_per_s"], 0),
    ("threads_hazy_vs_curl", "threads: calls/s libhazy (1 client) / libcurl (1 handle each)", ">= 1.0",
     lambda r: r["threads"]["libhazy"]["calls_per_s"] / r["threads"]["libcurl"]["calls_per_s"], 2),
    ("threads_hazy_calls_per_s", "threads: calls/s libhazy", "", lambda r: r["threads"]["libhazy"]["calls_per_s"], 0),
    # The floor: reqwest and tokio alone, as libhazy links them (bench/rust/reqwest_floor.rs).
    ("threads_reqwest_vs_curl", "threads: calls/s reqwest alone (a runtime and a Client per thread) / libcurl", "",
     lambda r: r["threads"]["reqwest"]["calls_per_s"] / r["threads"]["libcurl"]["calls_per_s"], 2),
    ("threads_hazy_vs_reqwest", "threads: calls/s libhazy / reqwest alone", "",
     lambda r: r["threads"]["libhazy"]["calls_per_s"] / r["threads"]["reqwest"]["calls_per_s"], 2),
    *[(f"threads_cpu_us_{who}", f"threads: CPU µs per call, {label}", "",
       (lambda w: lambda r: r["threads"][w]["cpu_s"] / r["threads"][w]["calls"] * 1e6)(who), 1)
      for who, label in (("libhazy", "libhazy"), ("reqwest", "reqwest alone"), ("libcurl", "libcurl"))],
    *[(f"allocs_per_call_{who}", f"allocations per job GET (malloc, calloc, realloc), {label}", "",
       (lambda w: lambda r: r["allocs"][w]["allocations_per_call"])(who), 1)
      for who, label in (("libhazy", "libhazy"), ("reqwest", "reqwest alone"), ("libcurl", "libcurl"))],
    ("threads_token_requests", "threads: token requests of the libhazy client", "exactly 1",
     lambda r: r["threads"]["libhazy"]["token_requests"], 0),
    *SPAWN_FIGURES,
    ("cold_wall_hazy_vs_python", "cold start wall: libhazy / Python", "<= 0.1, or the Keycloak round trip is the floor",
     lambda r: r["cold"]["libhazy"]["wall_s"] / r["cold"]["python"]["wall_s"], 3),
    ("cold_cpu_hazy_vs_python", "cold start CPU: libhazy / Python", "",
     lambda r: r["cold"]["libhazy"]["cpu_s"] / r["cold"]["python"]["cpu_s"], 3),
    ("cold_wall_hazy_ms", "cold start wall ms: libhazy", "", lambda r: r["cold"]["libhazy"]["wall_s"] * 1e3, 1),
    # The token cache (issue 26): the same cold start finding a valid token in HAZY_TOKEN_CACHE.
    ("cold_wall_cached_vs_uncached", "cold start wall: libhazy with a warm token cache / without", "< 1",
     lambda r: r["cold"]["libhazy-cached"]["wall_s"] / r["cold"]["libhazy"]["wall_s"], 3),
    ("cold_wall_cached_saved_ms", "cold start wall ms saved by a warm token cache", "",
     lambda r: (r["cold"]["libhazy"]["wall_s"] - r["cold"]["libhazy-cached"]["wall_s"]) * 1e3, 1),
    ("cold_wall_cached_ms", "cold start wall ms: libhazy with a warm token cache", "",
     lambda r: r["cold"]["libhazy-cached"]["wall_s"] * 1e3, 1),
    ("cold_cpu_cached_vs_uncached", "cold start CPU: libhazy with a warm token cache / without", "",
     lambda r: r["cold"]["libhazy-cached"]["cpu_s"] / r["cold"]["libhazy"]["cpu_s"], 3),
    ("cold_cached_token_requests", "cold start token requests with a warm token cache", "0",
     lambda r: r["cold"]["libhazy-cached"]["token_requests"], 0),
    ("cold_wall_python_ms", "cold start wall ms: Python", "", lambda r: r["cold"]["python"]["wall_s"] * 1e3, 1),
    *COLD_FIGURES,
    ("rss_added_mib", "RSS added by one client after authenticate + N2 calls, MiB", "<= 8",
     lambda r: (r["rss"]["rss_after_n2_kib"] - r["rss"]["rss_before_kib"]) / MIB, 2),
    ("rss_growth_mib", "RSS growth from N1 to N2 calls, MiB", "flat",
     lambda r: (r["rss"]["rss_after_n2_kib"] - r["rss"]["rss_after_n1_kib"]) / MIB, 2),
    ("calls_per_s_n1", "libhazy calls/s over the first N1 calls", "",
     lambda r: r["rss"]["n1_calls_per_s"], 0),
    ("calls_per_s_n2", "libhazy calls/s over N2 calls", "", lambda r: r["rss"]["calls_per_s"], 0),
    ("calls_per_s_n2_vs_n1", "libhazy calls/s N2 / N1", "flat (~1)",
     lambda r: r["rss"]["calls_per_s"] / r["rss"]["n1_calls_per_s"], 2),
    # Only with --baseline-lib-dir: the same C program on another libhazy build.
    ("seq_cheap_hazy_vs_baseline", "seq calls/s, cheap server: libhazy / baseline libhazy", "",
     _ratio(_seq("cheap", "libhazy"), _seq("cheap", "baseline")), 2),
    ("seq_cheap_baseline_vs_curl", "seq calls/s, cheap server: baseline libhazy / libcurl", "",
     _ratio(_seq("cheap", "baseline"), _seq("cheap", "libcurl")), 2),
    ("csw_per_call_baseline", "context switches per seq call: baseline libhazy", "",
     lambda r: r["seq"]["cheap"]["baseline"]["csw_per_call"], 2),
    ("threads_hazy_vs_baseline", "threads: calls/s libhazy / baseline libhazy", "",
     lambda r: r["threads"]["libhazy"]["calls_per_s"] / r["threads"]["baseline"]["calls_per_s"], 2),
    ("spawn_hazy_vs_baseline", "thread per call, hub-sim: calls/s libhazy / baseline libhazy", "",
     _ratio(_per_s("spawn", "libhazy"), _per_s("spawn", "baseline")), 2),
    ("spawn_baseline_vs_curl_share", "thread per call, hub-sim: calls/s baseline libhazy / libcurl share handle", "",
     _ratio(_per_s("spawn", "baseline"), _per_s("spawn", "libcurl-share")), 2),
    ("spawn_csw_per_call_baseline", "thread per call: context switches per call, baseline libhazy", "",
     lambda r: r["spawn"]["baseline"]["csw_per_call"], 2),
    ("tls_spawn_baseline_vs_curl_share", "thread per call over TLS: calls/s baseline libhazy / libcurl share handle", "",
     _ratio(_per_s("tls", "baseline"), _per_s("tls", "libcurl-share")), 2),
    ("tls_full_handshakes_baseline", "thread per call over TLS: full handshakes, baseline libhazy", "",
     lambda r: r["tls"]["baseline"]["full_handshakes"], 0),
    ("tls_resumed_handshakes_baseline", "thread per call over TLS: resumed handshakes, baseline libhazy", "",
     lambda r: r["tls"]["baseline"]["resumed_handshakes"], 0),
    ("alive_rss_per_thread_baseline_kib", "threads alive: RSS KiB per live thread, baseline libhazy", "",
     _alive("baseline", lambda a: a["rss_alive_kib"] - a["rss_before_kib"]), 1),
    ("stack_kib_baseline", "a new thread's call: KiB of its stack touched, baseline libhazy", "",
     lambda r: r["stack"]["baseline"]["stack_bytes"] / 1024, 1),
    ("alive_sockets_baseline", "threads alive: sockets held while alive, baseline libhazy", "",
     lambda r: r["alive"]["baseline"]["sockets_alive"], 0),
    ("alive_baseline_vs_curl", "threads alive: calls/s to all calls made, baseline libhazy / libcurl", "",
     _ratio(_per_s("alive", "baseline"), _per_s("alive", "libcurl")), 2),
    ("threads_baseline_token_requests", "threads: token requests of the baseline client", "exactly 1",
     lambda r: r["threads"]["baseline"]["token_requests"], 0),
]

# Figures that exist only when their contender ran.
OPTIONAL = {"baseline"}
# Keys of a round that a measurement writes besides its own.
PART_OF = {"stack": "alive", "allocs": "threads"}


def summarise(rounds, skipped=()):
    """skipped: the measurements (keys of a round: seq, threads, ...) that did not run (--only);
    their figures are left out."""
    out = {}
    for key, label, goal, value, decimals in FIGURES:
        try:
            values = [value(r) for r in rounds]
        except KeyError as missing:
            if missing.args[0] in OPTIONAL or PART_OF.get(missing.args[0], missing.args[0]) in skipped:
                continue
            raise
        # A broken run shows as NaN or infinity; a negative RSS growth is just memory returned.
        for v in values:
            if not math.isfinite(v):
                raise ValueError(f"{key}: figure {v} is not a finite number")
        out[key] = {"label": label, "goal": goal, "values": values, "min": min(values),
                    "median": statistics.median(values), "max": max(values), "decimals": decimals}
    return out


def table(summary, header):
    rows = [("figure", "min", "median", "max", "goal")]
    for s in summary.values():
        f = f"{{:.{s['decimals']}f}}"
        rows.append((s["label"], f.format(s["min"]), f.format(s["median"]), f.format(s["max"]), s["goal"]))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    lines = [header]
    for i, r in enumerate(rows):
        lines.append("  ".join([r[0].ljust(widths[0])] + [c.rjust(widths[j + 1]) for j, c in enumerate(r[1:4])]
                               + [r[4]]))
        if i == 0:
            lines.append("-" * (sum(widths) + 8))
    return "\n".join(lines)


def markdown(summary):
    lines = ["| figure | min | median | max | goal |", "|---|---:|---:|---:|---|"]
    for s in summary.values():
        f = f"{{:.{s['decimals']}f}}"
        lines.append(f"| {s['label']} | {f.format(s['min'])} | {f.format(s['median'])} | "
                     f"{f.format(s['max'])} | {s['goal'].replace('>=', '≥').replace('<=', '≤')} |")
    return "\n".join(lines)
