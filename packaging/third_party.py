#!/usr/bin/env python3
"""The Rust crates whose code is in a shipped binary, with their licences, for the packages'
licence files (packaging/lib.sh calls this from scripts/dist/rpm.sh and deb.sh).

    third_party.py --target x86_64-unknown-linux-gnu --format FORMAT ROOT-CRATE...

From `cargo metadata --locked --offline` (the lock file, for that target): every crate reached
from the ROOT-CRATEs (hazy: the library; hazy-cli: the command) through normal dependencies.
Build dependencies, dev dependencies and proc-macro crates (and what only they use) run at
build time and are not in the binary, so they are left out. FORMAT:

    spdx     one SPDX expression for the RPM License: tag, the roots' licence AND every
             crate's (each distinct expression once)
    text     a plain list grouped by licence, for the RPM's %license directory
    deb      the same list as the Comment: field of a machine-readable debian/copyright
             (each line indented by one space, empty lines as " .")
"""
import argparse
import json
import subprocess
import sys
import textwrap

LABEL = {"hazy": "libhazy", "hazy-cli": "the hazy command"}


def crates(target, roots):
    meta = json.loads(subprocess.run(
        ["cargo", "metadata", "--locked", "--offline", "--format-version", "1",
         "--filter-platform", target],
        check=True, capture_output=True, text=True).stdout)
    packages = {p["id"]: p for p in meta["packages"]}
    nodes = {n["id"]: n for n in meta["resolve"]["nodes"]}
    by_name = {p["name"]: p["id"] for p in meta["packages"] if p["id"] in meta["workspace_members"]}
    missing = [r for r in roots if r not in by_name]
    if missing:
        sys.exit(f"third_party.py: no workspace crate named {', '.join(missing)}")

    def proc_macro(pid):
        return any("proc-macro" in t["kind"] for t in packages[pid]["targets"])

    seen, todo = set(), [by_name[r] for r in roots]
    while todo:
        pid = todo.pop()
        if pid in seen:
            continue
        seen.add(pid)
        for dep in nodes[pid]["deps"]:
            normal = any(k["kind"] is None for k in dep["dep_kinds"])
            if normal and not proc_macro(dep["pkg"]):
                todo.append(dep["pkg"])
    roots_ids = {by_name[r] for r in roots}
    root_licences = sorted({packages[i]["license"] for i in roots_ids})
    third = sorted((packages[i] for i in seen - roots_ids), key=lambda p: (p["name"], p["version"]))
    return root_licences, third


def normalize(expr):
    """One spelling per licence choice: "MIT/Apache-2.0" and "Apache-2.0 OR MIT" become
    "Apache-2.0 OR MIT" (the operands of a plain OR list, sorted); other expressions stay."""
    if not expr:
        return expr
    parts = [p.strip() for p in expr.replace("/", " OR ").split(" OR ")]
    if any(c in p for p in parts for c in "() "):
        return expr
    return " OR ".join(sorted(set(parts)))


def grouped(third):
    groups = {}
    for p in third:
        groups.setdefault(normalize(p["license"]) or "(no licence field: see the crate)", []).append(
            f"{p['name']} {p['version']}")
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))


def text(roots, root_licences, third):
    lines = [
        f"The Rust crates compiled into {' and '.join(LABEL.get(r, r) for r in roots)} (from Cargo.lock), by licence.",
        "Each crate's licence text and copyright notice are in its source, on crates.io",
        "(https://crates.io/crates/NAME/VERSION) and in its repository.",
        f"{len(third)} crates; {', '.join(root_licences)} for libhazy's own code.",
    ]
    for licence, names in grouped(third):
        lines.append("")
        lines.append(f"{licence} ({len(names)}):")
        # A crate's name and version stay on one line (joined by a no-break space while wrapping).
        wrapped = textwrap.wrap(", ".join(n.replace(" ", "\u00a0") for n in names), width=76,
                                initial_indent="  ", subsequent_indent="  ", break_on_hyphens=False)
        lines.extend(w.replace("\u00a0", " ") for w in wrapped)
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--target", required=True)
    ap.add_argument("--format", choices=("spdx", "text", "deb"), required=True)
    ap.add_argument("roots", nargs="+")
    args = ap.parse_args()
    root_licences, third = crates(args.target, args.roots)
    if args.format == "spdx":
        exprs = sorted({normalize(p["license"]) for p in third if p["license"]} - set(root_licences))
        parts = root_licences + [f"({e})" if (" OR " in e or " AND " in e) else e for e in exprs]
        print(" AND ".join(parts))
    elif args.format == "text":
        sys.stdout.write(text(args.roots, root_licences, third))
    else:
        for line in text(args.roots, root_licences, third).splitlines():
            print(f" {line}" if line else " .")


if __name__ == "__main__":
    main()
