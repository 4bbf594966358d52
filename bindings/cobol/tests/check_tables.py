#!/usr/bin/env python3
"""The COBOL binding's static checks, as a JUnit report for tests/common/verdict.py.

    check_tables.py --header include/hazy.h --copybook bindings/cobol/HAZY.cpy \
        --report OUT.xml [--hazy target/debug/hazy --exit-table OUT.txt] [SOURCE...]

Cases:
  copybook_matches_header  every HAZY_STATUS_* and HAZY_STATE_* of hazy.h is a level-88
                           condition of HAZY.cpy with the same value, and HAZY.cpy has no other
                           (HAZY_STATUS_PROXY_AUTH = 16 is HAZY-STATUS-PROXY-AUTH VALUE 16); its
                           groups (RETRYABLE, FINISHED) hold the values of the members named below
  fixed_format             no SOURCE line reaches past column 72 or holds a tab: in fixed format
                           cobc drops columns 73 on without a word, which would cut a statement
With --hazy, also writes `hazy --help`'s exit codes as "STATUS_NAME CODE" lines to --exit-table,
for HAZYTEST's exit_codes case (HAZYEXIT against the CLI's own table).
"""
import argparse
import re
import subprocess
import sys
from pathlib import Path
from xml.sax.saxutils import quoteattr

# The copybook's conditions that group several values, by the hazy.h members they stand for.
GROUPS = {
    ("STATUS", "RETRYABLE"): ["NETWORK", "TIMEOUT"],
    ("STATE", "FINISHED"): ["SUCCEEDED", "FAILED", "CANCELLED"],
}


def header_enums(text):
    """{("STATUS", "AUTH"): 2, ("STATE", "QUEUED"): 1, ...} from hazy.h."""
    found = {}
    for kind, name, value in re.findall(r"^\s*HAZY_(STATUS|STATE)_([A-Z0-9_]+)\s*=\s*(\d+)\s*,", text, re.M):
        found[(kind, name)] = int(value)
    return found


def copybook_conditions(text):
    """{("STATUS", "AUTH"): [2], ...} from HAZY.cpy's level-88 entries (comment lines skipped)."""
    found = {}
    for line in text.splitlines():
        if len(line) > 6 and line[6] in "*/":
            continue
        m = re.match(r"^\s+88\s+HAZY-(STATUS|STATE)-([A-Z0-9-]+)\s+VALUES?\s+([0-9 ]+)\.", line[:72])
        if m:
            key = (m.group(1), m.group(2).replace("-", "_"))
            if key in found:
                raise ValueError(f"HAZY-{m.group(1)}-{m.group(2)} is declared twice")
            found[key] = [int(v) for v in m.group(3).split()]
    return found


def check_copybook(header, copybook):
    problems = []
    enums = header_enums(header)
    conditions = copybook_conditions(copybook)
    if not any(k == "STATUS" for k, _ in enums) or not any(k == "STATE" for k, _ in enums):
        return ["no hazy_status or hazy_state members found in hazy.h"]
    for (kind, name), value in sorted(enums.items()):
        cobol = f"HAZY-{kind}-{name.replace('_', '-')}"
        if (kind, name) not in conditions:
            problems.append(f"hazy.h has HAZY_{kind}_{name} = {value}; HAZY.cpy has no {cobol}")
        elif conditions[(kind, name)] != [value]:
            problems.append(f"{cobol} has VALUE {' '.join(map(str, conditions[(kind, name)]))}; "
                            f"hazy.h says HAZY_{kind}_{name} = {value}")
    for (kind, name), values in sorted(conditions.items()):
        if (kind, name) in enums:
            continue
        cobol = f"HAZY-{kind}-{name.replace('_', '-')}"
        members = GROUPS.get((kind, name))
        if members is None:
            problems.append(f"HAZY.cpy has {cobol}, which hazy.h does not have")
            continue
        want = sorted(enums[(kind, m)] for m in members if (kind, m) in enums)
        if sorted(values) != want:
            problems.append(f"{cobol} has VALUE {' '.join(map(str, values))}; "
                            f"{', '.join(members)} are {' '.join(map(str, want))} in hazy.h")
    return problems


def check_fixed_format(paths):
    problems = []
    for path in paths:
        for n, line in enumerate(Path(path).read_text().splitlines(), 1):
            if "\t" in line:
                problems.append(f"{path}:{n}: a tab")
            if len(line) > 72:
                problems.append(f"{path}:{n}: {len(line)} columns, past 72")
    return problems


def exit_table(hazy):
    """[("AUTH", 3), ...] from `hazy --help`'s "Exit codes:" table."""
    text = subprocess.run([hazy, "--help"], check=True, capture_output=True, text=True).stdout
    rows = []
    section = text.split("Exit codes:", 1)[1].split("\n\n", 1)[0]
    for line in section.splitlines():
        m = re.match(r"^\s+(\d+)\s+\S+\s+(-|[A-Z_]+(?:, [A-Z_]+)*)\s{2,}", line)
        if m and m.group(2) != "-":
            rows += [(name, int(m.group(1))) for name in m.group(2).split(", ")]
    if not rows:
        raise ValueError("no exit codes in `hazy --help`")
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--header", required=True)
    ap.add_argument("--copybook", required=True)
    ap.add_argument("--report", required=True)
    ap.add_argument("--hazy")
    ap.add_argument("--exit-table")
    ap.add_argument("sources", nargs="*")
    args = ap.parse_args()

    cases = []
    try:
        problems = check_copybook(Path(args.header).read_text(), Path(args.copybook).read_text())
    except (OSError, ValueError) as e:
        problems = [str(e)]
    cases.append(("copybook_matches_header", problems))
    cases.append(("fixed_format", check_fixed_format(args.sources)))

    if args.hazy:
        rows = exit_table(args.hazy)
        Path(args.exit_table).write_text("".join(f"{name} {code}\n" for name, code in rows))

    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuite name="cobol-static">']
    for name, problems in cases:
        for p in problems:
            print(f"FAIL {name}: {p}")
        if problems:
            lines.append(f'<testcase classname="cobol" name="{name}">'
                         f'<failure message={quoteattr("; ".join(problems))}/></testcase>')
        else:
            print(f"ok   {name}")
            lines.append(f'<testcase classname="cobol" name="{name}"/>')
    lines.append("</testsuite>")
    Path(args.report).write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
