#!/usr/bin/env python3
"""The RPM and DEB packages in dist/ (scripts/dist/rpm.sh and deb.sh; make test-packages), checked
the way an administrator meets them. Runs under tests/stack/stack.py (HAZY_TEST_* set).

    python3 tests/dist/packages.py [--dist dist] [--arch x86_64 --arch aarch64]

dist/SHA256SUMS lists every package with its digest.
RPMs, for each architecture:
  - `rpm -qp --requires` of each package lists only glibc-family sonames (libc, libm, libpthread,
    libdl, librt, the dynamic loader) at symbol versions GLIBC_2.17 or lower, rpmlib features
    that RHEL 7's rpm 4.11 has, and, for libhazy-devel, the libhazy of the same build. The rule
    itself is first turned on requirements it must reject (GLIBC_2.18, /bin/sh, libssl, ...).
    No scriptlets; xz payload; the right architecture and files;
  - they install into a scratch root (`rpm --root DIR --initdb`, `rpm --root DIR -ivh`; --nodeps
    since the root holds no glibc, --ignorearch for aarch64), and `rpm -V` finds every file intact;
  - x86_64: a C program (examples/c/train.c) builds against the root's libhazy-devel with
    pkg-config (PKG_CONFIG_SYSROOT_DIR) and trains against the stack, loading the root's library;
    the CMake package finds the root's library; the root's `hazy` runs `hazy version` and
    `hazy auth check`. aarch64: the same two commands under qemu-aarch64;
  - each carries its own CycloneDX SBOM, /usr/share/doc/NAME/sbom.cdx.json, listing every other
    file it installs with its SHA-256 and the Rust crates of its ELF files;
  - `rpm --root DIR -e` removes every file.
DEBs:
  - control fields: names, sections, Depends (libc6 (>= the highest GLIBC_ version of the ELF
    files, at most 2.17); libhazy-dev on libhazy0 (= VERSION)), Multi-Arch; shlibs and symbols
    of libhazy0 (every exported symbol); md5sums; a machine-readable copyright with Apache-2.0
    and the Rust crates; changelog.Debian.gz; the package's own SBOM, as for the RPMs;
  - lintian: no errors, and no warning but the explained ones (EXPLAINED_WARNINGS);
  - on this machine (amd64): `dpkg -i` of libhazy0 and libhazy-dev; examples/c/train.c builds
    with `pkg-config hazy` alone (no PKG_CONFIG_PATH) and trains, loading /usr/lib/<multiarch>;
    examples/cpp builds with find_package(Hazy) alone; then `dpkg -i` of hazy, whose
    /usr/bin/hazy runs `hazy version` and `hazy auth check`; `dpkg -r` removes every file and
    every directory the packages created, and ld.so.cache forgets libhazy.
    Installing really writes to /usr: the test refuses to start when any of the packages' files
    exists already, and removes (then purges) the packages in a finally block, on failure and on
    SIGTERM/SIGINT too. dpkg runs under .cache/.apt.lock, the lock tests/ensure-deps.sh takes.

Prints one line per check and `packages: N passed, M failed`; exits 1 on any failure.
"""
import argparse
import fcntl
import gzip
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VERSION = re.search(r'^version = "([^"]+)"', (REPO / "Cargo.toml").read_text(), re.M).group(1)
MAJOR = VERSION.split(".")[0]
RELEASE = os.environ.get("PACKAGE_RELEASE", "1")
DEBARCH = {"x86_64": "amd64", "aarch64": "arm64"}
ISA = {"x86_64": "x86-64", "aarch64": "aarch-64"}
MAX_GLIBC = (2, 17)
# glibc's sonames: what every RHEL 7 (glibc 2.17) system has.
GLIBC_SONAMES = {"libc.so.6", "libm.so.6", "libpthread.so.0", "libdl.so.2", "librt.so.1",
                 "ld-linux-x86-64.so.2", "ld-linux-aarch64.so.1"}
# rpmlib() features RHEL 7's rpm 4.11 supports (rpm --showrc there); PayloadIsZstd is not one.
RHEL7_RPMLIB = {"CompressedFileNames", "PayloadFilesHavePrefix", "FileDigests", "PayloadIsXz",
                "PayloadIsBzip2", "PartialHardlinkSets", "VersionedDependencies"}
