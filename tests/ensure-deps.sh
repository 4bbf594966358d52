#!/usr/bin/env bash
# The one dependency step (`make deps`, first thing `make test` does). Idempotent: on a machine
# that has everything it only checks. Debian packages are gathered from every fragment and
# installed in one apt-get call; then each fragment's `after_packages` function installs what
# does not come from Debian (toolchains, PyPI tools) into gitignored caches under .cache/.
#
# Fragments live in tests/deps.d/*.sh, one per feature. A fragment calls `want CMD PKG` or
# `want_file PATH PKG`, and may define a function named `after_packages_<name>`.
# No test script installs anything itself.
#
#   tests/ensure-deps.sh               everything the tests need (make deps)
#   tests/ensure-deps.sh dist windows  only those fragments, without the tests' base packages:
#                                      `make install` and `make dist` call this before they build
#                                      (mk/dist.mk, mk/windows.mk), so that a fresh clone needs no
#                                      `make deps` first. It must stay quick when nothing is missing.
set -euo pipefail
cd "$(dirname "$0")/.."

fragments=()
for name in "$@"; do
    [ -e "tests/deps.d/$name.sh" ] || { echo "ensure-deps.sh: no fragment tests/deps.d/$name.sh" >&2; exit 2; }
    fragments+=("tests/deps.d/$name.sh")
done

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
want() { have "$1" || need_pkgs+=("$2"); }
want_file() { [ -e "$1" ] || need_pkgs+=("$2"); }

# For fragments' after_packages functions: PyPI packages pinned into a venv of their own under
# .cache/ (recreated when the pins change), and Rust targets added with rustup.
venv_install() { # venv_install DIR SPEC...
    local dir=$1 lock; shift
    local stamp="$dir/.installed-$(printf '%s\n' "$@" | cksum | cut -d' ' -f1)"
    [ -e "$stamp" ] && return
    # Two make targets (or two makes) may ask for the same venv at once; the second waits, then
    # finds it done.
    exec {lock}>"$dir.lock"
    flock "$lock"
    [ -e "$stamp" ] && { exec {lock}>&-; return; }
    echo "[deps] installing $* into $dir"
    rm -rf "$dir"
    python3 -m venv "$dir"
    "$dir/bin/pip" install --quiet --disable-pip-version-check "$@"
    touch "$stamp"
    exec {lock}>&-
}
# The after_packages steps run side by side (below); rustup is not safe to run twice at once
# on one toolchain, so every rustup change goes through this lock.
mkdir -p .cache
rustup_locked() { flock .cache/.rustup.lock rustup "$@"; }
rust_target() { # rust_target TRIPLE
    rustup target list --installed 2>/dev/null | grep -qx "$1" && return
    echo "[deps] adding the Rust target $1"
    rustup_locked target add "$1" >/dev/null
}

toolchains=(cargo python3)
if [ ${#fragments[@]} -eq 0 ]; then
    want valgrind valgrind
    want pkg-config pkg-config
    want cmake cmake
    want ninja ninja-build
    want mvn maven
    want cc gcc
    want c++ g++
    want_file /usr/include/gtest/gtest.h libgtest-dev
    want_file /usr/src/googletest/CMakeLists.txt googletest
    want_file /usr/lib/jvm/java-17-openjdk-amd64/bin/javac openjdk-17-jdk-headless
    python3 -c 'import pytest' 2>/dev/null || need_pkgs+=(python3-pytest)
    toolchains+=(go java)
    fragments=(tests/deps.d/*.sh)
fi

after=()
for fragment in "${fragments[@]}"; do
    [ -e "$fragment" ] || continue
    # shellcheck source=/dev/null
    source "$fragment"
    name=$(basename "$fragment" .sh)
    declare -F "after_packages_${name//-/_}" >/dev/null && after+=("after_packages_${name//-/_}")
done

if [ ${#need_pkgs[@]} -gt 0 ]; then
    mapfile -t need_pkgs < <(printf '%s\n' "${need_pkgs[@]}" | sort -u)
    echo "[deps] installing missing Debian packages: ${need_pkgs[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    # `make -j dist` runs deps-dist and deps-windows side by side, and apt-get fails at once
    # when another one holds dpkg's lock.
    exec {apt_lock}>.cache/.apt.lock
    flock "$apt_lock"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
    exec {apt_lock}>&-
fi

missing=()
for tool in "${toolchains[@]}"; do have "$tool" || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "[deps] missing toolchains: ${missing[*]} (install them; see README 'Requirements')" >&2
    exit 1
fi

# Each step fills its own cache folder, so they run side by side (the cargo-fuzz build is the
# long one); the step fails if any of them does.
pids=()
for step in "${after[@]}"; do "$step" & pids+=($!); done
failed=0
for i in "${!pids[@]}"; do
    wait "${pids[$i]}" || { echo "[deps] ${after[$i]} failed" >&2; failed=1; }
done
exit $failed
