#!/usr/bin/env python3
"""The public Go and Java APIs against their committed baselines in api/.

    scripts/api/api.py baseline   write api/go/hazy.export and api/java/libhazy-api.jar from the
                                  tree and print what changed (make api-baseline; commit them with
                                  a CHANGELOG entry)
    scripts/api/api.py check      compare the tree's APIs with the baselines (make test-api)

Go: golang.org/x/exp/cmd/apidiff compares the package bindings/go, loaded from source with cgo
(so include/hazy.h and build/lib/pkgconfig/hazy.pc must exist: `make build`), with the export
data in api/go/hazy.export. Java: japicmp compares the binding's public and protected API, compiled
from bindings/java/src/main/java by JDK 17's javac for Java 8 as Maven does, with the classes-only
jar api/java/libhazy-api.jar (no native library; the JNA jar is on both class paths).

`check` fails on any difference: an incompatible one (something exported removed, a signature
changed) breaks callers and needs a deliberate, recorded decision; a compatible one (something
added) needs a new baseline and a CHANGELOG entry, so that the baselines always describe the API
that ships. It also proves, on scratch copies of each binding with an exported function or public
method removed, a parameter retyped and a function or method added, that the same comparison
against the baseline fails; a check that could not fail would prove nothing. Prints
`api: N passed, M failed`.

The tools come from the deps step (tests/deps.d/api.sh): apidiff in .cache/go-tools, japicmp's
class path and the binding's compile class path (JNA) in .cache/api. Nothing is downloaded here.
"""
import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GO_BINDING = REPO / "bindings" / "go"
JAVA_SOURCES = REPO / "bindings" / "java" / "src" / "main" / "java"
GO_BASELINE = REPO / "api" / "go" / "hazy.export"
JAVA_BASELINE = REPO / "api" / "java" / "libhazy-api.jar"
APIDIFF = REPO / ".cache" / "go-tools" / "apidiff"
CACHE = REPO / ".cache" / "api"
# Written by tests/deps.d/api.sh together with the stamp: the class paths are only trusted for the
# poms they were resolved from.
JAPICMP_CLASSPATH = CACHE / "japicmp.classpath"
JAVA_CLASSPATH = CACHE / "java-compile.classpath"
CLASSPATH_STAMP = CACHE / "classpaths.sha256"
CLASSPATH_POMS = [REPO / "scripts" / "api" / "japicmp-pom.xml", REPO / "bindings" / "java" / "pom.xml"]
GUIDE_INCOMPATIBLE = ("an incompatible change to the public {lang} API: revert it, or make it deliberately: "
                      "run `make api-baseline`, commit {baseline} and say in CHANGELOG.md, under Changed or "
                      "Removed, what callers must change")
GUIDE_COMPATIBLE = ("the public {lang} API changed compatibly (something added?): run `make api-baseline`, "
                    "commit {baseline} and add a CHANGELOG.md entry for it")


class Missing(Exception):
    """A tool or input the check needs is not there."""


def rel(path: Path) -> str:
    return str(path.relative_to(REPO))


def run(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(c) for c in cmd], capture_output=True, text=True, **kw)


# --- Go --------------------------------------------------------------------------------------

def go_env() -> dict:
    """The environment apidiff loads the cgo package in: the uninstalled hazy.pc, no downloads."""
    env = dict(os.environ)
    if Path("/usr/local/go/bin/go").exists() and "/usr/local/go/bin" not in env.get("PATH", "").split(":"):
        env["PATH"] = env.get("PATH", "") + ":/usr/local/go/bin"
    pc_dir = REPO / "build" / "lib" / "pkgconfig"
    header = REPO / "include" / "hazy.h"
    if not (pc_dir / "hazy.pc").exists() or not header.exists():
        raise Missing(f"{rel(pc_dir / 'hazy.pc')} or include/hazy.h is missing: run make build")
    env["PKG_CONFIG_PATH"] = str(pc_dir) + (":" + env["PKG_CONFIG_PATH"] if env.get("PKG_CONFIG_PATH") else "")
    pc = run(["pkg-config", "--cflags", "--libs", "hazy"], env=env)
    if pc.returncode != 0:
        raise Missing(f"pkg-config cannot find hazy in {rel(pc_dir)}: {pc.stderr.strip()}")
    # Go's build cache keys neither on pkg-config's output nor on hazy.h (bindings/go/run-tests.sh
    # does the same): a changed header must not leave stale cgo types behind.
    build_id = hashlib.sha256(pc.stdout.encode() + header.read_bytes()).hexdigest()[:16]
    env["CGO_CPPFLAGS"] = (env.get("CGO_CPPFLAGS", "") + f" -DHAZY_BUILD_ID={build_id}").strip()
    env["CGO_ENABLED"] = "1"
    env["GOTOOLCHAIN"] = "local"
    env["GOPROXY"] = "off"
    env["GOWORK"] = "off"
    # Source positions module-relative, so that the baseline does not depend on where the clone is.
    env["GOFLAGS"] = (env.get("GOFLAGS", "") + " -trimpath").strip()
    return env