# lintian warnings that stay, and why. Anything else lintian warns about fails the test.
EXPLAINED_WARNINGS = {
    # These packages are not uploaded to Debian, so there is no ITP bug to close.
    "initial-upload-closes-no-bugs": "not uploaded to Debian: no ITP bug to close",
    # The command documents itself (`hazy -h`, docs/cli.md); there is no hazy(1) page yet.
    "no-manual-page": "hazy has no man page yet: `hazy -h` and docs/cli.md document it",
}
CONFIG = REPO / "examples" / "training-config.json"
MODEL_ID = re.compile(r"model id [0-9a-f-]{36}")
# rpm's databases: the scratch roots' where RHEL keeps it; for `rpm -qp` one of this run's own
# (Debian's rpm would otherwise create ~/.rpmdb). RPMDB is set in main().
ROOT_DBPATH = "/var/lib/rpm"
RPMDB = None


class Results:
    def __init__(self):
        self.passed = self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
        print(f"{'ok  ' if ok else 'FAIL'} {name}{': ' + detail if detail else ''}", flush=True)
        return ok


R = Results()


def run(cmd, check=True, env=None, cwd=None, timeout=300):
    proc = subprocess.run([str(c) for c in cmd], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=timeout)
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc


def attempt(name, fn):
    """Runs one check whose failure is an exception; records it."""
    try:
        detail = fn()
        R.check(name, True, detail or "")
        return True
    except Exception as e:  # noqa: BLE001 (any failure of the step is the check's failure)
        R.check(name, False, str(e).strip()[:2000])
        return False


def version_tuple(text):
    return tuple(int(x) for x in text.split("."))


def package_files(dist, arch):
    rpms = [dist / f"{n}-{VERSION}-{RELEASE}.{arch}.rpm" for n in ("libhazy", "libhazy-devel", "hazy")]
    debs = [dist / f"{n}_{VERSION}-{RELEASE}_{DEBARCH[arch]}.deb" for n in ("libhazy0", "libhazy-dev", "hazy")]
    return rpms + debs


def check_sums(dist, packages):
    """dist/SHA256SUMS lists every package with its digest."""
    sums = {}
    if (dist / "SHA256SUMS").is_file():
        for line in (dist / "SHA256SUMS").read_text().splitlines():
            digest, _, name = line.partition("  ")
            sums[name] = digest
    wrong = []
    for p in packages:
        if not p.is_file():
            continue  # reported by the suites
        digest = run(["sha256sum", p]).stdout.split()[0]
        if sums.get(p.name) != digest:
            wrong.append(f"{p.name}: {'missing' if p.name not in sums else 'stale digest'}")
    R.check("dist/SHA256SUMS lists every package with its digest", not wrong,
            "; ".join(wrong) or f"{sum(p.is_file() for p in packages)} packages")


# --------------------------------------------------------------------------------------- RPM


def bad_requirement(req, devel_of=None):
    """Why `req` (a line of `rpm -qp --requires`) is not allowed, or None."""
    m = re.fullmatch(r"rpmlib\((\w+)\)(?: <= [\w.-]+)?", req)
    if m:
        return None if m.group(1) in RHEL7_RPMLIB else f"{req}: rpm 4.11 (RHEL 7) lacks it"
    if devel_of is not None and req == devel_of:
        return None
    m = re.fullmatch(r"([\w.+-]+\.so(?:\.[\d.]+)?)(?:\((?:([A-Z]+)_([\d.]+))?\))?(\(64bit\))?", req)
    if m:
        soname, family, ver, _ = m.groups()
        if soname not in GLIBC_SONAMES:
            return f"{req}: not a glibc soname"
        if family is not None and family != "GLIBC":
            return f"{req}: not a GLIBC_ symbol version"
        if ver is not None and version_tuple(ver) > MAX_GLIBC:
            return f"{req}: above GLIBC_2.17"
        return None
    if req == "rtld(GNU_HASH)":  # provided by glibc itself
        return None
    return f"{req}: not a glibc soname"


def self_test_requirement_rule():
    """The rule must reject what would break on RHEL 7, and accept what glibc 2.17 provides."""
    bad = ["libc.so.6(GLIBC_2.18)(64bit)", "libc.so.6(GLIBC_2.34)(64bit)", "/bin/sh", "/sbin/ldconfig",
           "libssl.so.10()(64bit)", "libgcc_s.so.1()(64bit)", "libgcc_s.so.1(GCC_3.0)(64bit)",
           "rpmlib(PayloadIsZstd) <= 5.4.18-1", "pkgconfig", "/usr/bin/pkg-config",
           "libhazy(x86-64) = 0.0.9-1", "glibc >= 2.18"]
    good = ["libc.so.6()(64bit)", "libc.so.6(GLIBC_2.17)(64bit)", "libpthread.so.0(GLIBC_2.2.5)(64bit)",
            "ld-linux-x86-64.so.2(GLIBC_2.3)(64bit)", "ld-linux-aarch64.so.1()(64bit)",
            "rpmlib(PayloadIsXz) <= 5.2-1", "rtld(GNU_HASH)"]
    wrong = [r for r in bad if bad_requirement(r, devel_of="libhazy(x86-64) = 0.1.0-1") is None]
    wrong += [r for r in good if bad_requirement(r) is not None]
    R.check("rpm: the requirement rule rejects GLIBC_2.18, /bin/sh, libssl, zstd ... and accepts glibc 2.17's",
            not wrong, f"misjudged: {wrong}" if wrong else "")


