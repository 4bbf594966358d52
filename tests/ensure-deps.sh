#!/usr/bin/env bash
# Installs the Debian packages the build and tests need when they are missing (idempotent;
# does nothing on a machine that has them). Toolchains that do not come from Debian here
# (Rust, Go, the JDKs) are only checked, with a message saying what is missing.
set -euo pipefail

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
want() { have "$1" || need_pkgs+=("$2"); }

want valgrind valgrind
want pkg-config pkg-config
want cmake cmake
want ninja ninja-build
want mvn maven
want cc gcc
want c++ g++
[ -f /usr/include/gtest/gtest.h ] || need_pkgs+=(libgtest-dev)
python3 -c 'import pytest' 2>/dev/null || need_pkgs+=(python3-pytest)

if [ ${#need_pkgs[@]} -gt 0 ]; then
    echo "[deps] installing missing Debian packages: ${need_pkgs[*]}"
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null
fi

missing=()
for tool in cargo go java python3; do have "$tool" || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
    echo "[deps] missing toolchains: ${missing[*]} (install them; see README 'Requirements')" >&2
    exit 1
fi
