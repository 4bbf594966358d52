#!/usr/bin/env bash
# The Java binding's test run (`make test-java`): builds the binding with Maven, runs its JUnit
# suite once, on JDK 17, against real Keycloak and the Hub simulator, and on Temurin 25 only the
# tests whose outcome depends on the JDK (virtual threads, library loading, bytecode); checks
# that the jar holds Java 8 bytecode (class file major version 52) and the bundled native
# libraries, then builds and runs the Java example. Each run's verdict is tests/common/verdict.py
# on Surefire's XML reports.
#
# Called from the repository root after `make dist`, inside tests/stack/stack.py (which sets
# HAZY_TEST_HUB_URL, HAZY_TEST_KEYCLOAK_URL, HAZY_TEST_TOKEN_URL, ...). By hand:
#   make dist
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/java/run-tests.sh
#
# The jar bundles the release libraries of `make dist` (x86_64 and aarch64 for glibc 2.17, and
# Windows x86_64), and the suite loads the bundled x86_64 copy with LD_LIBRARY_PATH unset: no
# other library is on the path. WindowsResourceTest checks the path JNA uses on Windows.
# Environment: JDK17_HOME, JDK25_HOME override where the JDKs are looked for. Maven downloads go
# to the standard per-user cache (~/.m2).
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BINDING="$REPO/bindings/java"
EXAMPLE="$REPO/examples/java"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n1)"
NATIVE_X86_64="$REPO/build/dist/libhazy-$VERSION-x86_64-linux-gnu/lib/libhazy.so.$VERSION"
NATIVE_AARCH64="$REPO/build/dist/libhazy-$VERSION-aarch64-linux-gnu/lib/libhazy.so.$VERSION"
NATIVE_WINDOWS="$REPO/build/dist/libhazy-$VERSION-x86_64-windows-gnu/bin/hazy.dll"
cd "$REPO"

say() { printf '\n== java: %s\n' "$*"; }
die() { printf 'java: FAILED: %s\n' "$*" >&2; exit 1; }

# --- tools: a JDK 17 (javac) and Maven; `make deps` installs them (tests/ensure-deps.sh) -----
find_jdk17() {
    if [ -n "${JDK17_HOME:-}" ]; then echo "$JDK17_HOME"; return; fi
    for d in /usr/lib/jvm/java-17-openjdk-* /usr/lib/jvm/temurin-17-jdk-*; do
        if [ -x "$d/bin/javac" ]; then echo "$d"; return; fi
    done
}
JDK17="$(find_jdk17)"
[ -n "$JDK17" ] && [ -x "$JDK17/bin/javac" ] || die "no JDK 17 found: run make deps (or set JDK17_HOME)"
command -v mvn >/dev/null 2>&1 || die "Maven (mvn) is missing: run make deps"
command -v python3 >/dev/null 2>&1 || die "python3 is missing"
JDK25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"

# --- inputs -------------------------------------------------------------------------------
[ -n "${HAZY_TEST_HUB_URL:-}" ] && [ -n "${HAZY_TEST_KEYCLOAK_URL:-}" ] \
    || die "HAZY_TEST_HUB_URL/HAZY_TEST_KEYCLOAK_URL are not set: run inside tests/stack/stack.py (make test-java does)"
have_natives() { [ -f "$NATIVE_X86_64" ] && [ -f "$NATIVE_AARCH64" ] && [ -f "$NATIVE_WINDOWS" ]; }
have_natives || make --no-print-directory dist-x86_64 dist-aarch64 dist-windows deps-sbom
have_natives || die "the release libraries are missing after make dist"

MVN=(env -u LD_LIBRARY_PATH mvn -B -ntp -Dstyle.color=never)
SUMMARIES=()

# Runs `mvn clean GOAL [ARGS...]` with the JDK in $1 ($2 = GOAL, $3 = label), then prints the verdict
# of tests/common/verdict.py, read from Surefire's JUnit XML reports (not from Maven's output): it
# fails on a failed or skipped test and when no test ran.
run_suite() {
    local jdk="$1" goal="$2" label="$3"
    shift 3
    say "$label: mvn $goal $* with $("$jdk/bin/java" -version 2>&1 | head -n1)"
    local rc=0
    (cd "$BINDING" && JAVA_HOME="$jdk" PATH="$jdk/bin:$PATH" "${MVN[@]}" clean "$goal" "$@") || rc=$?
    local verdict vrc=0
    verdict="$(python3 "$REPO/tests/common/verdict.py" "$label" "$BINDING/target/surefire-reports")" || vrc=$?
    printf '%s\n' "$verdict"
    SUMMARIES+=("$(head -n1 <<<"$verdict")")
    [ "$vrc" = 0 ] || die "$label: the test verdict failed"
    [ "$rc" = 0 ] || die "$label: Maven failed (exit $rc)"
}