def apidiff(env: dict, *args, cwd: Path) -> str:
    if not os.access(APIDIFF, os.X_OK):
        raise Missing(f"{rel(APIDIFF)} is missing: run make deps")
    done = run([APIDIFF, *args], env=env, cwd=cwd)
    # apidiff exits 0 whatever it finds (its report says); non-zero means it could not load.
    if done.returncode != 0:
        raise RuntimeError(f"apidiff {' '.join(map(str, args))} (in {cwd}) exited {done.returncode}:\n"
                           f"{done.stdout}{done.stderr}")
    return done.stdout


def parse_apidiff(report: str):
    """(incompatible, compatible) messages of apidiff's text report."""
    sections = {"Incompatible changes:": [], "Compatible changes:": []}
    current = None
    for line in report.splitlines():
        if line in sections:
            current = sections[line]
        elif line.startswith("- ") and current is not None:
            current.append(line[2:])
        elif line.strip():
            raise RuntimeError(f"unexpected line in apidiff's report: {line!r}\n{report}")
    return sections["Incompatible changes:"], sections["Compatible changes:"]


def go_compare(env: dict, package_dir: Path):
    """apidiff of the baseline against the package in package_dir, loaded from source."""
    if not GO_BASELINE.exists():
        raise Missing(f"{rel(GO_BASELINE)} is missing: run make api-baseline")
    report = apidiff(env, GO_BASELINE, ".", cwd=package_dir)
    return (*parse_apidiff(report), report)


def go_copy(dest: Path) -> Path:
    """A scratch copy of the Go binding: go.mod and the non-test sources."""
    dest.mkdir(parents=True)
    for f in GO_BINDING.iterdir():
        if f.name in ("go.mod", "go.sum") or (f.suffix == ".go" and not f.name.endswith("_test.go")):
            shutil.copy2(f, dest / f.name)
    return dest


def edit(path: Path, old: str, new: str):
    text = path.read_text()
    assert text.count(old) == 1, f"{path.name} no longer holds {old!r} once: update the mutant in scripts/api/api.py"
    path.write_text(text.replace(old, new))


def go_remove_func(path: Path, signature: str):
    """Delete a gofmt-formatted top-level function, from `func NAME(` to its closing brace."""
    text = path.read_text()
    start = text.find("\n" + signature)
    assert start >= 0, f"{path.name} has no {signature!r}: update the mutant in scripts/api/api.py"
    end = text.find("\n}\n", start)
    path.write_text(text[:start] + text[end + 2:])


GO_MUTANTS = [
    # (what, edit of the copy, the name apidiff must report, whether the change is incompatible)
    ("a removed function (Version)", lambda d: go_remove_func(d / "cgo.go", "func Version() string {"),
     "Version: removed", True),
    ("a retyped parameter (WithRealm's realm: string to []byte)",
     lambda d: edit(d / "options.go", 'func WithRealm(realm string) Option { return WithOption("realm", realm) }',
                    'func WithRealm(realm []byte) Option { return WithOption("realm", string(realm)) }'),
     "WithRealm: changed from func(string) Option to func([]byte) Option", True),
    ("an added function (APICheckMutant)",
     lambda d: (d / "cgo.go").write_text((d / "cgo.go").read_text() + "\nfunc APICheckMutant() {}\n"),
     "APICheckMutant: added", False),
]


# --- Java ------------------------------------------------------------------------------------

