#!/usr/bin/env bash
# The C API test (tests/c) against an unpacked release tarball instead of the development build.
#   tests/dist/capi.sh dist/libhazy-V-x86_64-linux-gnu.tar.gz          natively (valgrind and
#       ASan check the debug build in test-c and test-c-asan-rust; this checks the release build)
#   tests/dist/capi.sh --qemu dist/libhazy-V-aarch64-linux-gnu.tar.gz  cross-compiled with
#       aarch64-linux-gnu-gcc and run under qemu-aarch64 with Debian's arm64 sysroot
# The test needs no service: it only uses a closed loopback port.
source "$(dirname "$0")/lib.sh"

qemu=0
if [ "${1:-}" = --qemu ]; then qemu=1; shift; fi
unpack "${1:?usage: capi.sh [--qemu] TARBALL}"
name=$(basename "$1" .tar.gz)
args=(LIBDIR="$PREFIX_DIR/lib" INCLUDE="$PREFIX_DIR/include" OUT="$REPO/build/dist-tests/$name")
if [ "$qemu" = 1 ]; then
    # The program's RPATH points into $PREFIX_DIR, which qemu reaches through its fallback to
    # host paths; -L gives it the arm64 loader and libc.
    args+=(CC=aarch64-linux-gnu-gcc RUN="qemu-aarch64 -L /usr/aarch64-linux-gnu")
fi
rm -rf "$REPO/build/dist-tests/$name"
# A release library: test_capi checks that it has no debug_panic option.
HAZY_TEST_RELEASE_LIBRARY=1 make --no-print-directory -C "$REPO/tests/c" "${args[@]}" native
if [ "$qemu" = 1 ]; then
    readelf -h "$REPO/build/dist-tests/$name/test_capi" | grep -q 'Machine:.*AArch64' \
        || { echo "error: test_capi was not built for aarch64" >&2; exit 1; }
fi
echo "capi ($name$([ "$qemu" = 1 ] && echo ', aarch64 under qemu' || echo ', natively')): passed"
