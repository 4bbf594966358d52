#!/usr/bin/env bash
# The Rust side of the SBOMs: cargo-cyclonedx's CycloneDX BOM of each shipped crate (hazy: the
# library; hazy-cli: the hazy command) for one target, from Cargo.lock, into
#   build/sbom/TARGET/hazy.cdx.json  build/sbom/TARGET/hazy-cli.cdx.json
# Every crate reached through normal dependencies, with its version, licence, purl, SHA-256
# (the crates.io checksum of Cargo.lock) and the dependency graph; build dependencies are left
# out (--no-build-deps: they run at build time and are not in the binary). scripts/sbom/sbom.py
# reads these. Rebuilt only when Cargo.lock or a manifest is newer.
#   scripts/sbom/crates.sh TARGET      e.g. x86_64-unknown-linux-gnu, x86_64-pc-windows-gnu
set -euo pipefail
cd "$(dirname "$0")/../.."
target=${1:?usage: crates.sh TARGET}
out=build/sbom/$target
tool=.cache/tools/bin/cargo-cyclonedx
[ -x "$tool" ] || { echo "crates.sh: $tool is missing: bash tests/ensure-deps.sh supply-chain" >&2; exit 1; }
mkdir -p "$out"
# cargo-cyclonedx writes beside each workspace member's Cargo.toml (it has no output directory):
# one run at a time, and its files are moved out at once.
exec 8>build/sbom/.lock
flock 8
if [ -f "$out/hazy.cdx.json" ] && [ -f "$out/hazy-cli.cdx.json" ] \
    && [ -z "$(find Cargo.lock Cargo.toml cli/Cargo.toml "$0" -newer "$out/hazy.cdx.json" 2>/dev/null)" ]; then
    exit 0
fi
name=.sbom-$target
trap 'rm -f "$name.json" cli/"$name.json" hub-sim/"$name.json"' EXIT
# The commit's time, not now, so that the same tree gives the same BOM.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || echo 0)} \
    "$tool" cyclonedx --quiet --manifest-path Cargo.toml --format json --spec-version 1.5 \
    --target "$target" --all --no-build-deps --override-filename "$name"
mv -f "$name.json" "$out/hazy.cdx.json"
mv -f "cli/$name.json" "$out/hazy-cli.cdx.json"
