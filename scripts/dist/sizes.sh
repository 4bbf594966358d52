#!/usr/bin/env bash
# Prints the size of every shipped file as a Markdown table (the README's figures come from it):
# the tarballs, each file inside them, the split debug info, the Windows zip and its files, and
# the Java jar if they were built.
#   make dist && scripts/dist/sizes.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
human() { numfmt --to=iec-i --suffix=B --format=%.2f "$1"; }
row() { printf '| %s | %s | %s |\n' "$1" "$(stat -c %s "$2")" "$(human "$(stat -c %s "$2")")"; }

echo "| file | bytes | size |"
echo "|---|---:|---:|"
for arch in x86_64 aarch64; do
    name=libhazy-$version-$arch-linux-gnu
    [ -f "dist/$name.tar.gz" ] || continue
    row "\`dist/$name.tar.gz\`" "dist/$name.tar.gz"
    (cd "build/dist/$name" && find . -type f | sort) | while read -r f; do
        row "&nbsp;&nbsp;\`${f#./}\`" "build/dist/$name/$f"
    done
    row "\`dist/$name-debug.tar.gz\`" "dist/$name-debug.tar.gz"
    row "&nbsp;&nbsp;\`lib/libhazy.so.$version.debug\`" "build/dist/$name-debug/$name/lib/libhazy.so.$version.debug"
done
name=libhazy-$version-x86_64-windows-gnu
if [ -f "dist/$name.zip" ]; then
    row "\`dist/$name.zip\`" "dist/$name.zip"
    (cd "build/dist/$name" && find . -type f | sort) | while read -r f; do
        row "&nbsp;&nbsp;\`${f#./}\`" "build/dist/$name/$f"
    done
fi
jar=bindings/java/target/libhazy-$version.jar
[ ! -f "$jar" ] || row "\`libhazy-$version.jar\` (Java, all three libraries)" "$jar"
