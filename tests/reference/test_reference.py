"""The C API reference pages (make test-reference; no services).

Every exported function must have its pages: "exported" is every hazy_* symbol that
build/lib/libhazy.so defines (nm -D, after `make build`) and every prototype in include/hazy.h,
found here independently of the generator's own parser. The committed pages must be what
scripts/docs/reference.py makes of the header (its --check, which is itself tested on a broken
copy), and every man page must render with man and groff without a warning.
"""
import os
import re
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
REF = os.path.join(ROOT, "docs", "reference")
MAN3 = os.path.join(REF, "man3")
GENERATOR = os.path.join(ROOT, "scripts", "docs", "reference.py")
LIBRARY = os.path.join(ROOT, "build", "lib", "libhazy.so")
HEADER = os.path.join(ROOT, "include", "hazy.h")


def exported_symbols():
    if not os.path.exists(LIBRARY):
        pytest.fail(f"{LIBRARY} is missing: run `make build` first")
    out = subprocess.run(["nm", "-D", "--defined-only", LIBRARY], check=True, capture_output=True,
                         text=True).stdout
    return {f[2] for f in (line.split() for line in out.splitlines()) if len(f) == 3 and f[2].startswith("hazy_")}


def header_prototypes():
    text = open(HEADER, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    # A prototype: a declaration that ends with ");" and whose name is followed by "(";
    # function-pointer typedefs have "(*name)" instead.
    return set(re.findall(r"\b(hazy_\w+)\([^;]*\);", text))


SYMBOLS = sorted(exported_symbols()) if os.path.exists(LIBRARY) else []
PROTOTYPES = sorted(header_prototypes())
MAN_PAGES = sorted(f for f in os.listdir(MAN3) if f.endswith(".3")) if os.path.isdir(MAN3) else []


def test_library_and_header_list_functions():
    assert len(PROTOTYPES) > 50, PROTOTYPES
    assert len(exported_symbols()) > 50


@pytest.mark.parametrize("source", ["library", "header"])
def test_every_exported_function_has_its_pages(source):
    names = exported_symbols() if source == "library" else set(PROTOTYPES)
    overview = open(os.path.join(MAN3, "libhazy.3"), encoding="utf-8").read()
    index = open(os.path.join(REF, "README.md"), encoding="utf-8").read()
    missing = []
    for name in sorted(names):
        for path in (os.path.join(REF, f"{name}.md"), os.path.join(MAN3, f"{name}.3")):
            if not os.path.isfile(path):
                missing.append(os.path.relpath(path, ROOT))
        if f".BR {name} (3)" not in overview:
            missing.append(f"{name} in docs/reference/man3/libhazy.3")
        if f"[`{name}`]({name}.md)" not in index:
            missing.append(f"{name} in docs/reference/README.md")
    assert not missing, (f"exported functions ({source}) without their reference pages: {', '.join(missing)}; "
                         "run `python3 scripts/docs/reference.py` (after `make header`) and commit docs/reference/")


def test_pages_are_up_to_date():
    run = subprocess.run([sys.executable, GENERATOR, "--check"], capture_output=True, text=True)
    print(run.stdout, run.stderr)
    assert run.returncode == 0, run.stderr


def test_check_names_every_stale_missing_and_extra_page(tmp_path):
    """--check is not a check that cannot fail: on a copy with one page edited, one deleted and
    one extra, it fails and names exactly those three."""
    copy = tmp_path / "reference"
    shutil.copytree(REF, copy)
    with open(copy / "hazy_train.md", "a", encoding="utf-8") as f:
        f.write("hand edit\n")
    os.remove(copy / "man3" / "hazy_job_wait.3")
    (copy / "man3" / "hazy_gone.3").write_text(".TH HAZY_GONE 3\n")
    run = subprocess.run([sys.executable, GENERATOR, "--check", "--out", str(copy)], capture_output=True, text=True)
    assert run.returncode == 1
    named = sorted(line.split(":")[0].rsplit("/", 1)[-1] for line in run.stderr.splitlines() if ": " in line
                   and not line.startswith("reference.py"))
    assert named == ["hazy_gone.3", "hazy_job_wait.3", "hazy_train.md"], run.stderr
    assert "hazy_train.md: differs" in run.stderr
    assert "hazy_job_wait.3: missing" in run.stderr
    assert "hazy_gone.3: extra" in run.stderr


def render(page):
    """(man's output, man's warnings, groff's warnings) for one page."""
    env = dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat", LC_ALL="C.UTF-8")
    man = subprocess.run(["man", "-l", "--warnings=w", page], capture_output=True, text=True, env=env)
    groff = subprocess.run(["groff", "-man", "-Tutf8", "-ww", "-z", page], capture_output=True, text=True, env=env)
    assert man.returncode == 0, man.stderr
    assert groff.returncode == 0, groff.stderr
    return man.stdout, man.stderr.strip(), groff.stderr.strip()


@pytest.mark.parametrize("page", MAN_PAGES)
def test_man_page_renders_without_warnings(page):
    path = os.path.join(MAN3, page)
    out, man_warnings, groff_warnings = render(path)
    assert not man_warnings, f"man -l {page}: {man_warnings}"
    assert not groff_warnings, f"groff -ww {page}: {groff_warnings}"
    name = page[: -len(".3")]
    assert f"{name.upper()}(3)" in out and "NAME" in out and "SYNOPSIS" in out, out[:500]
    assert f"{name} - " in out, f"NAME line of {page}"
    if name != "libhazy":
        assert "DESCRIPTION" in out and "SEE ALSO" in out
        # The prototype is there, whole, as a C reader would copy it.
        assert "#include <hazy.h>" in out and re.search(rf"\b{name}\(", out), out[:800]
    # apropos/whatis read the NAME section.
    whatis = subprocess.run(["lexgrog", path], capture_output=True, text=True)
    if whatis.returncode != 127:
        assert whatis.returncode == 0 and f'"{name} - ' in whatis.stdout, whatis.stdout + whatis.stderr


def test_a_broken_page_is_caught(tmp_path):
    """The render check can fail: an unknown macro and a stray escape make groff warn."""
    bad = tmp_path / "hazy_bad.3"
    bad.write_text('.TH HAZY_BAD 3 "" "libhazy" "libhazy manual"\n.SH NAME\nhazy_bad \\- x\n.XX nothing\n\\q\n')
    _, man_warnings, groff_warnings = render(str(bad))
    assert groff_warnings and man_warnings


def test_every_man_page_matches_a_function():
    stray = [p for p in MAN_PAGES if p != "libhazy.3" and p[: -len(".3")] not in PROTOTYPES]
    assert not stray
    assert "libhazy.3" in MAN_PAGES
