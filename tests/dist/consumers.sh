#!/usr/bin/env bash
# Programs outside the tree, built against an unpacked release tarball the way its README says,
# then trained against the test stack (run under tests/stack/stack.py: HAZY_TEST_HUB_URL set):
#   - examples/c/train.c with only PKG_CONFIG_PATH set (pkg-config --cflags --libs hazy);
#   - examples/cpp (CMake, find_package(Hazy)) with only CMAKE_PREFIX_PATH set.
# Both must run without LD_LIBRARY_PATH and load the tarball's library, nothing else.
source "$(dirname "$0")/lib.sh"
: "${HAZY_TEST_HUB_URL:?run under tests/stack/stack.py (make test-dist-consumers does)}"
unpack "${1:?usage: consumers.sh TARBALL}"
SRC=$WORK_DIR/src
mkdir -p "$SRC"
cp "$REPO/examples/c/train.c" "$SRC/"
cp -R "$REPO/examples/cpp" "$SRC/cpp"
config=$REPO/examples/training-config.json
passed=0

# Fails unless $1 loads libhazy from the unpacked tarball.
check_loads_tarball_lib() {
    local resolved
    resolved=$(env -u LD_LIBRARY_PATH ldd "$1" | awk '/libhazy\.so/ {print $3}')
    [ "$(readlink -f "$resolved")" = "$(readlink -f "$PREFIX_DIR/lib/libhazy.so.0")" ] \
        || { echo "error: $1 resolves libhazy to '$resolved', not the tarball's" >&2; exit 1; }
}

train() { # train PROGRAM LABEL
    local out project="dist-$2-$RANDOM$RANDOM"
    out=$(env -u LD_LIBRARY_PATH HAZY_HUB_HOST="$HAZY_TEST_HUB_URL" HAZY_CLIENT_ID="$HAZY_TEST_CLIENT_ID" \
        HAZY_CLIENT_SECRET="$HAZY_TEST_CLIENT_SECRET" "$1" "$project" "$config" 2>&1) \
        || { printf '%s\n' "$out"; echo "error: $2 consumer failed" >&2; exit 1; }
    printf '%s\n' "$out" | sed "s/^/  [$2] /"
    grep -Eq 'model id [0-9a-f-]{36}' <<<"$out" || { echo "error: $2 consumer printed no model id" >&2; exit 1; }
    passed=$((passed + 1))
}

echo "== C program with PKG_CONFIG_PATH=$PREFIX_DIR/lib/pkgconfig"
cflags=$(env -u PKG_CONFIG_LIBDIR PKG_CONFIG_PATH="$PREFIX_DIR/lib/pkgconfig" pkg-config --cflags --libs hazy)
echo "  pkg-config: $cflags"
(cd "$SRC" && cc -std=c99 -Wall -Wextra -Werror train.c $cflags -o train_c)
check_loads_tarball_lib "$SRC/train_c"
train "$SRC/train_c" c-pkg-config

echo "== CMake program with CMAKE_PREFIX_PATH=$PREFIX_DIR"
cmake -S "$SRC/cpp" -B "$SRC/cpp-build" -G Ninja -DCMAKE_PREFIX_PATH="$PREFIX_DIR" >/dev/null
cmake --build "$SRC/cpp-build" >/dev/null
grep -q "Hazy_DIR:PATH=$PREFIX_DIR/lib/cmake/Hazy" "$SRC/cpp-build/CMakeCache.txt" \
    || { echo "error: find_package(Hazy) did not find the tarball's package" >&2; exit 1; }
check_loads_tarball_lib "$SRC/cpp-build/hazy_train_cpp"
train "$SRC/cpp-build/hazy_train_cpp" cmake

echo "consumers: $passed passed, $((2 - passed)) failed"
