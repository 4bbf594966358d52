#!/usr/bin/env bash
# `make install` and `make dist` in a fresh clone, each with no step before it (make
# test-dist-fresh-clone). `make install` once stopped at "build.sh: .cache/zigbuild has no
# cargo-zigbuild: run make deps"; now both install their own build toolchains on first use
# (make deps-dist, deps-windows, deps-packages, deps-sbom, deps-dotnet).
#   1. `make install PREFIX=...` in the fresh copy: it must install zig and cargo-zigbuild itself;
#      the installed tree must hold the stripped release library, and a C program must build
#      against it with pkg-config alone and run. A second `make install` installs nothing.
#   2. `git clean -fdx` (the copy is a fresh clone again: no .cache/, build/, target/ or dist/),
#      then `make dist`: every release artifact, its SBOM and SHA256SUMS must be in dist/, and
#      `sha256sum -c` must pass.
#
# The copy is this working tree as `git add -A` would commit it (tracked and untracked files
# that are not ignored, as they are on disk), committed into a new repository under
# build/fresh-clone/: a `git clone` would test HEAD and miss the uncommitted change under test.
# It shares what a second clone on this machine would: the Debian packages and Rust targets that
# `make deps` installed, ~/.cargo's crates and pip's download cache. Cargo's intermediate build
# directory is kept outside the copy (CARGO_BUILD_BUILD_DIR=target/fresh-clone of this tree), so
# that `git clean -fdx` leaves it and the second command does not compile again what the first
# did, and so that a later run of this test on the same machine starts warm. It cannot be this
# tree's own target/: cargo-zigbuild's linker wrapper names the clone's zig, cargo counts the
# linker in every crate's fingerprint, and the two trees would then rebuild each other's crates.
#
# Cost in make test from a fresh clone: the release builds for x86_64, aarch64 and Windows a
# second time, cargo-cyclonedx (compiled by deps-sbom into the copy's .cache/tools), and zig
# installed twice from pip's cache.
source "$(dirname "$0")/lib.sh"

copy=$REPO/build/fresh-clone
rm -rf "$copy"
trap 'rm -rf "$copy"' EXIT
log=$copy/log
clone=$copy/libhazy
prefix=$copy/prefix
mkdir -p "$clone"
# A user's make: none of make test's flags (-j, -O, DIST_ONE_AT_A_TIME); cargo's build directory
# as said above.
user_make() {
    env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS CARGO_BUILD_BUILD_DIR="$REPO/target/fresh-clone" \
        make -C "$clone" --no-print-directory "$@"
}

# Files deleted in the working tree but not yet from the index are left out, as a commit would.
(cd "$REPO" && git ls-files -z --cached --others --exclude-standard \
    | while IFS= read -r -d '' f; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi; done \
    | tar --null -T - -cf -) | tar -C "$clone" -xf -
git -C "$clone" init -q
git -C "$clone" add -A
git -C "$clone" -c user.name=fresh-clone -c user.email=fresh-clone@localhost -c commit.gpgsign=false \
    commit -q -m "working tree"

step() { echo "fresh_clone: [${SECONDS} s] $*"; }
fail() { echo "fresh_clone: FAILED: $*" >&2; exit 1; }

step "make install PREFIX=... in a copy of the working tree ($clone)"
start=$(date +%s)
if ! user_make install PREFIX="$prefix" >"$log" 2>&1; then
    tail -40 "$log" >&2
    fail "make install in a fresh clone"
fi
step "make install took $(( $(date +%s) - start )) s"
grep -q '^\[deps\] installing ziglang==.* into \.cache/zigbuild' "$log" \
    || { tail -40 "$log" >&2; fail "make install did not install zig and cargo-zigbuild itself"; }

# Again: nothing to install, nothing to rebuild.
start=$(date +%s)
user_make install PREFIX="$prefix" >"$log" 2>&1 || { tail -40 "$log" >&2; fail "the second make install"; }
! grep '^\[deps\] installing' "$log" || fail "the second make install installed something again"
step "make install again took $(( $(date +%s) - start )) s"

step "the installed tree"
so=$prefix/lib/libhazy.so.0
for f in "$so" "$prefix/lib/libhazy.so" "$prefix/lib/libhazy.a" "$prefix/bin/hazy" "$prefix/include/hazy.h" \
         "$prefix/lib/pkgconfig/hazy.pc" "$prefix/lib/cmake/Hazy/HazyConfig.cmake"; do
    [ -e "$f" ] || fail "$f is missing"
done
[ "$(readlink "$so")" = "libhazy.so.$(sed -n 's/^version = "\(.*\)"/\1/p' "$clone/Cargo.toml" | head -n1)" ] \
    || fail "$so is not a link to the versioned library"
