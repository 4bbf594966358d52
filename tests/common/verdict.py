#!/usr/bin/env python3
"""One verdict for every test runner, read from the reports the runners write themselves.

    verdict.py LABEL REPORT...

A REPORT is a JUnit XML file (gtest --gtest_output=xml, ctest --output-junit, Surefire, pytest
--junitxml, libtest --format junit), a folder of them (Surefire's surefire-reports/), or the
output of `go test -json` (a file ending in .json or .jsonl). Prints one line,
`LABEL: N passed, M failed, K skipped`, then the name of each failed or skipped test, and exits
non-zero when a test failed, a test was skipped (a skipped test is a failing test here), or the
reports hold no test at all (a runner that ran nothing has not passed).
"""
import json
import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def junit_cases(path):
    """(name, outcome) of each <testcase> in a JUnit XML file."""
    root = ET.parse(path).getroot()
    for case in root.iter("testcase"):
        name = f"{case.get('classname', '')}.{case.get('name', '')}".lstrip(".")
        if case.find("failure") is not None or case.find("error") is not None:
            yield name, "failed"
        elif case.find("skipped") is not None or case.get("status") in ("notrun", "disabled"):
            yield name, "skipped"
        else:
            yield name, "passed"


def go_json_cases(path):
    """(name, outcome) of each test in `go test -json` output; subtests count as tests."""
    for line in Path(path).read_text(errors="replace").splitlines():
        if not line.startswith("{"):
            continue
        event = json.loads(line)
        action, test = event.get("Action"), event.get("Test")
        if test and action in ("pass", "fail", "skip"):
            yield f"{event.get('Package', '')}.{test}", {"pass": "passed", "fail": "failed",
                                                         "skip": "skipped"}[action]


def cases(report):
    path = Path(report)
    if path.is_dir():
        for xml in sorted(path.glob("*.xml")):
            yield from junit_cases(xml)
    elif path.suffix in (".json", ".jsonl"):
        yield from go_json_cases(path)
    else:
        yield from junit_cases(path)


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    label, reports = argv[1], argv[2:]
    counts = {"passed": 0, "failed": 0, "skipped": 0}
    bad = []
    for report in reports:
        if not Path(report).exists():
            print(f"{label}: report {report} is missing (the runner did not run)")
            return 1
        for name, outcome in cases(report):
            counts[outcome] += 1
            if outcome != "passed":
                bad.append(f"  {outcome}: {name}")
    print(f"{label}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped")
    print("\n".join(bad)) if bad else None
    if counts["skipped"]:
        print(f"{label}: skipped tests count as failures")
    ok = counts["passed"] > 0 and not counts["failed"] and not counts["skipped"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
