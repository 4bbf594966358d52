#!/usr/bin/env bash
# Builds the C and C++ examples as a consumer project outside the source tree, against an
# installed libhazy (make install PREFIX=...), and runs them against the Hub simulator.
#
#   run.sh cmake PREFIX        find_package(Hazy): Hazy::hazy (C), Hazy::hazy_cpp (C++11)
#   run.sh pkg-config PREFIX   cc/c++ $(pkg-config --cflags --libs hazy) (C99, C++17)
#
# Needs HAZY_TEST_HUB_URL (run under tests/stack/stack.py). Run by ctest (tests/CMakeLists.txt).
set -euo pipefail

mode=${1:?usage: run.sh cmake|pkg-config PREFIX}
prefix=${2:-}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../../../.." && pwd)

if [[ -z $prefix || ! -f $prefix/lib/pkgconfig/hazy.pc || ! -f $prefix/lib/cmake/Hazy/HazyConfig.cmake ]]; then
    echo "error: no installed libhazy at '$prefix': configure with -DHAZY_INSTALL_PREFIX=<dir>" \
         "after 'make install PREFIX=<dir>' (bindings/cpp/run-tests.sh does both)" >&2
    exit 1
fi
: "${HAZY_TEST_HUB_URL:?HAZY_TEST_HUB_URL is not set: run under tests/stack/stack.py}"

work=$(mktemp -d "${TMPDIR:-/tmp}/hazy-consumer-$mode.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/c" "$work/cpp"
cp "$root/examples/c/train.c" "$here/CMakeLists.txt" "$work/c/"
cp "$root/examples/cpp/train.cpp" "$root/examples/cpp/CMakeLists.txt" "$work/cpp/"
cp "$root/examples/training-config.json" "$work/"
# The quick start of bindings/cpp/README.md, exactly as written there.
mkdir -p "$work/quickstart"
python3 - "$root/bindings/cpp/README.md" "$work/quickstart" <<'PY'
import re, sys, pathlib
text = pathlib.Path(sys.argv[1]).read_text()
blocks = re.findall(r"<!-- quickstart:(\S+) -->\n```\w*\n(.*?)```", text, re.S)
names = sorted(name for name, _ in blocks)
if names != ["CMakeLists.txt", "main.cpp"]:
    sys.exit(f"README quick start blocks not found (got {names})")
for name, body in blocks:
    (pathlib.Path(sys.argv[2]) / name).write_text(body)
PY
echo "consumer ($mode): sources copied to $work, package from $prefix"

# Nothing from the source tree or its uninstalled pkg-config file may leak in.
unset PKG_CONFIG_PATH CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH LIBRARY_PATH LD_LIBRARY_PATH

case $mode in
cmake)
    cmake -S "$work/c" -B "$work/build-c" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_C_FLAGS="-Wall -Wextra -Wpedantic -Werror"
    cmake --build "$work/build-c"
    cmake -S "$work/cpp" -B "$work/build-cpp" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_CXX_STANDARD=11 -DCMAKE_CXX_STANDARD_REQUIRED=ON -DCMAKE_CXX_EXTENSIONS=OFF \
        -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror"
    cmake --build "$work/build-cpp"
    # The README's commands: cmake -S . -B build -DCMAKE_PREFIX_PATH=...; cmake --build build
    (cd "$work/quickstart" && cmake -S . -B build -G Ninja -DCMAKE_PREFIX_PATH="$prefix" \
        -DCMAKE_CXX_FLAGS="-Wall -Wextra -Wpedantic -Werror" && cmake --build build)
    binaries=("$work/build-c/hazy_train_c" "$work/build-cpp/hazy_train_cpp")
    quickstart="$work/quickstart/build/quickstart"
    ;;
pkg-config)
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
    echo "pkg-config --cflags --libs hazy: $(pkg-config --cflags --libs hazy)"
    # shellcheck disable=SC2046 # word splitting of pkg-config's output is intended
    cc -std=c99 -Wall -Wextra -Wpedantic -Werror "$work/c/train.c" \
        $(pkg-config --cflags --libs hazy) -o "$work/hazy_train_c"
    # shellcheck disable=SC2046
    c++ -std=c++17 -Wall -Wextra -Wpedantic -Werror "$work/cpp/train.cpp" \
        $(pkg-config --cflags --libs hazy) -o "$work/hazy_train_cpp"
    # The README's command, with the flags that keep the header honest.
    (cd "$work/quickstart" && c++ -std=c++11 -Wall -Wextra -Wpedantic -Werror main.cpp \
        $(pkg-config --cflags --libs hazy) -o quickstart)
    binaries=("$work/hazy_train_c" "$work/hazy_train_cpp")
    quickstart="$work/quickstart/quickstart"
    ;;
*)
    echo "error: unknown mode '$mode'" >&2
    exit 2
    ;;
esac

# Each binary must load the installed library, not the one of the build tree. The paths are
# compared normalised (without resolving symlinks): the relocatable hazy.pc gives an rpath
# like PREFIX/lib/pkgconfig/../../lib.
for bin in "${binaries[@]}" "$quickstart"; do
    resolved=$(ldd "$bin" | awk '$1 == "libhazy.so.0" { print $3 }')
    if [[ -z $resolved || $(realpath -ms "$resolved") != $(realpath -ms "$prefix/lib/libhazy.so.0") ]]; then
        echo "error: $bin loads libhazy from '$resolved', not from $prefix/lib" >&2
        exit 1
    fi
done

# Jobs of this project take 500 ms on the simulator.
project="cpp-consumer-$mode-$$-$RANDOM"
python3 - "$HAZY_TEST_HUB_URL/_sim/projects/$project" <<'PY'
import sys, urllib.request
req = urllib.request.Request(sys.argv[1], data=b'{"job_duration_ms": 500}', method="PUT",
                             headers={"Content-Type": "application/json"})
urllib.request.urlopen(req, timeout=10).read()
PY

export HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET"
export HAZY_POLL_INTERVAL_MS=100
for bin in "${binaries[@]}"; do
    echo "--- $(basename "$bin") $project"
    out=$("$bin" "$project" "$work/training-config.json" 2>&1) || {
        echo "$out"
        echo "error: $bin failed" >&2
        exit 1
    }
    echo "$out"
    grep -Eq '^training succeeded: model id [0-9a-zA-Z-]+$' <<<"$out" || {
        echo "error: $bin did not report a model id" >&2
        exit 1
    }
done
echo "--- README quick start"
out=$(cd "$work" && "$quickstart" 2>&1) || {
    echo "$out"
    echo "error: the README quick start failed" >&2
    exit 1
}
echo "$out"
grep -Eq '^model [0-9a-zA-Z-]+$' <<<"$out" || {
    echo "error: the README quick start did not print a model id" >&2
    exit 1
}
echo "consumer ($mode): the examples and the README quick start built against $prefix and trained models"
