#!/usr/bin/env bash
# Packages the Windows release build (scripts/dist/windows-build.sh) into
#   dist/libhazy-VERSION-x86_64-windows-gnu.zip
# refreshes dist/SHA256SUMS (scripts/dist/checksums.sh), and leaves the unpacked tree in
# build/dist/libhazy-VERSION-x86_64-windows-gnu (the Windows tests and the Java jar use it).
#   bin/hazy.dll          the library, stripped; exports only hazy_ functions
#   lib/libhazy.dll.a     its import library for MinGW (gcc/clang: -lhazy)
#   lib/hazy.def          its exports, for MSVC's `lib /def:hazy.def /machine:x64 /out:hazy.lib`
#   lib/libhazy.a         the static library (MinGW)
#   include/hazy.h, include/hazy.hpp, README.md, LICENSE
# The test-only ProcessPrng shim (tests/windows) is never part of it.
set -euo pipefail
cd "$(dirname "$0")/../.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
name=libhazy-$version-x86_64-windows-gnu
release=target/x86_64-pc-windows-gnu/release
stage=build/dist/$name
tools=x86_64-w64-mingw32-

for f in "$release/hazy.dll" "$release/libhazy.dll.a" "$release/libhazy.a"; do
    [ -f "$f" ] || { echo "windows-package.sh: $f is missing: scripts/dist/windows-build.sh" >&2; exit 1; }
done
command -v zip >/dev/null 2>&1 || { echo "windows-package.sh: zip is missing: run make deps-windows" >&2; exit 1; }
inputs=("$release/hazy.dll" "$release/libhazy.dll.a" "$release/libhazy.a" include/hazy.h
        bindings/cpp/include/hazy.hpp README.md LICENSE "$0")
# One packager at a time (shared with package.sh): both rewrite dist/SHA256SUMS.
mkdir -p build/dist dist
exec 9>build/dist/.lock
flock 9
# Nothing newer than the zip, its tree and its checksum: it is up to date (the suites of
# `make test` each ask for it, and repacking the static library takes a while).
source scripts/dist/common.sh
if archive_up_to_date "dist/$name.zip" "$stage" "${inputs[@]}" scripts/dist/common.sh; then
    echo "[dist] dist/$name.zip is up to date"
    exit 0
fi
rm -rf "$stage"
mkdir -p "$stage/bin" "$stage/lib" "$stage/include"

"${tools}strip" --strip-all -o "$stage/bin/hazy.dll" "$release/hazy.dll"
cp "$release/libhazy.dll.a" "$stage/lib/libhazy.dll.a"
# Rust's prebuilt standard library for this target carries empty split-DWARF members (*.dwo,
# no sections), which strip refuses: they hold nothing, so they are dropped first.
# binutils also hands each member to any LLVM gold plugin installed in /usr/lib/bfd-plugins,
# which cannot read rustc's newer embedded bitcode and says so on stdout, once per member; the
# COFF code is what is stripped and linked. Their output is shown only if they fail.
quiet() {
    local out
    out=$("$@" 2>&1) || { grep -v '^bfd plugin: ' <<<"$out" >&2; return 1; }
}
cp "$release/libhazy.a" "$stage/lib/libhazy.a"
dwo=$("${tools}ar" t "$stage/lib/libhazy.a" 2>/dev/null | grep '\.dwo$' || true)
[ -z "$dwo" ] || quiet xargs "${tools}ar" d "$stage/lib/libhazy.a" <<<"$dwo"
quiet "${tools}strip" --strip-debug "$stage/lib/libhazy.a"

# The .def file from the DLL's own export table, so it can never disagree with the DLL.
exports=$("${tools}objdump" -p "$stage/bin/hazy.dll" \
    | sed -n '/^\[Ordinal\/Name Pointer\] Table/,/^$/p' | sed -n 's/^\s*\[\s*[0-9]*\] \(\S*\)$/\1/p')
[ -n "$exports" ] || { echo "windows-package.sh: no export found in hazy.dll" >&2; exit 1; }
{ echo "LIBRARY hazy.dll"; echo "EXPORTS"; sed 's/^/    /' <<<"$exports"; } > "$stage/lib/hazy.def"

install -m 0644 include/hazy.h "$stage/include/hazy.h"
install -m 0644 bindings/cpp/include/hazy.hpp "$stage/include/hazy.hpp"
install -m 0644 README.md "$stage/README.md"
install -m 0644 LICENSE "$stage/LICENSE"
chmod 0644 "$stage"/bin/* "$stage"/lib/*

# Reproducible: fixed order and time (the last commit's), no extra attributes (-X).
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
find "$stage" -exec touch -h -d "@$mtime" {} +
rm -f "dist/$name.zip.tmp"
(cd build/dist && find "$name" -type f | LC_ALL=C sort | TZ=UTC zip -X -q -9 "../../dist/$name.zip.tmp" -@)
mv -f "dist/$name.zip.tmp" "dist/$name.zip"
bash scripts/dist/checksums.sh
echo "[dist] dist/$name.zip ($(stat -c %s "dist/$name.zip") bytes)"
