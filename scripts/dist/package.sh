#!/usr/bin/env bash
# Packages one architecture's release build (scripts/dist/build.sh) into
#   dist/libhazy-VERSION-ARCH-linux-gnu.tar.gz        the library, headers, pkg-config, CMake package
#   dist/libhazy-VERSION-ARCH-linux-gnu-debug.tar.gz  lib/libhazy.so.VERSION.debug (split debug info)
# refreshes dist/SHA256SUMS (scripts/dist/checksums.sh), and leaves the unpacked tree in
# build/dist/libhazy-VERSION-ARCH-linux-gnu (make install copies it).
#   scripts/dist/package.sh x86_64|aarch64
# Unpacking the debug tarball over the same directory puts the .debug file beside the library,
# where gdb finds it through the library's .gnu_debuglink.
set -euo pipefail
cd "$(dirname "$0")/../.."

arch=${1:?usage: package.sh x86_64|aarch64}
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
major=${version%%.*}
name=libhazy-$version-$arch-linux-gnu
release=target/$arch-unknown-linux-gnu/release
stage=build/dist/$name
debugstage=build/dist/$name-debug/$name
case $arch in
    x86_64) binutils= ;;
    aarch64) binutils=aarch64-linux-gnu- ;;
    *) echo "package.sh: unknown architecture $arch" >&2; exit 2 ;;
esac

# What the tarball holds besides the library: "SOURCE DESTINATION MODE", one per line.
# Add a line here to ship another file; an ELF file (a program such as the CLI,
# "$release/hazy bin/hazy 0755") is split and stripped like the library, its debug info going
# to the -debug tarball as DESTINATION.debug. Nothing else needs to change.
FILES="
include/hazy.h                             include/hazy.h                          0644
bindings/cpp/include/hazy.hpp              include/hazy.hpp                        0644
bindings/cpp/cmake/HazyConfig.cmake        lib/cmake/Hazy/HazyConfig.cmake         0644
bindings/cpp/cmake/HazyConfigVersion.cmake lib/cmake/Hazy/HazyConfigVersion.cmake  0644
README.md                                  README.md                               0644
LICENSE                                    LICENSE                                 0644
$release/hazy                              bin/hazy                                0755
"

for f in "$release/libhazy.so" "$release/libhazy.a"; do
    [ -f "$f" ] || { echo "package.sh: $f is missing: scripts/dist/build.sh $arch" >&2; exit 1; }
done
# One packager at a time: `make test` runs may overlap on this machine, and each rebuilds the
# same tree and tarball.
mkdir -p build/dist
exec 9>build/dist/.lock
flock 9
source scripts/dist/common.sh
inputs=("$release/libhazy.so" "$release/libhazy.a" hazy.pc.in "$0" scripts/dist/common.sh)
while read -r src _; do [ -z "$src" ] || inputs+=("$src"); done <<<"$FILES"
if [ -f "dist/$name-debug.tar.gz" ] && archive_up_to_date "dist/$name.tar.gz" "$stage" "${inputs[@]}"; then
    echo "[dist] dist/$name.tar.gz is up to date"
    exit 0
fi
rm -rf "$stage" "build/dist/$name-debug"
mkdir -p "$stage/lib/pkgconfig" "$debugstage" dist

# ship_stripped SOURCE DESTINATION MODE: an ELF file into the tree with its debug info split off
# into the -debug tree (DESTINATION.debug), then stripped of it and of the symbol table (a
# library's dynamic symbols stay), and linked to its .debug file by name and CRC
# (.gnu_debuglink), which is how gdb finds it beside the file.
ship_stripped() {
    local src=$1 dest=$2 mode=$3
    mkdir -p "$(dirname "$stage/$dest")" "$(dirname "$debugstage/$dest")"
    "${binutils}objcopy" --only-keep-debug --compress-debug-sections=zlib "$src" "$debugstage/$dest.debug"
    chmod 0644 "$debugstage/$dest.debug"
    "${binutils}strip" --strip-all -o "$stage/$dest" "$src"
    (cd "$(dirname "$debugstage/$dest")" && "${binutils}objcopy" --add-gnu-debuglink="$(basename "$dest").debug" "$OLDPWD/$stage/$dest")
    chmod "$mode" "$stage/$dest"
}
is_elf() { [ "$(head -c 4 "$1")" = $'\x7fELF' ]; }

so=libhazy.so.$version
ship_stripped "$release/libhazy.so" "lib/$so" 0755
ln -s "$so" "$stage/lib/libhazy.so.$major"
ln -s "libhazy.so.$major" "$stage/lib/libhazy.so"
# The static library keeps its symbols (a linker needs them) but not its debug info.
"${binutils}strip" --strip-debug -o "$stage/lib/libhazy.a" "$release/libhazy.a"
chmod 0644 "$stage/lib/libhazy.a"

# pkg-config: every path relative to where the .pc file is, so the tree works wherever it is
# unpacked or installed.
sed -e 's|@PREFIX@|${pcfiledir}/../..|; s|@LIBDIR@|${prefix}/lib|; s|@INCLUDEDIR@|${prefix}/include|' \
    -e "s|@VERSION@|$version|" hazy.pc.in > "$stage/lib/pkgconfig/hazy.pc"

while read -r src dest mode; do
    [ -n "$src" ] || continue
    [ -f "$src" ] || { echo "package.sh: $src is missing" >&2; exit 1; }
    if is_elf "$src"; then
        ship_stripped "$src" "$dest" "$mode"
    else
        install -D -m "$mode" "$src" "$stage/$dest"
    fi
done <<<"$FILES"

# Reproducible archives: fixed order, owner and time (the last commit's), no gzip timestamp.
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
pack() { # pack DIR-PARENT ENTRY ARCHIVE
    tar -C "$1" --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" -cf - "$2" | gzip -9n > "$3.tmp"
    mv -f "$3.tmp" "$3"
}
pack build/dist "$name" "dist/$name.tar.gz"
pack "build/dist/$name-debug" "$name" "dist/$name-debug.tar.gz"
# SHA256SUMS covers every archive of this version in dist/ (the Windows zip too), refreshed
# whenever one is repacked (make install repacks the host's), so it never lists a stale digest.
bash scripts/dist/checksums.sh
echo "[dist] dist/$name.tar.gz ($(stat -c %s "dist/$name.tar.gz") bytes), dist/$name-debug.tar.gz ($(stat -c %s "dist/$name-debug.tar.gz") bytes)"