def rpm_query(path, fmt):
    return run(["rpm", "--dbpath", RPMDB, "-qp", "--qf", fmt, path]).stdout


def check_rpm(path, arch, name):
    lines = run(["rpm", "--dbpath", RPMDB, "-qp", "--requires", path]).stdout.split("\n")
    reqs = [r.strip() for r in lines if r.strip()]
    devel_of = f"libhazy({ISA[arch]}) = {VERSION}-{RELEASE}" if name == "libhazy-devel" else None
    bad = [why for why in (bad_requirement(r, devel_of) for r in reqs) if why]
    glibc = sorted({m.group(1) for r in reqs for m in [re.search(r"GLIBC_([\d.]+)", r)] if m},
                   key=version_tuple)
    detail = f"{len(reqs)} requirements, highest GLIBC_{glibc[-1]}" if glibc else f"{len(reqs)} requirements"
    if devel_of:
        detail += f", {devel_of}"
        if devel_of not in reqs:
            bad.append(f"does not require {devel_of}")
    R.check(f"rpm {path.name}: --requires only glibc <= 2.17 sonames", not bad, "; ".join(bad) or detail)

    got_arch, payload = rpm_query(path, "%{ARCH} %{PAYLOADCOMPRESSOR}").split()
    scripts = run(["rpm", "--dbpath", RPMDB, "-qp", "--scripts", "--triggers", path]).stdout.strip()
    R.check(f"rpm {path.name}: {arch}, xz payload, no scriptlets",
            got_arch == arch and payload == "xz" and not scripts,
            f"arch {got_arch}, payload {payload}, scripts {scripts!r}")


def expected_files(name, libdir, man3):
    """The files (not directories) of each package, by package name; RPM and DEB alike."""
    lib = [f"{libdir}/libhazy.so.{VERSION}", f"{libdir}/libhazy.so.{MAJOR}"]
    dev = [f"{libdir}/libhazy.so", f"{libdir}/libhazy.a", f"{libdir}/pkgconfig/hazy.pc",
           f"{libdir}/cmake/Hazy/HazyConfig.cmake", f"{libdir}/cmake/Hazy/HazyConfigVersion.cmake",
           "/usr/include/hazy.h", "/usr/include/hazy.hpp",
           "/usr/share/hazy/cobol/HAZY.cpy", "/usr/share/hazy/cobol/HAZYLIB.cbl"]
    if man3:
        dev += ["/usr/share/man/man3/libhazy.3.gz", "/usr/share/man/man3/hazy_train.3.gz"]
    return {"libhazy": lib, "libhazy0": lib, "libhazy-devel": dev, "libhazy-dev": dev,
            "hazy": ["/usr/bin/hazy"]}[name]


# Crates any build of libhazy links: an SBOM of a package with its ELF files must list them.
SBOM_CRATES = {"hazy", "tokio", "reqwest", "rustls", "serde_json"}


def check_embedded_sbom(label, root, name, owned):
    """The package's own SBOM (/usr/share/doc/NAME/sbom.cdx.json under ROOT, where the package's
    files are, as installed or unpacked) lists exactly OWNED's other regular files with their
    SHA-256, and each ELF file depends on its crate, whose dependencies are listed."""
    sbom_name = f"/usr/share/doc/{name}/sbom.cdx.json"
    path = root / sbom_name.lstrip("/")
    problems = []
    if not path.is_file():
        R.check(f"{label}: carries its SBOM", False, f"no {sbom_name}")
        return
    bom = json.loads(path.read_text())
    files = {c["name"]: c["hashes"][0]["content"] for c in bom.get("components", []) if c["type"] == "file"}
    want = {}
    for f in owned:
        p = root / f.lstrip("/")
        if f != sbom_name and p.is_file() and not p.is_symlink():
            want[f] = hashlib.sha256(p.read_bytes()).hexdigest()
    if files != want:
        problems.append(f"files differ: {sorted(set(files.items()) ^ set(want.items()))[:4]}")
    crates = {c["name"] for c in bom["components"] if c["type"] == "library"}
    elf = [f for f in want if (root / f.lstrip("/")).read_bytes()[:4] == b"\x7fELF"
           or f.endswith("/libhazy.a")]
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom.get("dependencies", [])}
    if elf and not SBOM_CRATES - {"hazy"} <= crates:
        problems.append(f"lists no {sorted(SBOM_CRATES - crates)}")
    problems += [f"{f} depends on no crate" for f in elf if not deps.get(f"file:{f}")]
    if bom.get("bomFormat") != "CycloneDX" or bom.get("specVersion") != "1.5":
        problems.append("not CycloneDX 1.5")
    R.check(f"{label}: carries its SBOM, {sbom_name}", not problems,
            "; ".join(problems) or f"{len(files)} files, {len(crates)} crates")


