#!/usr/bin/env bash
# Builds the optimised library for one architecture against glibc 2.17 with cargo-zigbuild:
#   scripts/dist/build.sh x86_64|aarch64   ->  target/<arch>-unknown-linux-gnu/release/libhazy.{so,a}
# The release profile in Cargo.toml (no LTO, one codegen unit, panic=unwind) applies.
# HAZY_DIST_GLIBC sets the glibc floor (default 2.17); empty means zig's default, which is only
# useful to prove that the portability checks catch a library built without the floor.
# Zig and cargo-zigbuild come from .cache/zigbuild (tests/deps.d/dist.sh: `make deps-dist`, which
# `make dist-ARCH` and `make install` run first).
set -euo pipefail
cd "$(dirname "$0")/../.."

arch=${1:?usage: build.sh x86_64|aarch64}
case $arch in x86_64|aarch64) ;; *) echo "build.sh: unknown architecture $arch" >&2; exit 2 ;; esac
glibc=${HAZY_DIST_GLIBC-2.17}
triple=$arch-unknown-linux-gnu
venv=$PWD/.cache/zigbuild
[ -x "$venv/bin/cargo-zigbuild" ] || { echo "build.sh: $venv has no cargo-zigbuild: run make deps-dist" >&2; exit 1; }

# cargo-zigbuild runs `python3 -m ziglang` when no zig is on PATH: the venv's python has it.
export PATH="$venv/bin:$PATH"
# The packages built: add one (-p hazy-cli) to ship its program; package.sh's FILES lists it.
packages=(-p hazy -p hazy-cli)
source scripts/dist/common.sh
one_build_at_a_time
start=$(date +%s)
cargo zigbuild --release --locked "${packages[@]}" --target "$triple${glibc:+.$glibc}"
echo "[dist] $triple${glibc:+ (glibc $glibc)} built in $(( $(date +%s) - start )) s"
