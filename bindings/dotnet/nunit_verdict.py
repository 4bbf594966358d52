#!/usr/bin/env python3
"""The verdict of an NUnit 2.6 run, read from its TestResult.xml (tests/common/verdict.py reads
JUnit XML; NUnit 2.6 writes its own format).

    nunit_verdict.py LABEL TestResult.xml

Prints `LABEL: N passed, M failed, K skipped`, then the name of each test that did not pass, and
exits non-zero when a test failed, a test was skipped or ignored (a skipped test is a failing test
here), or the report holds no test. Each <test-case> counts once: result Success passes; Failure,
Error, NotRunnable and Cancelled fail; Ignored, Skipped, Inconclusive and anything not executed
are skipped.
"""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

FAILED = {"Failure", "Error", "NotRunnable", "Cancelled"}


def outcome(case):
    result = case.get("result", "")
    if result in FAILED:
        return "failed"
    if case.get("executed") == "True" and result == "Success":
        return "passed"
    return "skipped"


def main(argv):
    if len(argv) != 3:
        sys.exit(__doc__)
    label, report = argv[1], Path(argv[2])
    if not report.exists():
        print(f"{label}: report {report} is missing (the runner did not run)")
        return 1
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    bad = []
    for case in ET.parse(report).getroot().iter("test-case"):
        o = outcome(case)
        counts[o] += 1
        if o != "passed":
            message = case.findtext("./*/message") or case.findtext("./reason/message") or ""
            first = message.strip().splitlines()[0] if message.strip() else ""
            bad.append(f"  {o}: {case.get('name')} ({case.get('result')}) {first}".rstrip())
    print(f"{label}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    if bad:
        print("\n".join(bad))
    if counts["skipped"]:
        print(f"{label}: skipped tests count as failures")
    ok = counts["passed"] > 0 and not counts["failed"] and not counts["skipped"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