# The release library as package.sh ships it: stripped of debug info and symbol table (make
# build's keeps 58 MB of it), with a .gnu_debuglink to the split debug info instead.
sections=$(readelf -W -S "$so")
! grep -E '\s\.(debug_[a-z_]+|symtab)\s' <<<"$sections" || fail "$so carries debug info or a symbol table"
grep -q '\.gnu_debuglink' <<<"$sections" || fail "$so has no .gnu_debuglink: not packaged by scripts/dist/package.sh"
readelf -d "$so" | grep -q 'SONAME.*\[libhazy\.so\.0\]' || fail "$so has not the SONAME libhazy.so.0"
# The man pages (docs/reference/man3, shipped under share/man/man3): man finds a function's page.
[ "$(man -M "$prefix/share/man" -w hazy_train 2>&1)" = "$prefix/share/man/man3/hazy_train.3" ] \
    || fail "man -M $prefix/share/man -w hazy_train does not find share/man/man3/hazy_train.3"

step "a C program built with pkg-config against the installed tree"
cat >"$copy/app.c" <<'C'
#define _POSIX_C_SOURCE 200809L
#include <hazy.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    const char *version = hazy_version();
    printf("hazy_version() = %s\n", version);
    if (strcmp(version, HAZY_VERSION) != 0) {
        fprintf(stderr, "the library is %s, its header %s\n", version, HAZY_VERSION);
        return 1;
    }
    /* Builds with debug assertions panic here on purpose; a release build does not know the key. */
    setenv("HAZY_ALLOW_DEBUG_PANIC", "1", 1);
    hazy_options_t *options = hazy_options_new();
    hazy_status status = hazy_options_set(options, "debug_panic", "1", NULL);
    hazy_options_free(options);
    if (status != HAZY_STATUS_INVALID_ARGUMENT) {
        fprintf(stderr, "debug_panic gave status %d: not a release build\n", (int)status);
        return 1;
    }
    return 0;
}
C
flags=$(PKG_CONFIG_PATH=$prefix/lib/pkgconfig pkg-config --cflags --libs hazy)
# shellcheck disable=SC2086 # pkg-config's flags are words
cc -std=c99 -Wall -Wextra -Werror "$copy/app.c" $flags -o "$copy/app"
env -u LD_LIBRARY_PATH "$copy/app"
# The program's RPATH (from hazy.pc) found the installed library, not another one.
[ "$(env -u LD_LIBRARY_PATH ldd "$copy/app" | awk '$1 == "libhazy.so.0" { print $3 }')" -ef "$so" ] \
    || fail "the program did not load $so"
env -u LD_LIBRARY_PATH "$prefix/bin/hazy" version

step "git clean -fdx, then make dist in the same copy"
git -C "$clone" clean -fdxq
[ ! -e "$clone/.cache" ] && [ ! -e "$clone/target" ] && [ ! -e "$clone/dist" ] || fail "git clean -fdx left files"
start=$(date +%s)
if ! user_make dist >"$log" 2>&1; then
    tail -60 "$log" >&2
    fail "make dist in a fresh clone"
fi
step "make dist took $(( $(date +%s) - start )) s"
for tool in 'ziglang==' 'cargo-cyclonedx'; do
    grep -q "^\[deps\] installing.*$tool" "$log" || { tail -40 "$log" >&2; fail "make dist did not install $tool itself"; }
done
version=$(sed -n 's/^version = "\(.*\)"/\1/p' "$clone/Cargo.toml" | head -n1)
artifacts=()
for a in x86_64 aarch64; do
    artifacts+=("libhazy-$version-$a-linux-gnu.tar.gz" "libhazy-$version-$a-linux-gnu-debug.tar.gz"
                "libhazy-$version-1.$a.rpm" "libhazy-devel-$version-1.$a.rpm" "hazy-$version-1.$a.rpm")
done
for d in amd64 arm64; do
    artifacts+=("libhazy0_$version-1_$d.deb" "libhazy-dev_$version-1_$d.deb" "hazy_$version-1_$d.deb")
done
artifacts+=("libhazy-$version-x86_64-windows-gnu.zip" "LibHazy.$version.nupkg")
for f in "${artifacts[@]}"; do
    [ -s "$clone/dist/$f" ] || fail "make dist made no dist/$f"
    stem=${f%.tar.gz}; [ "$stem" != "$f" ] || stem=${f%.*}
    [ -s "$clone/dist/$stem.cdx.json" ] || fail "make dist made no SBOM dist/$stem.cdx.json for $f"
    grep -q "  $f\$" "$clone/dist/SHA256SUMS" || fail "dist/SHA256SUMS does not list $f"
done
(cd "$clone/dist" && sha256sum --quiet -c SHA256SUMS) || fail "sha256sum -c dist/SHA256SUMS"
step "dist/ holds ${#artifacts[@]} artifacts, an SBOM each, and SHA256SUMS checks out"

echo "fresh_clone: passed in ${SECONDS} s"