def tarball_has_man3(arch):
    tarball = REPO / "dist" / f"libhazy-{VERSION}-{arch}-linux-gnu.tar.gz"
    names = run(["tar", "-tzf", tarball]).stdout
    return "/share/man/man3/libhazy.3" in names


def stack_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith("HAZY_") and k != "LD_LIBRARY_PATH"}
    env.update(HAZY_HUB_HOST=os.environ["HAZY_TEST_HUB_URL"].rstrip("/"),
               HAZY_CLIENT_ID=os.environ["HAZY_TEST_CLIENT_ID"],
               HAZY_CLIENT_SECRET=os.environ["HAZY_TEST_CLIENT_SECRET"])
    return env


def train(program, label, env):
    project = f"pkg-{label}-{os.getpid()}"
    proc = run([program, project, CONFIG], check=False, env=env, timeout=180)
    out = proc.stdout + proc.stderr
    if proc.returncode != 0 or not MODEL_ID.search(out):
        raise RuntimeError(f"exit {proc.returncode}:\n{out}")
    return MODEL_ID.search(out).group(0)


def cli_checks(label, hazy, prefix_cmd=(), env_extra=None):
    """`hazy version` and `hazy auth check` of a packaged command against the stack."""
    env = stack_env()
    env.update(env_extra or {})

    def version():
        out = run([*prefix_cmd, hazy, "version"], env=env).stdout
        if not out.startswith(f"hazy {VERSION} (libhazy {VERSION}"):
            raise RuntimeError(f"unexpected: {out!r}")
        return out.strip()

    def auth_check():
        proc = run([*prefix_cmd, hazy, "auth", "check"], check=False, env=env, timeout=120)
        principal = re.search(r"^principal: service-account-api$", proc.stdout, re.M)
        if proc.returncode != 0 or not principal:
            raise RuntimeError(f"exit {proc.returncode}:\n{proc.stdout}{proc.stderr}")
        if os.environ["HAZY_TEST_CLIENT_SECRET"] in proc.stdout + proc.stderr:
            raise RuntimeError("the client secret appeared in the output")
        return principal.group(0)

    attempt(f"{label}: hazy version", version)
    attempt(f"{label}: hazy auth check against the stack", auth_check)


def resolved_libhazy(program, env):
    out = run(["ldd", program], env=env).stdout
    m = re.search(r"libhazy\.so\.\d+ => (\S+)", out)
    return os.path.realpath(m.group(1)) if m else None