# Fails unless every class in the jar is Java 8 bytecode, the three release libraries are bundled
# byte for byte (they are the stripped ones the portability checks pass; nothing debug), and its
# SBOM (META-INF/sbom/libhazy.cdx.json) lists every entry with its digest, their crates and JNA.
check_jar() {
    local jar="$1"
    python3 - "$jar" "$NATIVE_X86_64" "$NATIVE_AARCH64" "$NATIVE_WINDOWS" <<'PY'
import hashlib, json, os, struct, sys, zipfile
jar, natives = sys.argv[1], {"linux-x86-64/libhazy.so": sys.argv[2], "linux-aarch64/libhazy.so": sys.argv[3],
                             "win32-x86-64/hazy.dll": sys.argv[4]}
bad, classes = [], 0
with zipfile.ZipFile(jar) as z:
    for name in z.namelist():
        if name.endswith(".class"):
            data = z.read(name)
            magic, minor, major = struct.unpack(">IHH", data[:8])
            classes += 1
            if magic != 0xCAFEBABE or major != 52:
                bad.append("%s: major %d" % (name, major))
    for entry, native in natives.items():
        if entry not in z.namelist():
            sys.exit("java: FAILED: %s has no %s" % (jar, entry))
        if hashlib.sha256(z.read(entry)).digest() != hashlib.sha256(open(native, "rb").read()).digest():
            sys.exit("java: FAILED: the jar's %s is not the release library %s" % (entry, native))
    extra = [n for n in z.namelist() if n.endswith((".debug", ".so.0")) or ".so." in n]
    if extra:
        sys.exit("java: FAILED: unexpected native files in the jar: %s" % extra)
    # Its SBOM lists every other entry with its digest, the crates of each native library, and JNA.
    try:
        bom = json.loads(z.read("META-INF/sbom/libhazy.cdx.json"))
    except KeyError:
        sys.exit("java: FAILED: %s has no META-INF/sbom/libhazy.cdx.json" % jar)
    listed = {c["name"]: c["hashes"][0]["content"] for c in bom["components"] if c["type"] == "file"}
    skip = ("META-INF/sbom/libhazy.cdx.json", "META-INF/MANIFEST.MF")
    entries = {n: hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist()
               if not n.endswith("/") and n not in skip and not n.startswith("META-INF/maven/")}
    if listed != entries:
        sys.exit("java: FAILED: the jar's SBOM differs from its entries: %s" % sorted(set(listed.items()) ^ set(entries.items()))[:4])
    deps = {d["ref"]: d.get("dependsOn", []) for d in bom["dependencies"]}
    crates = {c["name"] for c in bom["components"] if c["type"] == "library"}
    if any(not deps.get("file:" + e) for e in natives) or not {"tokio", "rustls", "jna"} <= crates:
        sys.exit("java: FAILED: the jar's SBOM lacks the natives' crates or JNA")
if bad or classes < 20:
    sys.exit("java: FAILED: %s: %d classes, not Java 8 bytecode (major 52): %s" % (jar, classes, bad))
print("java: %s (%d bytes): %d classes, all class file major version 52 (Java 8); release libraries bundled: %s; SBOM: %d files, %d components"
      % (os.path.basename(jar), os.path.getsize(jar), classes, ", ".join(sorted(natives)), len(listed), len(crates)))
PY
}

# --- JDK 17: build, the whole suite, install to ~/.m2 (for the example) ----------------------
say "JDK 17 run: the whole suite but VirtualThreadTest (virtual threads need Java 21+; pom.xml excludes it below JDK 21)"
run_suite "$JDK17" install "JDK 17"
check_jar "$BINDING/target/libhazy-0.1.0.jar"