def find_jdk17() -> Path:
    if os.environ.get("JDK17_HOME"):
        return Path(os.environ["JDK17_HOME"])
    for pattern in ("java-17-openjdk-*", "temurin-17-jdk-*"):
        for d in sorted(Path("/usr/lib/jvm").glob(pattern)):
            if (d / "bin" / "javac").exists():
                return d
    raise Missing("no JDK 17 in /usr/lib/jvm: run make deps (or set JDK17_HOME)")


def classpath(path: Path) -> str:
    """A class path written by the deps step, if it is current and every entry exists."""
    stamp = hashlib.sha256(b"".join(p.read_bytes() for p in CLASSPATH_POMS)).hexdigest()
    if not path.exists() or not CLASSPATH_STAMP.exists() or CLASSPATH_STAMP.read_text().split() != [stamp]:
        raise Missing(f"{rel(path)} is missing or older than {', '.join(rel(p) for p in CLASSPATH_POMS)}: run make deps")
    entries = path.read_text().strip()
    missing = [e for e in entries.split(":") if e and not Path(e).exists()]
    if not entries or missing:
        raise Missing(f"{rel(path)} names jars that are not there ({missing}): run make deps")
    return entries


def write_jar(classes: Path, jar: Path):
    """A classes-only jar with sorted entries and fixed times, so that the same classes give the
    same bytes."""
    with zipfile.ZipFile(jar, "w") as z:
        for f in sorted(classes.rglob("*.class")):
            info = zipfile.ZipInfo(f.relative_to(classes).as_posix(), (1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, f.read_bytes())


def java_jar(jdk: Path, sources: Path, work: Path, name: str) -> Path:
    """The binding's classes from `sources`, compiled as its pom does (Java 8), in a jar."""
    classes = work / "classes"
    classes.mkdir(parents=True)
    files = sorted(str(f) for f in sources.rglob("*.java"))
    done = run([jdk / "bin" / "javac", "--release", "8", "-Xlint:-options", "-nowarn", "-encoding", "UTF-8",
                "-cp", classpath(JAVA_CLASSPATH), "-d", classes, *files])
    if done.returncode != 0:
        raise RuntimeError(f"javac of {sources} exited {done.returncode}:\n{done.stdout}{done.stderr}")
    jar = work / name
    write_jar(classes, jar)
    return jar


def japicmp(jdk: Path, old: Path, new: Path, xml: Path) -> str:
    jna = classpath(JAVA_CLASSPATH)
    done = run([jdk / "bin" / "java", "-cp", classpath(JAPICMP_CLASSPATH), "japicmp.JApiCmp",
                "--old", old, "--new", new, "--old-classpath", jna, "--new-classpath", jna,
                "--only-modified", "--report-only-filename", "--xml-file", xml])
    if done.returncode != 0 or not xml.exists():
        raise RuntimeError(f"japicmp exited {done.returncode}:\n{done.stdout}{done.stderr}")
    return done.stdout


def parse_japicmp(xml: Path):
    """(incompatible, compatible) changes in japicmp's XML report, one line per changed class,
    member, superclass or interface. A change is incompatible when japicmp says it breaks binary or
    source compatibility."""
    def broken(node) -> bool:
        return node.get("binaryCompatible") == "false" or node.get("sourceCompatible") == "false" or any(
            c.get("binaryCompatible") == "false" or c.get("sourceCompatible") == "false"
            for c in node.iter("compatibilityChange"))

    def kinds(node) -> str:
        found = sorted({c.get("type") for c in node.iter("compatibilityChange")})
        return f" ({', '.join(found)})" if found else ""

    incompatible, compatible = [], []
    for cls in ET.parse(xml).getroot().iter("class"):
        name, status = cls.get("fullyQualifiedName"), cls.get("changeStatus")
        if status == "UNCHANGED" and not broken(cls):
            continue
        lines = []
        if status in ("NEW", "REMOVED"):
            lines.append((f"{status} class {name}{kinds(cls)}", status == "REMOVED" or broken(cls)))
        else:
            for tag in ("constructor", "method", "field", "superclass", "interface"):
                for member in cls.iter(tag):
                    if member.get("changeStatus", "UNCHANGED") == "UNCHANGED" and not broken(member):
                        continue
                    member_name = member.get("name") or member.get("fullyQualifiedName") or \
                        f"{member.get('superclassOld')} -> {member.get('superclassNew')}"
                    if tag in ("constructor", "method"):
                        member_name += f"({', '.join(p.get('type') for p in member.findall('parameters/parameter'))})"
                    lines.append((f"{member.get('changeStatus')} {tag} {name}#{member_name}{kinds(member)}",
                                  broken(member)))
            if not any(bad for _, bad in lines) and broken(cls):
                lines.append((f"{status} class {name}{kinds(cls)}", True))
            if not lines:
                lines.append((f"{status} class {name}{kinds(cls)}", False))
        for line, bad in lines:
            (incompatible if bad else compatible).append(line)
    return incompatible, compatible


def java_compare(jdk: Path, sources: Path, work: Path, name: str):
    """japicmp of the baseline jar against the binding compiled from `sources`."""
    if not JAVA_BASELINE.exists():
        raise Missing(f"{rel(JAVA_BASELINE)} is missing: run make api-baseline")
    jar = java_jar(jdk, sources, work, name)
    xml = work / "japicmp.xml"
    report = japicmp(jdk, JAVA_BASELINE, jar, xml)
    return (*parse_japicmp(xml), report)


def java_remove_method(path: Path, signature: str):
    """Delete a method, from its signature line to the brace that closes its body."""
    text = path.read_text()
    start = text.find(signature)
    assert start >= 0 and text.count(signature) == 1, \
        f"{path.name} has no single {signature!r}: update the mutant in scripts/api/api.py"
    depth, i = 0, text.index("{", start)
    while True:
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            break
        i += 1
    path.write_text(text[:text.rfind("\n", 0, start) + 1] + text[i + 2:])


HAZY_JAVA = Path("com") / "hazy" / "Hazy.java"
JAVA_MUTANTS = [
    ("a removed method (Hazy.statusName(int))",
     lambda d: java_remove_method(d / HAZY_JAVA, "public static String statusName(int code) {"),
     "REMOVED method com.hazy.Hazy#statusName(int)", True),
    ("a retyped parameter (Hazy.stateName(int) to stateName(long))",
     lambda d: edit(d / HAZY_JAVA, "public static String stateName(int code) {\n"
                    "        return NativeLoader.lib().hazy_state_name(code);",
                    "public static String stateName(long code) {\n"
                    "        return NativeLoader.lib().hazy_state_name((int) code);"),
     "REMOVED method com.hazy.Hazy#stateName(int)", True),
    ("an added method (Hazy.apiCheckMutant())",
     lambda d: edit(d / HAZY_JAVA, "public final class Hazy {\n",
                    "public final class Hazy {\n    public static void apiCheckMutant() {\n    }\n\n"),
     "NEW method com.hazy.Hazy#apiCheckMutant()", False),
]


# --- the check -------------------------------------------------------------------------------

def judge(incompatible, compatible, lang: str, baseline: Path):
    """The check's verdict on one comparison: (ok, guidance)."""
    if incompatible:
        return False, GUIDE_INCOMPATIBLE.format(lang=lang, baseline=rel(baseline))
    if compatible:
        return False, GUIDE_COMPATIBLE.format(lang=lang, baseline=rel(baseline))
    return True, ""


def listing(incompatible, compatible, report: str) -> str:
    lines = [f"    incompatible: {c}" for c in incompatible] + [f"    compatible:   {c}" for c in compatible]
    return "\n".join(lines) + "\n" + "\n".join("    | " + line for line in report.rstrip().splitlines())


def check() -> int:
    passed = failed = 0

    def verdict(ok: bool, what: str, detail: str = ""):
        nonlocal passed, failed
        passed, failed = passed + ok, failed + (not ok)
        print(f"  {'ok  ' if ok else 'FAIL'} {what}" + (f"\n{detail}" if detail and not ok else ""), flush=True)

    def mutant_verdict(what, compare, want: str, want_incompatible: bool, lang, baseline):
        try:
            incompatible, compatible, report = compare()
        except (AssertionError, RuntimeError) as e:
            verdict(False, f"{what} fails the check", f"    the mutant could not be built: {e}")
            return
        ok_check, _ = judge(incompatible, compatible, lang, baseline)
        found = any(c.startswith(want) for c in (incompatible if want_incompatible else compatible))
        verdict(not ok_check and found,
                f"{what} fails the check, as {'an incompatible' if want_incompatible else 'a compatible'} change",
                f"    expected {want!r} among the {'incompatible' if want_incompatible else 'compatible'} changes\n"
                + listing(incompatible, compatible, report))

    with tempfile.TemporaryDirectory(prefix="hazy-api-") as tmp:
        tmp = Path(tmp)
        print("Go (apidiff, bindings/go against api/go/hazy.export)", flush=True)
        try:
            env = go_env()
            incompatible, compatible, report = go_compare(env, GO_BINDING)
            ok, guidance = judge(incompatible, compatible, "Go", GO_BASELINE)
            verdict(ok, "bindings/go's exported API matches api/go/hazy.export",
                    f"    {guidance}\n" + listing(incompatible, compatible, report))
            for i, (what, mutate, want, want_incompatible) in enumerate(GO_MUTANTS):
                def compare(i=i, mutate=mutate):
                    copy = go_copy(tmp / f"go-mutant-{i}")
                    mutate(copy)
                    return go_compare(env, copy)
                mutant_verdict(f"a scratch copy with {what}", compare, want, want_incompatible, "Go", GO_BASELINE)
        except (Missing, RuntimeError) as e:
            verdict(False, "the Go API check ran", f"    {e}")

        print("Java (japicmp, bindings/java against api/java/libhazy-api.jar)", flush=True)
        try:
            jdk = find_jdk17()
            incompatible, compatible, report = java_compare(jdk, JAVA_SOURCES, tmp / "java", "bindings-java.jar")
            ok, guidance = judge(incompatible, compatible, "Java", JAVA_BASELINE)
            verdict(ok, "bindings/java's public and protected API matches api/java/libhazy-api.jar",
                    f"    {guidance}\n" + listing(incompatible, compatible, report))
            for i, (what, mutate, want, want_incompatible) in enumerate(JAVA_MUTANTS):
                def compare(i=i, mutate=mutate):
                    sources = tmp / f"java-mutant-{i}" / "src"
                    shutil.copytree(JAVA_SOURCES, sources)
                    mutate(sources)
                    return java_compare(jdk, sources, tmp / f"java-mutant-{i}", "mutant.jar")
                mutant_verdict(f"a scratch copy with {what}", compare, want, want_incompatible, "Java", JAVA_BASELINE)
        except (Missing, RuntimeError) as e:
            verdict(False, "the Java API check ran", f"    {e}")

    print(f"api: {passed} passed, {failed} failed", flush=True)
    return 1 if failed else 0


def baseline() -> int:
    """Rewrite both baselines from the tree, saying what changed against the old ones."""
    with tempfile.TemporaryDirectory(prefix="hazy-api-") as tmp:
        tmp = Path(tmp)
        env = go_env()
        changes = go_compare(env, GO_BINDING)[:2] if GO_BASELINE.exists() else None
        GO_BASELINE.parent.mkdir(parents=True, exist_ok=True)
        apidiff(env, "-w", GO_BASELINE, ".", cwd=GO_BINDING)
        changed = report_baseline(GO_BASELINE, changes)

        jdk = find_jdk17()
        changes = java_compare(jdk, JAVA_SOURCES, tmp / "old", "bindings-java.jar")[:2] if JAVA_BASELINE.exists() else None
        jar = java_jar(jdk, JAVA_SOURCES, tmp / "new", JAVA_BASELINE.name)
        JAVA_BASELINE.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(jar, JAVA_BASELINE)
        changed |= report_baseline(JAVA_BASELINE, changes)
    if changed:
        print("commit api/ and describe these changes in CHANGELOG.md (an incompatible one under Changed or Removed)")
    return 0


def report_baseline(path: Path, changes) -> bool:
    """Prints what the new baseline records; whether that is a change."""
    print(f"wrote {rel(path)} ({path.stat().st_size} bytes)")
    if changes is None:
        print("  (no earlier baseline)")
        return True
    if not any(changes):
        print("  no API change against the previous baseline")
        return False
    for c in changes[0]:
        print(f"  incompatible: {c}")
    for c in changes[1]:
        print(f"  compatible:   {c}")
    return True


def main() -> int:
    if len(sys.argv) != 2 or sys.argv[1] not in ("baseline", "check"):
        print(__doc__, file=sys.stderr)
        return 2
    if sys.argv[1] == "baseline":
        try:
            return baseline()
        except (Missing, RuntimeError) as e:
            print(f"api-baseline: {e}", file=sys.stderr)
            return 1
    return check()


if __name__ == "__main__":
    sys.exit(main())
