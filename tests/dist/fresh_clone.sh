#!/usr/bin/env bash
# `make install` in a fresh clone, with no step before it (make test-dist-fresh-clone). It once
# stopped at "build.sh: .cache/zigbuild has no cargo-zigbuild: run make deps"; now it installs its
# own build toolchain (make deps-dist: zig and cargo-zigbuild into .cache/zigbuild) on first use.
# The installed tree must hold the stripped release library, and a C program must build against
# it with pkg-config alone and run.
#
# The copy is this working tree as `git add -A` would commit it (tracked and untracked files
# that are not ignored, as they are on disk), committed into a new repository in a temporary
# directory: a `git clone` would test HEAD and miss the uncommitted change under test. Being a
# copy of the files, it has no .cache/, build/, target/ or dist/. It shares what a second clone
# on this machine would: the Debian packages and Rust targets that `make deps` installed,
# ~/.cargo's crates and pip's download cache.
#
# Cost: one x86_64 release build from an empty target/ (package.sh reads target/, so the copy
# cannot borrow the main tree's through CARGO_TARGET_DIR) and the venv: about 220 CPU-seconds,
# 5 to 6 minutes on this project's 2-core machine while other builds ran, then about 40 s to
# delete the copy (zig's many files). `make dist` is not run here: its aarch64 and Windows builds
# would add about 11 minutes. That it installs what it needs is checked with `make -n dist`
# instead, which must run deps-dist and deps-windows before the builds.
source "$(dirname "$0")/lib.sh"

copy=$(mktemp -d "${TMPDIR:-/tmp}/hazy-fresh-clone.XXXXXX")
trap 'rm -rf "$copy"' EXIT
log=$copy/log
clone=$copy/libhazy
prefix=$copy/prefix
mkdir -p "$clone"

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
# MAKEFLAGS from make test (-j, -O, DIST_ONE_AT_A_TIME) must not leak into the user's command.
if ! env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$clone" --no-print-directory install PREFIX="$prefix" >"$log" 2>&1; then
    tail -40 "$log" >&2
    fail "make install in a fresh clone"
fi
step "make install took $(( $(date +%s) - start )) s"
grep -q '^\[deps\] installing ziglang==.* into \.cache/zigbuild' "$log" \
    || { tail -40 "$log" >&2; fail "make install did not install zig and cargo-zigbuild itself"; }

# Again: nothing to install, nothing to rebuild.
start=$(date +%s)
env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$clone" --no-print-directory install PREFIX="$prefix" >"$log" 2>&1 \
    || { tail -40 "$log" >&2; fail "the second make install"; }
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

step "make -n dist installs the build toolchains before it builds"
plan=$(env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -C "$clone" --no-print-directory -n dist)
first() { grep -n -m1 -F -- "$1" <<<"$plan" | cut -d: -f1; }
for pair in "ensure-deps.sh dist|scripts/dist/build.sh x86_64" "ensure-deps.sh dist|scripts/dist/build.sh aarch64" \
            "ensure-deps.sh windows|scripts/dist/windows-build.sh" \
            "ensure-deps.sh packages|scripts/dist/rpm.sh x86_64"; do
    deps=$(first "${pair%|*}") build=$(first "${pair#*|}")
    [ -n "$deps" ] && [ -n "$build" ] && [ "$deps" -lt "$build" ] \
        || { echo "$plan" >&2; fail "make dist does not run '${pair%|*}' before '${pair#*|}'"; }
done

echo "fresh_clone: passed in ${SECONDS} s"