# --- Temurin 25: only what differs there -----------------------------------------------------
# Virtual threads; library loading in child JVMs of JDK 25 (the profile passes
# --enable-native-access, which JDK 22+ wants for JNA); classes compiled by JDK 25's javac for
# --release 8. The rest of the suite tests the same library through the same code: once is enough.
JDK25_TESTS="VirtualThreadTest,LibraryLookupTest,BytecodeTest"
if [ -x "$JDK25/bin/javac" ]; then
    run_suite "$JDK25" verify "Temurin 25" -Dtest="$JDK25_TESTS"
    check_jar "$BINDING/target/libhazy-0.1.0.jar"
else
    say "NOTE: no Temurin 25 at $JDK25 (set JDK25_HOME): $JDK25_TESTS did NOT run on JDK 25"
fi

# --- the example, built against the installed jar, using the bundled native library --------
say "examples/java: build against com.hazy:libhazy:0.1.0 from the local Maven repository"
# Built into bindings/java/target/example (gitignored), not examples/java/target.
EXAMPLE_OUT="$BINDING/target/example"
(cd "$EXAMPLE" && JAVA_HOME="$JDK17" PATH="$JDK17/bin:$PATH" "${MVN[@]}" -q -Dexample.build.dir="$EXAMPLE_OUT" \
    clean compile dependency:build-classpath -Dmdep.outputFile="$EXAMPLE_OUT/classpath.txt")
CP="$EXAMPLE_OUT/classes:$(cat "$EXAMPLE_OUT/classpath.txt")"
JDKS=("$JDK17")
[ -x "$JDK25/bin/java" ] && JDKS+=("$JDK25")
for jdk in "${JDKS[@]}"; do
    # JDK 22+ warns when native code is loaded unless it is allowed (see README).
    flags=()
    [ "$jdk" = "$JDK17" ] || flags=(--enable-native-access=ALL-UNNAMED)
    project="java-example-$RANDOM$RANDOM"
    say "examples/java on $("$jdk/bin/java" -version 2>&1 | head -n1): training in project $project"
    out="$(env -u LD_LIBRARY_PATH HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" \
        HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET" \
        "$jdk/bin/java" "${flags[@]}" -cp "$CP" com.hazy.examples.Train "$project" examples/training-config.json 2>&1)" \
        || { printf '%s\n' "$out"; die "the example failed"; }
    printf '%s\n' "$out"
    grep -Eq '^training succeeded: model id [0-9a-f-]{36}$' <<<"$out" || die "the example printed no model id"
done

# --- the README's quick start, exactly as written -----------------------------------------
say "README.md quick start: compile and run the java code block"
QS="$(mktemp -d)"
python3 - "$BINDING/README.md" "$QS/HazyQuickstart.java" <<'PY'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r"```java\n(.*?)```", text, re.S)
if not blocks or "class HazyQuickstart" not in blocks[0]:
    sys.exit("java: FAILED: README.md has no java block with class HazyQuickstart")
open(sys.argv[2], "w", encoding="utf-8").write(blocks[0])
PY
QCP="$HOME/.m2/repository/com/hazy/libhazy/0.1.0/libhazy-0.1.0.jar:$HOME/.m2/repository/net/java/dev/jna/jna/5.18.1/jna-5.18.1.jar"
grep -qF "CP=\"\$HOME/.m2/repository/com/hazy/libhazy/0.1.0/libhazy-0.1.0.jar:\$HOME/.m2/repository/net/java/dev/jna/jna/5.18.1/jna-5.18.1.jar\"" \
    "$BINDING/README.md" || die "README.md's class path line differs from the one tested here"
"$JDK17/bin/javac" --release 8 -Xlint:-options -d "$QS" -cp "$QCP" "$QS/HazyQuickstart.java"
project="java-readme-$RANDOM$RANDOM"
out="$(env -u LD_LIBRARY_PATH HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" \
    HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET" "$JDK17/bin/java" -cp "$QCP:$QS" HazyQuickstart "$project" 2>&1)" \
    || { printf '%s\n' "$out"; die "the README quick start failed"; }
printf '%s\n' "$out"
rm -rf "$QS"
grep -Eq '^model id: [0-9a-f-]{36}$' <<<"$out" || die "the README quick start printed no model id"

say "summary"
for s in "${SUMMARIES[@]}"; do echo "  $s"; done
