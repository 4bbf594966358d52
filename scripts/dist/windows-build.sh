#!/usr/bin/env bash
# Builds the optimised Windows library with Debian's mingw-w64 (`make deps-windows`, which
# `make dist-windows` runs first; tests/deps.d/windows.sh):
#   scripts/dist/windows-build.sh  ->  target/x86_64-pc-windows-gnu/release/{hazy.dll,libhazy.dll.a,libhazy.a}
# The release profile in Cargo.toml (no LTO, one codegen unit, panic=unwind) applies. Rust's
# windows-gnu target links the MinGW runtime (libgcc, libwinpthread) statically, so the DLL
# needs only system DLLs; tests/windows/check_dll.sh proves it from the import table.
set -euo pipefail
cd "$(dirname "$0")/../.."

triple=x86_64-pc-windows-gnu
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 \
    || { echo "windows-build.sh: x86_64-w64-mingw32-gcc is missing: run make deps-windows" >&2; exit 1; }
rustup target list --installed 2>/dev/null | grep -qx "$triple" \
    || { echo "windows-build.sh: the Rust target $triple is missing: run make deps-windows" >&2; exit 1; }

source scripts/dist/common.sh
one_build_at_a_time
start=$(date +%s)
cargo build --release --locked -p hazy --target "$triple"
echo "[dist] $triple built in $(( $(date +%s) - start )) s"
