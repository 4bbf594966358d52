"""Verdict of a contract run, from the tools' machine-readable reports (not their terminal output).

    verdict.py schemathesis RUN_JSON EVENTS_NDJSON   (schemathesis --report json,ndjson)

Prints one summary fragment on stdout for run.sh's last line; explanations go to stderr.
Exits 1 when anything was skipped, failed or errored: this project counts a skipped test as a
failing one.

schemathesis 4.32.5 counts, in its "Test cases: ... N skipped" line, every recorded request that
no check was applied to (`test_cases.without_checks`). The `ignored_auth` check produces such
requests by design: after an operation answers 2xx to an authenticated request, it resends that
request once without the token and once with an invalid token (once per operation per run) and
itself judges their answers (they must be 401/403). Those two probes are recorded as children of
the checked request and get no checks of their own, so they land in that count although they are
not skipped tests. Every request without checks is therefore accounted for here: it must be such
an `ignored_auth` probe, and the count must equal schemathesis's own figure; anything else fails.

The NDJSON event stream also holds stateful "scenarios" with status `skip` that sent no request
at all. Each one is a Hypothesis state-machine run that was discarded before its first step: the
draws for the first step overran Hypothesis's data budget (seen: status OVERRUN while retrying
the rule choice) or were rejected, or the time budget (--max-time) ended the run right after the
state machine was set up. Hypothesis discards such draws and makes another; they are
not tests, schemathesis neither shows nor counts them, and in the other phases the same discards
leave no trace. They are accepted here only in that exact form (stateful, no request, no skip
reason) and their number is reported; any other skipped scenario fails.
"""
import collections
import json
import sys

PHASES = ("examples", "coverage", "fuzzing", "stateful")


def fail(problems):
    for p in problems:
        print(f"[contract] FAIL: {p}", file=sys.stderr)
    sys.exit(1)


def schemathesis(run_json, events_ndjson):
    with open(run_json) as f:
        run = json.load(f)
    problems = []

    ops = run["operations"] or {}
    if run["exit_code"] != 0:
        problems.append(f"schemathesis exited {run['exit_code']}")
    if ops.get("skipped"):
        problems.append(f"{ops['skipped']} operation(s) skipped: {', '.join(ops['skip_reasons']) or '?'}")
    if ops.get("errored"):
        problems.append(f"{ops['errored']} operation(s) errored")
    if ops.get("tested") != ops.get("selected"):
        problems.append(f"only {ops.get('tested')} of {ops.get('selected')} selected operations tested")
    for phase in PHASES:
        st = (run["phases"] or {}).get(phase, {})
        if st.get("status") != "success":
            problems.append(f"phase {phase}: {st.get('status')} ({st.get('skip_reason')})")
    # Every request answered 401/403: the token did not work, so nothing behind auth was tested.
    for label in (run.get("warnings") or {}).get("missing_auth") or []:
        problems.append(f"{label} answered only 401/403 (is HAZY_CONTRACT_TOKEN valid?)")
    cases = run["test_cases"]
    if cases["with_failures"] or cases["errored"] or run["failures"] or run["errors"]:
        problems.append(f"{cases['with_failures']} failing and {cases['errored']} errored test cases")

    # Per-phase scenario outcomes and requests without checks, from the event stream.
    scenarios = {p: collections.Counter() for p in PHASES}
    requests = 0
    probes = collections.Counter()  # operation -> ignored_auth probes
    unchecked = []
    discarded = 0
    with open(events_ndjson) as f:
        for line in f:
            kind, ev = next(iter(json.loads(line).items()))
            if kind != "ScenarioFinished" or ev["phase"] not in scenarios:
                continue  # auth_bootstrap etc. are not counted as tests by schemathesis either
            scenarios[ev["phase"]][ev["status"]] += 1
            rec = ev["recorder"]
            label = rec.get("label") or "?"
            checks = rec.get("checks") or {}
            if (
                ev["phase"] == "stateful"
                and ev["status"] == "skip"
                and not rec.get("cases")
                and not ev.get("skip_reason")
            ):
                discarded += 1  # a Hypothesis draw discarded before any request (see above)
                continue
            if ev["status"] in ("skip", "interrupted"):
                problems.append(f"{ev['phase']}: {label} {ev['status']}: {ev.get('skip_reason') or '-'}")
            for case_id, case in (rec.get("cases") or {}).items():
                requests += 1
                if checks.get(case_id):
                    continue
                parent = case.get("parent_id")
                if parent and any(c["name"] == "ignored_auth" for c in checks.get(parent, [])):
                    probes[label] += 1
                else:
                    unchecked.append(f"{ev['phase']}: {label} case {case_id}")
    for u in unchecked:
        problems.append(f"request without any check (not an ignored_auth probe): {u}")
    n_probes = sum(probes.values())
    if n_probes + len(unchecked) != cases["without_checks"]:
        problems.append(
            f"schemathesis reports {cases['without_checks']} test cases without checks, "
            f"the events show {n_probes} ignored_auth probes and {len(unchecked)} others"
        )
    if requests != cases["generated"]:
        problems.append(f"schemathesis reports {cases['generated']} test cases, the events show {requests}")
    if problems:
        fail(problems)

    phases = ", ".join(f"{p} {scenarios[p]['success']}" for p in PHASES)
    print(
        f"[contract] schemathesis: {n_probes} of its {requests} requests are ignored_auth probes "
        f"(no token / invalid token, {len(probes)} operations), judged by that check on the request "
        f"they derive from; schemathesis lists them as \"{n_probes} skipped\" test cases. "
        f"{discarded} stateful draws were discarded by Hypothesis before sending anything "
        f"(not tests; schemathesis does not count them).",
        file=sys.stderr,
    )
    print(
        f"schemathesis {ops['tested']}/{ops['selected']} operations, scenarios passed: {phases}; "
        f"{requests - n_probes} checked requests + {n_probes} auth probes, 0 failed, 0 skipped"
    )


if __name__ == "__main__":
    if len(sys.argv) < 3 or sys.argv[1] != "schemathesis":
        sys.exit(__doc__)
    schemathesis(*sys.argv[2:])
