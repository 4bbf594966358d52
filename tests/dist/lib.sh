# Shared by the tests/dist scripts: unpack a release tarball into a fresh directory outside the
# repository, so that every test sees the tarball exactly as a user would, not the build tree.
# After `unpack TARBALL`, $PREFIX_DIR is the unpacked tree; it is removed when the script exits.
set -euo pipefail
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

unpack() {
    local tarball=$1
    [ -f "$tarball" ] || { echo "error: $tarball is missing: make dist" >&2; exit 1; }
    WORK_DIR=$(mktemp -d "${TMPDIR:-/tmp}/hazy-dist.XXXXXX")
    trap 'rm -rf "$WORK_DIR"' EXIT
    tar -C "$WORK_DIR" -xzf "$tarball"
    PREFIX_DIR=$WORK_DIR/$(basename "$tarball" .tar.gz)
    [ -d "$PREFIX_DIR" ] || { echo "error: $tarball does not unpack into $(basename "$PREFIX_DIR")/" >&2; exit 1; }
}
