#!/usr/bin/env python3
"""auditwheel-style checks on the release tarballs (make test-dist-portability).

    python3 tests/dist/check_portability.py dist/libhazy-VERSION-ARCH-linux-gnu.tar.gz ...

For each tarball, unpacked into a temporary directory, its lib/libhazy.so.VERSION must:
need no glibc symbol version above 2.17; NEED only libc, libm, libpthread, libdl, librt,
libgcc_s and the dynamic loader; carry the SONAME libhazy.so.MAJOR; export only hazy_ symbols;
be stripped and at most 5.25 MiB; be built for the tarball's architecture. The tree must hold every
file the README promises, and its pkg-config and CMake files no absolute path. SHA256SUMS
beside the tarballs must match them. readelf (binutils) reads ELF files of any architecture.

Then the checks are turned on broken copies of the x86_64 tarball (mutants: a library built
without the glibc floor, unstripped, without SONAME, exporting and needing other things; one
padded past 5.25 MiB; a .pc with an absolute path; a stale checksum). Each mutant must fail
exactly the checks its breakage concerns, so a check that cannot fail fails the run.
Prints one line per check and mutant and a summary; exits 1 on any failure.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile

MAX_GLIBC = (2, 17)
# 4 MiB until the credential options of issue 25 (docs/platforms-and-packaging.md, "Sizes").
MAX_SIZE = 5376 * 1024
ALLOWED_NEEDED = {
    "libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1", "libgcc_s.so.1",
    "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1",
}
MACHINE = {"x86_64": "Advanced Micro Devices X86-64", "aarch64": "AArch64"}
NAME = re.compile(r"libhazy-([0-9]+\.[0-9]+\.[0-9]+)-(x86_64|aarch64)-linux-gnu\.tar\.gz")


class Checks:
    """Collects (key, ok) per check; prints each line unless quiet (mutant runs)."""

    def __init__(self, quiet=False):
        self.results, self.quiet = [], quiet

    def __call__(self, key, name, ok, detail=""):
        self.results.append((key, ok))
        if not self.quiet:
            print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)

    def failed(self):
        return {key for key, ok in self.results if not ok}


def readelf(*args):
    return subprocess.run(["readelf", "-W", *args], check=True, capture_output=True, text=True).stdout


def check_library(check, label, so, arch, major):
    check_elf(check, label, so, arch)
    dynamic = readelf("-d", so)
    soname = re.findall(r"\(SONAME\)\s+Library soname: \[(.*?)\]", dynamic)
    check("soname", f"{label}: SONAME libhazy.so.{major}", soname == [f"libhazy.so.{major}"],
          ", ".join(soname) or "none")
    check_exports(check, label, so)


def check_elf(check, label, so, arch):
    """What a library and a program must both hold to: the architecture, the glibc floor and
    only system libraries as NEEDED."""
    header = readelf("-h", so)
    machine = re.search(r"Machine:\s+(.*)", header).group(1).strip()
    check("machine", f"{label}: built for {arch}", machine == MACHINE[arch], machine)

    versions = sorted({tuple(int(p) for p in v.split("."))
                       for v in re.findall(r"\bGLIBC_([0-9.]+[0-9])\b", readelf("-V", so))})
    highest = versions[-1] if versions else None
    check("glibc", f"{label}: no GLIBC_ version above 2.17", highest is not None and highest <= MAX_GLIBC,
          "highest GLIBC_" + ".".join(map(str, highest)) if highest else "no GLIBC_ versions found")

    dynamic = readelf("-d", so)
    needed = re.findall(r"\(NEEDED\)\s+Shared library: \[(.*?)\]", dynamic)
    extra = sorted(set(needed) - ALLOWED_NEEDED)
    check("needed", f"{label}: NEEDED only system libraries", bool(needed) and not extra,
          ", ".join(needed) + (f"; not allowed: {', '.join(extra)}" if extra else ""))


def check_exports(check, label, so):
    exported = set()
    for line in readelf("--dyn-syms", so).splitlines():
        f = line.split()
        # Num: Value Size Type Bind Vis Ndx Name
        if len(f) >= 8 and f[0].endswith(":") and f[4] in ("GLOBAL", "WEAK") and f[6] != "UND":
            exported.add(f[7].split("@")[0])
    foreign = sorted(s for s in exported if not s.startswith("hazy_"))
    check("exports", f"{label}: exports only hazy_ symbols", len(exported) > 10 and not foreign,
          f"{len(exported)} exported" + (f"; not hazy_: {', '.join(foreign[:10])}" if foreign else ""))

    sections = re.findall(r"^\s*\[\s*\d+\]\s+(\S+)", readelf("-S", so), re.M)
    leftovers = [s for s in sections if s.startswith(".debug_") or s == ".symtab"]
    check("stripped", f"{label}: stripped (debug info is in the -debug tarball)", not leftovers,
          ", ".join(leftovers))
    size = os.path.getsize(so)
    check("size", f"{label}: at most 5.25 MiB stripped", size <= MAX_SIZE,
          f"{size} bytes ({size / 1048576:.2f} MiB)")


def check_tree(check, label, root, version):
    major = version.split(".")[0]
    expected = [f"lib/libhazy.so.{version}", "lib/libhazy.a", "bin/hazy", "include/hazy.h", "include/hazy.hpp",
                "lib/pkgconfig/hazy.pc", "lib/cmake/Hazy/HazyConfig.cmake",
                "lib/cmake/Hazy/HazyConfigVersion.cmake", "README.md", "LICENSE",
                "share/hazy/cobol/HAZY.cpy", "share/hazy/cobol/HAZYLIB.cbl"] + [
                    # a man page per C function and libhazy.3, as committed in docs/reference/man3
                    f"share/man/man3/{page}" for page in sorted(os.listdir(os.path.join(
                        os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs", "reference", "man3")))
                    if page.endswith(".3")] + [
                    # the docs the README links to
                    f"docs/{page}" for page in sorted(os.listdir(os.path.join(
                        os.path.dirname(os.path.abspath(__file__)), "..", "..", "docs")))
                    if page.endswith(".md")]
    missing = [p for p in expected if not os.path.isfile(os.path.join(root, p))]
    check("files", f"{label}: holds {len(expected)} files", not missing,
          "missing " + ", ".join(missing) if missing else "")
    links = {f"lib/libhazy.so.{major}": f"libhazy.so.{version}", "lib/libhazy.so": f"libhazy.so.{major}"}

    def target(p):
        full = os.path.join(root, p)
        return os.readlink(full) if os.path.islink(full) else "not a link"
    bad = [f"{p} -> {target(p)}" for p, want in links.items() if target(p) != want]
    check("links", f"{label}: libhazy.so -> libhazy.so.{major} -> libhazy.so.{version}", not bad, "; ".join(bad))
    absolute = []
    for rel in ("lib/pkgconfig/hazy.pc", "lib/cmake/Hazy/HazyConfig.cmake", "lib/cmake/Hazy/HazyConfigVersion.cmake"):
        if not os.path.isfile(os.path.join(root, rel)):
            continue
        for line in open(os.path.join(root, rel), encoding="utf-8").read().splitlines():
            if line.lstrip().startswith("#") or line.startswith("Description:"):
                continue
            # An absolute path: "/something" at the start of a value, not after a variable.
            if re.search(r"(^|[=\s\"'])/(?!/)[A-Za-z]", line):
                absolute.append(f"{rel}: {line.strip()}")
    check("relocatable", f"{label}: pkg-config and CMake files are relocatable", not absolute, "; ".join(absolute))


def check_tarball(check, tarball):
    """Every check on one tarball; returns its arch or None."""
    m = NAME.fullmatch(os.path.basename(tarball))
    if not m:
        check("name", f"{tarball}: named libhazy-VERSION-ARCH-linux-gnu.tar.gz", False)
        return None
    version, arch = m.groups()
    label = os.path.basename(tarball)
    sums = os.path.join(os.path.dirname(tarball) or ".", "SHA256SUMS")
    listed = {}
    if os.path.isfile(sums):
        for line in open(sums, encoding="utf-8"):
            digest, _, name = line.strip().partition("  ")
            listed[name] = digest
    with open(tarball, "rb") as f:
        actual = hashlib.sha256(f.read()).hexdigest()
    check("sha256", f"{label}: matches SHA256SUMS", listed.get(label) == actual,
          "not listed" if label not in listed else "")
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(tarball) as t:
            t.extractall(tmp, filter="tar") if hasattr(tarfile, "data_filter") else t.extractall(tmp)
        root = os.path.join(tmp, label[: -len(".tar.gz")])
        check("unpacks", f"{label}: unpacks into {os.path.basename(root)}/", os.path.isdir(root))
        if not os.path.isdir(root):
            return arch
        check_tree(check, label, root, version)
        so = os.path.join(root, "lib", f"libhazy.so.{version}")
        if os.path.isfile(so):
            check_library(check, label, so, arch, version.split(".")[0])
        program = os.path.join(root, "bin", "hazy")
        if os.path.isfile(program):
            check_elf(check, f"{label} bin/hazy", program, arch)
    return arch


# --- mutants ------------------------------------------------------------------------------

BAD_LIB_C = r"""
#include <stddef.h>
#include <sys/random.h>
int extra_function(void);
/* getrandom is versioned GLIBC_2.25; extra_function makes libextra.so NEEDED. */
int not_hazy(void *buf) { return (int)getrandom(buf, 8, 0) + extra_function(); }
"""


def build_bad_library(tmp):
    """A library as it would come out without the dist build: newer glibc symbol, debug info,
    no SONAME, a non-hazy_ export, and a dependency on a non-system library."""
    with open(os.path.join(tmp, "extra.c"), "w") as f:
        f.write("int extra_function(void) { return 0; }\n")
    with open(os.path.join(tmp, "bad.c"), "w") as f:
        f.write(BAD_LIB_C)
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-shared", "-fPIC", "-o", os.path.join(tmp, "libextra.so"),
                    os.path.join(tmp, "extra.c")], check=True)
    bad = os.path.join(tmp, "libbad.so")
    subprocess.run([cc, "-shared", "-fPIC", "-g", "-o", bad, os.path.join(tmp, "bad.c"),
                    "-L" + tmp, "-lextra"], check=True)
    return bad


def repack(tree_parent, name, out_dir, write_sums=True):
    os.makedirs(out_dir)
    tarball = os.path.join(out_dir, name + ".tar.gz")
    with tarfile.open(tarball, "w") as t:  # uncompressed: fast, and read back the same way
        t.add(os.path.join(tree_parent, name), arcname=name)
    if write_sums:
        with open(tarball, "rb") as f, open(os.path.join(out_dir, "SHA256SUMS"), "w") as s:
            s.write(f"{hashlib.sha256(f.read()).hexdigest()}  {name}.tar.gz\n")
    return tarball


def run_mutants(check, good_tarball):
    """Breaks copies of a good tarball one way each; the checks must catch exactly that."""
    version = NAME.fullmatch(os.path.basename(good_tarball)).group(1)
    name = os.path.basename(good_tarball)[: -len(".tar.gz")]
    so_rel = os.path.join("lib", f"libhazy.so.{version}")

    def bad_library(root, tmp):
        shutil.copyfile(build_bad_library(tmp), os.path.join(root, so_rel))

    def padded(root, tmp):
        with open(os.path.join(root, so_rel), "ab") as f:
            f.write(b"\0" * (MAX_SIZE + 1))

    def absolute_pc(root, tmp):
        pc = os.path.join(root, "lib", "pkgconfig", "hazy.pc")
        text = open(pc, encoding="utf-8").read()
        open(pc, "w", encoding="utf-8").write(re.sub(r"(?m)^prefix=.*$", "prefix=/home/builder/libhazy", text))

    def dangling(root, tmp):
        os.remove(os.path.join(root, "lib", "libhazy.so"))

    mutants = [  # (what, mutation, keys that must fail, whether SHA256SUMS is rewritten)
        ("a library built without the dist build", bad_library,
         {"glibc", "needed", "soname", "exports", "stripped"}, True),
        ("a library over 5.25 MiB", padded, {"size"}, True),
        ("a .pc with an absolute prefix", absolute_pc, {"relocatable"}, True),
        ("no libhazy.so link", dangling, {"links"}, True),
        ("a stale SHA256SUMS", lambda root, tmp: None, {"sha256"}, False),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(good_tarball) as t:
            t.extractall(os.path.join(tmp, "good"), filter="tar") if hasattr(tarfile, "data_filter") \
                else t.extractall(os.path.join(tmp, "good"))
        for i, (what, mutate, expected, sums) in enumerate(mutants):
            work = os.path.join(tmp, f"m{i}")
            shutil.copytree(os.path.join(tmp, "good"), os.path.join(work, "tree"), symlinks=True)
            mutate(os.path.join(work, "tree", name), work)
            tarball = repack(os.path.join(work, "tree"), name, os.path.join(work, "out"), sums)
            inner = Checks(quiet=True)
            check_tarball(inner, tarball)
            got = inner.failed()
            check("mutant", f"mutant ({what}): fails exactly {', '.join(sorted(expected))}", got == expected,
                  "" if got == expected else f"failed: {', '.join(sorted(got)) or 'nothing'}")


def main(tarballs):
    if not tarballs:
        sys.exit("usage: check_portability.py TARBALL...")
    check = Checks()
    x86_64 = None
    for tarball in tarballs:
        if check_tarball(check, tarball) == "x86_64":
            x86_64 = tarball
    if x86_64 is None:
        check("mutant", "mutants: an x86_64 tarball to break", False)
    elif check.failed():
        print("mutants: not run, the tarballs themselves fail")
    else:
        run_mutants(check, x86_64)
    failed = sum(1 for _, ok in check.results if not ok)
    print(f"portability: {len(check.results) - failed} passed, {failed} failed")
    sys.exit(1 if failed or not check.results else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
