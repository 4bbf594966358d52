#!/usr/bin/env python3
"""The ABI of libhazy.so.0 against its committed baseline, abi/libhazy.so.0.abi (libabigail).

    scripts/abi/abi.py baseline LIB   write the baseline from LIB (make abi-baseline; commit it
                                      with a CHANGELOG entry)
    scripts/abi/abi.py check LIB      compare LIB with the baseline (make test-abi)

`check` fails on any difference: an incompatible one (a function removed, a parameter or return
type changed, an enumerator renumbered) breaks every program linked against libhazy.so.0 and
needs a new SONAME; a compatible one (a function added) needs a new baseline and a CHANGELOG
entry, so that the baseline always describes the library that ships. It also proves, on mutants
of LIB's own ABI, that abidiff sees a removed function, a changed parameter type and a
renumbered status; a check that could not fail would prove nothing. Prints `abi: N passed, M
failed`.

The handles are opaque, so their layout is not compared (abi/suppressions.ini). Source
locations are left out of the baseline so that moving code does not touch it.
"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BASELINE = REPO / "abi" / "libhazy.so.0.abi"
SUPPRESSIONS = REPO / "abi" / "suppressions.ini"
# abidiff's exit status is a bit set (libabigail's abidiff manual).
ERROR, USAGE, CHANGE, INCOMPATIBLE = 1, 2, 4, 8


def abidw(lib: Path, out: Path):
    subprocess.run(["abidw", "--no-corpus-path", "--no-show-locs", "--type-id-style", "hash",
                    "--out-file", str(out), str(lib)], check=True)


def abidiff(old: Path, new: Path):
    done = subprocess.run(["abidiff", "--suppressions", str(SUPPRESSIONS), str(old), str(new)],
                          capture_output=True, text=True)
    return done.returncode, done.stdout + done.stderr


def without_function(text: str, name: str) -> str:
    """The corpus with function `name` gone, as if it were no longer exported."""
    text = re.sub(rf"\s*<elf-symbol name='{name}'[^>]*/>", "", text, count=1)
    return re.sub(rf"\s*<function-decl name='{name}'.*?</function-decl>", "", text, count=1, flags=re.S)


def with_parameter_retyped(text: str, name: str) -> str:
    """The corpus with the first parameter of `name` turned into the type of its return value."""
    decl = re.search(rf"<function-decl name='{name}'.*?</function-decl>", text, re.S).group(0)
    ret = re.search(r"<return type-id='([^']+)'", decl).group(1)
    changed = re.sub(r"(<parameter type-id=')[^']+'", rf"\g<1>{ret}'", decl, count=1)
    assert changed != decl, f"{name} has no parameter to retype"
    return text.replace(decl, changed, 1)


def with_status_renumbered(text: str) -> str:
    """The corpus with the value of a status enumerator changed."""
    changed = re.sub(r"(<enumerator name='Auth' value=')(\d+)'", lambda m: f"{m.group(1)}{int(m.group(2)) + 40}'",
                     text, count=1)
    assert changed != text, "no status enumerator named Auth in the corpus"
    return changed


def with_handle_resized(text: str) -> str:
    """The corpus with the opaque client handle's Rust layout grown, as a new field would."""
    changed = re.sub(r"(<class-decl name='hazy_client_t' size-in-bits=')(\d+)'",
                     lambda m: f"{m.group(1)}{int(m.group(2)) + 64}'", text, count=1)
    assert changed != text, "no hazy_client_t in the corpus"
    return changed


def check(lib: Path) -> int:
    passed = failed = 0

    def verdict(ok: bool, what: str, detail: str = ""):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f"\n{detail}" if detail and not ok else ""), flush=True)

    with tempfile.TemporaryDirectory(prefix="hazy-abi-") as tmp:
        current = Path(tmp) / "current.abi"
        abidw(lib, current)
        code, report = abidiff(BASELINE, current)
        guidance = ("an incompatible change to libhazy.so.0: revert it, or move the SONAME, the baseline and "
                    "CHANGELOG.md together" if code & INCOMPATIBLE else
                    "the ABI changed (a function added?): run `make abi-baseline`, commit abi/libhazy.so.0.abi "
                    "and say what changed in CHANGELOG.md")
        verdict(code == 0, f"{lib.name} matches abi/libhazy.so.0.abi",
                f"abidiff exited {code}: {guidance}\n{report}")
        text = current.read_text()
        for what, mutant in [
            ("a removed function (hazy_train) is an incompatible change", lambda: without_function(text, "hazy_train")),
            ("a changed parameter type (hazy_job_wait's first) is reported",
             lambda: with_parameter_retyped(text, "hazy_job_wait")),
            ("a renumbered status (AUTH) is reported", lambda: with_status_renumbered(text)),
            ("a grown opaque handle (hazy_client_t) is not reported", lambda: with_handle_resized(text)),
        ]:
            path = Path(tmp) / "mutant.abi"
            path.write_text(mutant())
            code, report = abidiff(current, path)
            if "not reported" in what:
                verdict(code == 0, what, f"abidiff exited {code}\n{report}")
                continue
            want = INCOMPATIBLE if "removed" in what else CHANGE
            verdict(bool(code & want) and not code & (ERROR | USAGE), what, f"abidiff exited {code}\n{report}")
    print(f"abi: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] not in ("baseline", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    lib = Path(sys.argv[2])
    if sys.argv[1] == "baseline":
        abidw(lib, BASELINE)
        print(f"wrote {BASELINE.relative_to(REPO)} from {lib}")
        return 0
    return check(lib)


if __name__ == "__main__":
    sys.exit(main())
