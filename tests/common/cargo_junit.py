#!/usr/bin/env python3
"""cargo test over the workspace, judged from JUnit XML like every other suite.

    cargo_junit.py REPORT_DIR [CARGO_TEST_ARGS...]

Builds the test binaries (`cargo test --no-run`), runs each one with libtest's JUnit format
into REPORT_DIR/<binary>.xml, runs the doctests, and hands the reports to verdict.py. libtest's
JUnit output is unstable API, enabled for the test binaries alone (RUSTC_BOOTSTRAP is set in
their environment, never in cargo's, so nothing is rebuilt). A binary that fails is run again in
the usual format so that its panics are printed, not only its test names.
"""
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# make passes its jobserver only to recipes it knows run make, so cargo would find MAKEFLAGS
# naming descriptors it does not have, and warn; it schedules its own jobs instead.
CARGO_ENV = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "CARGO_MAKEFLAGS")}


def test_binaries(cargo_args):
    out = subprocess.run(["cargo", "test", "--no-run", "--message-format=json", *cargo_args],
                         check=True, stdout=subprocess.PIPE, text=True, env=CARGO_ENV).stdout
    for line in out.splitlines():
        msg = json.loads(line) if line.startswith("{") else {}
        if msg.get("reason") == "compiler-artifact" and msg.get("profile", {}).get("test") \
                and msg.get("executable"):
            yield msg["target"]["name"], msg["executable"], msg["manifest_path"]


def main(argv):
    reports, cargo_args = Path(argv[1]), argv[2:]
    reports.mkdir(parents=True, exist_ok=True)
    for old in reports.glob("*.xml"):
        old.unlink()
    failed_any = False
    for name, exe, manifest in test_binaries(cargo_args):
        kind = Path(exe).name.rsplit("-", 1)[0]
        report = reports / f"{Path(manifest).parent.name}-{kind}-{name}.xml"
        env = dict(os.environ, RUSTC_BOOTSTRAP="1")
        # libtest runs each binary from its package's folder, as cargo test does.
        run = subprocess.run([exe, "-Z", "unstable-options", "--format", "junit"], env=env,
                             cwd=Path(manifest).parent, stdout=subprocess.PIPE, text=True)
        xml = run.stdout[run.stdout.find("<?xml"):] if "<?xml" in run.stdout else ""
        if xml:
            report.write_text(xml.splitlines()[0])
        if run.returncode != 0 or not xml:
            failed_any = True
            print(f"[rust] {name} failed; its output:", flush=True)
            subprocess.run([exe], cwd=Path(manifest).parent)
    doc = subprocess.run(["cargo", "test", "--doc", "--quiet", *cargo_args], env=CARGO_ENV)
    verdict = subprocess.run([sys.executable, str(HERE / "verdict.py"), "rust",
                              *map(str, sorted(reports.glob("*.xml")))])
    return 1 if failed_any or doc.returncode or verdict.returncode else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