def rpm_suite(dist, arch, work):
    names = ["libhazy", "libhazy-devel", "hazy"]
    paths = [dist / f"{n}-{VERSION}-{RELEASE}.{arch}.rpm" for n in names]
    missing = [p.name for p in paths if not p.is_file()]
    if not R.check(f"rpm {arch}: the three packages are in {dist}", not missing,
                   f"missing {missing}: make packages" if missing else ""):
        return
    for path, name in zip(paths, names):
        check_rpm(path, arch, name)

    root = work / f"rpmroot-{arch}"
    libdir = "/usr/lib64"
    man3 = tarball_has_man3(arch)

    def install():
        run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "--initdb"])
        extra = ["--ignorearch"] if arch != os.uname().machine else []
        run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-ivh", "--nodeps", *extra, *paths])
        installed = sorted(run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-qa"]).stdout.split())
        want = sorted(f"{n}-{VERSION}-{RELEASE}.{arch}" for n in names)
        if installed != want:
            raise RuntimeError(f"rpm -qa: {installed}, expected {want}")
        for n in names:
            owned = set(run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-ql", n]).stdout.split())
            lost = [f for f in expected_files(n, libdir, man3) if f not in owned]
            if lost:
                raise RuntimeError(f"{n} lacks {lost}")
            state.setdefault("owned", {})[n] = owned
        verify = run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-Va", "--nodeps"], check=False)
        if verify.returncode != 0 or verify.stdout.strip():
            raise RuntimeError(f"rpm -Va:\n{verify.stdout}{verify.stderr}")
        return f"rpm --root {root} -ivh: {', '.join(installed)}; rpm -Va clean"

    state = {}
    if not attempt(f"rpm {arch}: install into a scratch root", install):
        return
    for n in names:
        check_embedded_sbom(f"rpm {arch} {n}", root, n, state["owned"][n])

    if arch == os.uname().machine:
        src = work / "rpm-c"
        src.mkdir()
        shutil.copy(REPO / "examples/c/train.c", src)
        env = stack_env()

        def build_c():
            pc = dict(env, PKG_CONFIG_SYSROOT_DIR=str(root), PKG_CONFIG_LIBDIR=f"{root}{libdir}/pkgconfig")
            pc.pop("PKG_CONFIG_PATH", None)
            flags = run(["pkg-config", "--cflags", "--libs", "hazy"], env=pc).stdout.split()
            if f"-I{root}/usr/include" not in flags or "-lhazy" not in flags:
                raise RuntimeError(f"pkg-config gave {flags}")
            run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", src / "train.c", *flags, "-o", src / "train"])
            state["env"] = dict(env, LD_LIBRARY_PATH=f"{root}{libdir}")
            got = resolved_libhazy(src / "train", state["env"])
            if got != os.path.realpath(f"{root}{libdir}/libhazy.so.{MAJOR}"):
                raise RuntimeError(f"train loads {got}, not the root's library")
            return " ".join(flags)

        if attempt(f"rpm {arch}: train.c builds against libhazy-devel with pkg-config", build_c):
            attempt(f"rpm {arch}: train.c trains against the stack",
                    lambda: train(src / "train", "rpm-c", state["env"]))

        def cmake():
            # Hazy_DIR, not CMAKE_PREFIX_PATH: Debian's CMake does not search lib64/ (RHEL's does).
            build = work / "rpm-cmake"
            hazy_dir = f"{root}{libdir}/cmake/Hazy"
            run(["cmake", "-S", REPO / "examples/cpp", "-B", build, "-G", "Ninja", f"-DHazy_DIR={hazy_dir}"], env=env)
            run(["cmake", "--build", build], env=env)
            if f"{root}{libdir}/libhazy.so" not in (build / "build.ninja").read_text():
                raise RuntimeError("the program was not linked against the root's libhazy.so")
            return f"Hazy_DIR={hazy_dir}: links {root}{libdir}/libhazy.so"

        attempt(f"rpm {arch}: the CMake package of the root (relocated) links its library", cmake)
        cli_checks(f"rpm {arch}", root / "usr/bin/hazy")
    else:
        qemu = shutil.which("qemu-aarch64")
        if R.check(f"rpm {arch}: qemu-aarch64 runs the packaged command", qemu is not None,
                   "" if qemu else "qemu-aarch64 missing: make deps"):
            cli_checks(f"rpm {arch} (qemu)", root / "usr/bin/hazy",
                       prefix_cmd=(qemu, "-L", "/usr/aarch64-linux-gnu"))

    def erase():
        # What is left must be the rpm database only.
        dbpath = ROOT_DBPATH.lstrip("/")

        def files():
            return [str(p.relative_to(root)) for p in root.rglob("*")
                    if not p.is_dir() and not str(p.relative_to(root)).startswith(dbpath)]

        before = files()
        run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-e", "--nodeps", *names])
        left = files()
        if left:
            raise RuntimeError(f"left behind: {left[:20]}")
        if run(["rpm", "--root", root, "--dbpath", ROOT_DBPATH, "-qa"]).stdout.strip():
            raise RuntimeError("rpm -qa still lists packages")
        return f"{len(before)} files removed"

    attempt(f"rpm {arch}: rpm -e removes every file", erase)


# --------------------------------------------------------------------------------------- DEB


def deb_field(path, field):
    return run(["dpkg-deb", "-f", path, field]).stdout.strip()


def highest_glibc(files):
    versions = []
    for f in files:
        if f.is_file() and not f.is_symlink() and f.read_bytes()[:4] == b"\x7fELF":
            versions += re.findall(r"Name: GLIBC_([\d.]+)", run(["readelf", "-W", "-V", f]).stdout)
    return max(versions, key=version_tuple) if versions else None


def check_deb(path, arch, name, work):
    debarch = DEBARCH[arch]
    libdir = f"/usr/lib/{arch}-linux-gnu"
    tree = work / f"deb-{debarch}-{name}"
    run(["dpkg-deb", "-R", path, tree])
    problems = []

    fields = {f: deb_field(path, f) for f in ("Package", "Version", "Architecture", "Section",
                                               "Depends", "Multi-Arch", "Maintainer", "Description")}
    want = {"Package": name, "Version": f"{VERSION}-{RELEASE}", "Architecture": debarch,
            "Section": {"libhazy0": "libs", "libhazy-dev": "libdevel", "hazy": "utils"}[name],
            "Multi-Arch": {"hazy": "foreign"}.get(name, "same")}
    problems += [f"{k}: {fields[k]!r}, expected {v!r}" for k, v in want.items() if fields[k] != v]
    if name == "libhazy-dev":
        depends_want = f"libhazy0 (= {VERSION}-{RELEASE})"
    else:
        top = highest_glibc(p for p in tree.rglob("*") if "DEBIAN" not in p.parts)
        if top is None or version_tuple(top) > MAX_GLIBC:
            problems.append(f"ELF files need GLIBC_{top}")
        depends_want = f"libc6 (>= {top})"
    if fields["Depends"] != depends_want:
        problems.append(f"Depends: {fields['Depends']!r}, expected {depends_want!r}")

    files = {"/" + str(p.relative_to(tree)) for p in tree.rglob("*")
             if not p.is_dir() and "DEBIAN" not in p.relative_to(tree).parts}
    lost = [f for f in expected_files(name, libdir, tarball_has_man3(arch)) if f not in files]
    problems += [f"lacks {f}" for f in lost]
    if name == "libhazy0":
        so = tree / libdir.lstrip("/") / f"libhazy.so.{VERSION}"
        if so.stat().st_mode & 0o111:
            problems.append("libhazy.so is executable (Debian policy: 0644)")

    doc = tree / "usr/share/doc" / name
    copyright_text = (doc / "copyright").read_text() if (doc / "copyright").is_file() else ""
    if not copyright_text.startswith("Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"):
        problems.append("copyright is not machine-readable (no Format: line)")
    for needle in ("License: Apache-2.0", "/usr/share/common-licenses/Apache-2.0", "crates", "Apache-2.0 OR MIT"):
        if needle not in copyright_text:
            problems.append(f"copyright lacks {needle!r}")
    changelog = doc / "changelog.Debian.gz"
    if not changelog.is_file() or f"libhazy ({VERSION}-{RELEASE})" not in gzip.decompress(changelog.read_bytes()).decode():
        problems.append("no changelog.Debian.gz of this version")

    md5 = run(["md5sum", "-c", "--quiet", tree / "DEBIAN/md5sums"], check=False, cwd=tree)
    listed = {line.split(None, 1)[1].strip() for line in (tree / "DEBIAN/md5sums").read_text().splitlines()}
    regular = {f.lstrip("/") for f in files if not (tree / f.lstrip("/")).is_symlink()}
    if md5.returncode != 0 or listed != regular:
        problems.append(f"md5sums wrong: {md5.stdout}{md5.stderr} {sorted(listed ^ regular)[:5]}")

    if name == "libhazy0":
        shlibs = (tree / "DEBIAN/shlibs").read_text().strip()
        if shlibs != f"libhazy {MAJOR} libhazy0 (>= {VERSION})":
            problems.append(f"shlibs: {shlibs!r}")
        symbols = (tree / "DEBIAN/symbols").read_text().splitlines()
        exported = {l.split()[7].split("@")[0] for l in run(["readelf", "-W", "--dyn-syms", so]).stdout.splitlines()
                    if len(l.split()) >= 8 and l.split()[6] != "UND" and l.split()[4] in ("GLOBAL", "WEAK")}
        listed_syms = {l.split()[0].split("@")[0] for l in symbols[1:] if l.startswith(" ")}
        if symbols[0] != f"libhazy.so.{MAJOR} libhazy0 #MINVER#" or listed_syms != exported or not exported:
            problems.append(f"symbols: header {symbols[0]!r}, differs from the exports by "
                            f"{sorted(listed_syms ^ exported)[:5]}")
        if (tree / "DEBIAN/triggers").read_text().strip() != "activate-noawait ldconfig":
            problems.append("no ldconfig trigger")
    if set(os.listdir(tree / "DEBIAN")) & {"preinst", "postinst", "prerm", "postrm"}:
        problems.append("has maintainer scripts")
    check_embedded_sbom(f"deb {path.name}", tree, name, files)
    R.check(f"deb {path.name}: control, Depends, files, md5sums, copyright, changelog"
            + (", shlibs, symbols" if name == "libhazy0" else ""),
            not problems, "; ".join(problems) or f"Depends: {fields['Depends']}")


def lintian_start(debs):
    return subprocess.Popen(["lintian", "--no-tag-display-limit", *map(str, debs)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def lintian_finish(proc):
    out, _ = proc.communicate(timeout=900)
    tags = [l for l in out.splitlines() if re.match(r"^[EWIXOPC]: ", l)]
    errors = [l for l in tags if l.startswith("E: ")]
    warnings = [l for l in tags if l.startswith("W: ")]
    unexplained = [l for l in warnings if l.split()[2] not in EXPLAINED_WARNINGS]
    R.check("lintian: no errors", not errors and proc.returncode in (0, 1) and "internal error" not in out.lower(),
            "\n".join(errors) or f"{len(warnings)} warnings")
    R.check("lintian: only the explained warnings", not unexplained, "\n".join(unexplained)
            or "; ".join(sorted({f"{l.split()[2]} ({EXPLAINED_WARNINGS[l.split()[2]]})" for l in warnings})))


class DpkgLock:
    """The lock tests/ensure-deps.sh holds around apt-get, so that no dpkg call meets it."""

    def __enter__(self):
        (REPO / ".cache").mkdir(exist_ok=True)
        self.f = open(REPO / ".cache/.apt.lock", "w")
        fcntl.flock(self.f, fcntl.LOCK_EX)

    def __exit__(self, *exc):
        self.f.close()


def dpkg(*args, check=True):
    """dpkg under the apt lock; retried for a minute while something else holds dpkg's own lock."""
    cmd = ["sudo"] if os.geteuid() != 0 else []
    for _ in range(12):
        with DpkgLock():
            proc = run([*cmd, "dpkg", *args], check=False, timeout=600)
        if proc.returncode == 0 or "lock" not in (proc.stderr + proc.stdout):
            break
        time.sleep(5)
    if check and proc.returncode != 0:
        raise RuntimeError(f"dpkg {' '.join(map(str, args))} exited {proc.returncode}:\n{proc.stdout}{proc.stderr}")
    return proc


def installed(pkg):
    proc = run(["dpkg-query", "-W", "-f", "${db:Status-Status}", pkg], check=False)
    return proc.returncode == 0 and proc.stdout.strip() not in ("", "not-installed")


def deb_install_suite(paths, work):
    """dpkg -i on this machine; always undone."""
    arch = os.uname().machine
    libdir = f"/usr/lib/{arch}-linux-gnu"
    lib, dev, cli = paths
    names = ["libhazy0", "libhazy-dev", "hazy"]
    contents = {}
    for name, path in zip(names, paths):
        listing = run(["dpkg-deb", "-c", path]).stdout.splitlines()
        contents[name] = [re.sub(r" -> .*$", "", l.split(None, 5)[5]).lstrip(".").rstrip("/") or "/" for l in listing]
    entries = sorted({e for c in contents.values() for e in c})
    dirs_before = {e for e in entries if os.path.isdir(e)}
    # Our own packages left by an interrupted run are removed first; anything else in the way stops us.
    leftovers = [n for n in names if installed(n)]
    if leftovers:
        print(f"note: removing {leftovers}, left installed by an earlier run", flush=True)
        dpkg("--purge", *leftovers)
    clash = [e for e in entries if os.path.lexists(e) and not os.path.isdir(e)]
    if not R.check("deb: none of the packages' files exists on this machine before dpkg -i", not clash,
                   f"would overwrite {clash[:10]}" if clash else f"{len(entries)} paths"):
        return
    try:
        if not attempt("deb: dpkg -i libhazy0 libhazy-dev",
                       lambda: setting_up(dpkg("-i", lib, dev))):
            return
        src = work / "deb-c"
        src.mkdir()
        shutil.copy(REPO / "examples/c/train.c", src)
        env = stack_env()
        for var in ("PKG_CONFIG_PATH", "PKG_CONFIG_LIBDIR", "PKG_CONFIG_SYSROOT_DIR", "CMAKE_PREFIX_PATH"):
            env.pop(var, None)

        def build_c():
            flags = run(["pkg-config", "--cflags", "--libs", "hazy"], env=env).stdout.split()
            if flags != ["-lhazy"]:
                raise RuntimeError(f"pkg-config hazy gave {flags}, expected -lhazy (system paths)")
            run(["cc", "-std=c99", "-Wall", "-Wextra", "-Werror", src / "train.c", *flags, "-o", src / "train"], env=env)
            got = resolved_libhazy(src / "train", env)
            if got != f"{libdir}/libhazy.so.{VERSION}":
                raise RuntimeError(f"train loads {got}, not {libdir}/libhazy.so.{VERSION}")
            return f"cc train.c $(pkg-config --cflags --libs hazy) = {' '.join(flags)}; loads {got}"

        if attempt("deb: train.c builds with pkg-config hazy alone", build_c):
            attempt("deb: train.c trains against the stack", lambda: train(src / "train", "deb-c", env))

        def cmake():
            build = work / "deb-cmake"
            run(["cmake", "-S", REPO / "examples/cpp", "-B", build, "-G", "Ninja"], env=env)
            if f"Hazy_DIR:PATH={libdir}/cmake/Hazy" not in (build / "CMakeCache.txt").read_text():
                raise RuntimeError("find_package(Hazy) did not find the package's CMake files")
            run(["cmake", "--build", build], env=env)
            return train(build / "hazy_train_cpp", "deb-cmake", env)

        attempt("deb: examples/cpp builds with find_package(Hazy) alone and trains", cmake)
        attempt("deb: ld.so.cache has libhazy.so.0 (ldconfig trigger)",
                lambda: _require(f"libhazy.so.{MAJOR} " in run(["/sbin/ldconfig", "-p"]).stdout, "not in ldconfig -p"))
        if attempt("deb: dpkg -i hazy", lambda: setting_up(dpkg("-i", cli))):
            cli_checks("deb amd64", "/usr/bin/hazy")
    finally:
        remove(names, entries, dirs_before)


def setting_up(proc):
    return "; ".join(l for l in proc.stdout.splitlines() if l.startswith("Setting up"))


def _require(ok, why):
    if not ok:
        raise RuntimeError(why)
    return ""


def remove(names, entries, dirs_before):
    # The removal runs to its end: a second Ctrl-C or SIGTERM must not leave packages installed.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    present = [n for n in names if installed(n)]
    proc = dpkg("-r", *present, check=False) if present else None
    left = [e for e in entries if os.path.lexists(e) and not (os.path.isdir(e) and e in dirs_before)]
    R.check("deb: dpkg -r removes every file and every directory it made", (proc is None or proc.returncode == 0)
            and not left, f"left: {left[:20]}" if left else f"removed {', '.join(present)}")
    dpkg("--purge", *names, check=False)
    still = [n for n in names if installed(n)]
    cache = run(["/sbin/ldconfig", "-p"]).stdout
    R.check("deb: dpkg --purge leaves no package and ld.so.cache no libhazy",
            not still and f"libhazy.so.{MAJOR} " not in cache, f"still installed: {still}" if still else "")


# -------------------------------------------------------------------------------------- main


def interrupted(*_):
    raise KeyboardInterrupt()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dist", default=str(REPO / "dist"))
    ap.add_argument("--arch", action="append", choices=sorted(DEBARCH), help="default: both")
    args = ap.parse_args()
    arches = args.arch or ["x86_64", "aarch64"]
    dist = Path(args.dist).resolve()
    for var in ("HAZY_TEST_HUB_URL", "HAZY_TEST_CLIENT_ID", "HAZY_TEST_CLIENT_SECRET"):
        if not os.environ.get(var):
            sys.exit(f"{var} is not set: run under tests/stack/stack.py (make test-packages does)")
    for tool in ("rpm", "lintian", "dpkg-deb", "readelf", "pkg-config", "cc", "cmake", "ninja"):
        if shutil.which(tool) is None:
            sys.exit(f"{tool} is missing: make deps")
    # SIGTERM (make or stack.py stopping us) unwinds through the finally blocks like Ctrl-C.
    signal.signal(signal.SIGTERM, interrupted)
    # One run at a time: two would install and remove the same packages under each other.
    (REPO / "build/packages").mkdir(parents=True, exist_ok=True)
    lock = open(REPO / "build/packages/.test.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    work = Path(tempfile.mkdtemp(prefix="hazy-packages."))
    global RPMDB
    RPMDB = work / "rpmdb"
    host_deb = DEBARCH.get(os.uname().machine)
    debs = {a: [dist / f"{n}_{VERSION}-{RELEASE}_{DEBARCH[a]}.deb" for n in ("libhazy0", "libhazy-dev", "hazy")]
            for a in arches}
    lintian = None
    try:
        present = [d for a in arches for d in debs[a] if d.is_file()]
        if present:
            lintian = lintian_start(present)  # the slow part, run beside the others
        self_test_requirement_rule()
        check_sums(dist, [p for a in arches for p in package_files(dist, a)])
        for arch in arches:
            rpm_suite(dist, arch, work)
        for arch in arches:
            missing = [d.name for d in debs[arch] if not d.is_file()]
            if not R.check(f"deb {arch}: the three packages are in {dist}", not missing,
                           f"missing {missing}: make packages" if missing else ""):
                continue
            for path in debs[arch]:
                try:
                    check_deb(path, arch, path.name.split("_")[0], work)
                except Exception as e:  # noqa: BLE001
                    R.check(f"deb {path.name}: contents", False, str(e))
        host = next((a for a in arches if DEBARCH[a] == host_deb), None)
        if host and all(d.is_file() for d in debs[host]):
            deb_install_suite(debs[host], work)
        if lintian:
            lintian_finish(lintian)
            lintian = None
    except KeyboardInterrupt:
        R.check("interrupted", False)
    finally:
        if lintian:
            lintian.kill()
        shutil.rmtree(work, ignore_errors=True)
    print(f"packages: {R.passed} passed, {R.failed} failed", flush=True)
    return 1 if R.failed else 0


if __name__ == "__main__":
    sys.exit(main())
