# The release tarballs' tests (tests/dist, mk/dist.mk), beyond what building them needs
# (dist.sh): the aarch64 C API test is cross-compiled with Debian's aarch64 gcc against its
# arm64 sysroot and run under qemu-user; readelf checks both libraries. Sourced by
# tests/ensure-deps.sh (`make deps` only).
want qemu-aarch64 qemu-user
want aarch64-linux-gnu-gcc gcc-aarch64-linux-gnu
want_file /usr/aarch64-linux-gnu/lib/ld-linux-aarch64.so.1 libc6-arm64-cross
# The cross compiler only recommends the arm64 C headers and crt files (apt skips recommends).
want_file /usr/aarch64-linux-gnu/include/stdio.h libc6-dev-arm64-cross
want readelf binutils
