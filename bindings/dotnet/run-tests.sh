#!/usr/bin/env bash
# The .NET binding's test run (`make test-dotnet`): builds Hazy.dll and the NUnit 2.6 suite with
# Mono's mcs, runs the suite under Mono against real Keycloak and the Hub simulator, prints its
# verdict from NUnit's TestResult.xml (nunit_verdict.py: `dotnet: N passed, M failed, K skipped`;
# skipped tests fail it), then builds the example and docs/dotnet.md's usage block against the
# .nupkg's assembly and trains with each.
#
# The suite runs on the debug library (build/lib or target/debug, whichever is newer; set
# HAZY_DOTNET_NATIVE to choose), named by HAZY_NATIVE_LIBRARY, with HAZY_ALLOW_DEBUG_PANIC=1 so
# that the PANIC path can be reached. PackageLayoutTest and the example use the release libraries
# in dist/LibHazy.VERSION.nupkg (scripts/dist/nupkg.sh; HAZY_DOTNET_NUPKG names another), found
# from the package layout alone.
#
# Called from the repository root inside tests/stack/stack.py (HAZY_TEST_* set). By hand:
#   cargo build && make dist-nupkg
#   python3 tests/stack/stack.py run --sim-bin target/debug/hazy-hub-sim -- bash bindings/dotnet/run-tests.sh
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
HERE="$REPO/bindings/dotnet"
OUT="$REPO/build/dotnet"
VERSION="$(sed -n 's/^version = "\(.*\)"/\1/p' "$REPO/Cargo.toml" | head -n1)"
NUPKG="${HAZY_DOTNET_NUPKG:-$REPO/dist/LibHazy.$VERSION.nupkg}"
cd "$REPO"

say() { printf '\n== dotnet: %s\n' "$*"; }
die() { printf 'dotnet: FAILED: %s\n' "$*" >&2; exit 1; }

for tool in mcs mono nunit-console python3; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing: run make deps (tests/deps.d/dotnet.sh)"
done
[ -n "${HAZY_TEST_HUB_URL:-}" ] && [ -n "${HAZY_TEST_CLIENT_SECRET:-}" ] \
    || die "HAZY_TEST_HUB_URL/HAZY_TEST_CLIENT_SECRET are not set: run inside tests/stack/stack.py (make test-dotnet does)"
[ -f "$NUPKG" ] || die "$NUPKG is missing: make dist-nupkg"

NATIVE="${HAZY_DOTNET_NATIVE:-}"
if [ -z "$NATIVE" ]; then
    NATIVE="$REPO/target/debug/libhazy.so"
    [ ! "$REPO/build/lib/libhazy.so" -nt "$NATIVE" ] || NATIVE="$REPO/build/lib/libhazy.so"
fi
[ -f "$NATIVE" ] || die "$NATIVE is missing: cargo build (or make build)"
NUNIT="$(ls /usr/lib/cli/nunit.framework-2.6*/nunit.framework.dll 2>/dev/null | head -n1)"
[ -n "$NUNIT" ] || die "NUnit 2.6's nunit.framework.dll is missing: run make deps"

say "build: Hazy.dll, the NUnit suite and the package probe with $(mcs --version)"
rm -rf "$OUT/suite" "$OUT/probe"
mkdir -p "$OUT/suite" "$OUT/probe"
bash "$HERE/build.sh" "$OUT/suite"
mcs -nologo -target:library -warnaserror+ -out:"$OUT/suite/Hazy.Tests.dll" -r:"$OUT/suite/Hazy.dll" -r:"$NUNIT" \
    -r:System.Core.dll -r:System.Xml.Linq.dll -r:System.IO.Compression.dll -r:System.IO.Compression.FileSystem.dll \
    "$HERE"/tests/*.cs
mcs -nologo -warnaserror+ -out:"$OUT/probe/HazyProbe.exe" "$HERE/probe/HazyProbe.cs"

say "NUnit 2.6 under $(mono --version | head -n1), on $NATIVE"
rm -f "$OUT/TestResult.xml"
rc=0
(cd "$OUT/suite" && env -u LD_LIBRARY_PATH HAZY_NATIVE_LIBRARY="$NATIVE" HAZY_ALLOW_DEBUG_PANIC=1 RUST_BACKTRACE=0 \
    HAZY_TEST_VERSION="$VERSION" HAZY_TEST_NUPKG="$NUPKG" HAZY_TEST_PROBE="$OUT/probe/HazyProbe.exe" \
    HAZY_TEST_DIST_TREES="$REPO/build/dist" \
    nunit-console Hazy.Tests.dll -nologo -noshadow -labels -xml="$OUT/TestResult.xml") > "$OUT/nunit.log" 2>&1 || rc=$?
cat "$OUT/nunit.log"
vrc=0
VERDICT="$(python3 "$HERE/nunit_verdict.py" dotnet "$OUT/TestResult.xml")" || vrc=$?
printf '%s\n' "$VERDICT"
[ "$vrc" = 0 ] || die "the test verdict failed"
[ "$rc" = 0 ] || die "nunit-console failed (exit $rc)"

# The example as a user builds it: against the package's Hazy.dll, with the package's runtimes/
# beside it as the .NET SDK lays out an application's output; no HAZY_NATIVE_LIBRARY.
say "examples/dotnet: built against the .nupkg, training against the stack"
bash "$HERE/build-example.sh" "$OUT/example" "$NUPKG"
project="dotnet-example-$RANDOM$RANDOM"
out="$(env -u LD_LIBRARY_PATH -u HAZY_NATIVE_LIBRARY HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" \
    HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET" mono "$OUT/example/Train.exe" "$project" examples/training-config.json 2>&1)" \
    || { printf '%s\n' "$out"; die "the example failed"; }
printf '%s\n' "$out"
grep -Eq '^training succeeded: model id [0-9a-f-]{36}$' <<<"$out" || die "the example printed no model id"

# docs/dotnet.md's usage block, exactly as written, as a program's Main.
say "docs/dotnet.md: the usage block, compiled and run against the stack"
python3 - "$REPO/docs/dotnet.md" "$OUT/example/DocUsage.cs" <<'PY'
import re, sys
blocks = re.findall(r"```csharp\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
if not blocks:
    sys.exit("dotnet: FAILED: docs/dotnet.md has no csharp block")
lines = blocks[0].splitlines()
usings = [l for l in lines if re.fullmatch(r"using [\w.]+;", l)]
body = [l for l in lines if l not in usings]
open(sys.argv[2], "w", encoding="utf-8").write(
    "\n".join(usings) + "\npublic static class DocUsage {\n public static void Main() {\n" + "\n".join(body) + "\n }\n}\n")
PY
mcs -nologo -warnaserror+ -out:"$OUT/example/DocUsage.exe" -r:"$OUT/example/Hazy.dll" "$OUT/example/DocUsage.cs"
out="$(cd examples && env -u LD_LIBRARY_PATH -u HAZY_NATIVE_LIBRARY HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" \
    HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET" mono "$OUT/example/DocUsage.exe" 2>&1)" \
    || { printf '%s\n' "$out"; die "the usage block of docs/dotnet.md failed"; }
printf '%s\n' "$out"
grep -Eq '^model [0-9a-f-]{36}$' <<<"$out" || die "the usage block of docs/dotnet.md printed no model id"

say "summary"
printf '%s\n' "$(head -n1 <<<"$VERDICT")"
