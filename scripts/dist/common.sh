# Sourced by the scripts in scripts/dist (from the repository root) for what they share.

# One release build at a time: the three targets share target/release for build scripts and
# proc macros, and `make -j dist` or make test may start them side by side.
one_build_at_a_time() {
    mkdir -p build/dist
    exec 8>build/dist/.build-lock
    flock 8
}

# archive_up_to_date ARCHIVE STAGE INPUT...: true when ARCHIVE and the tree STAGE it was packed
# from exist, dist/SHA256SUMS lists it, and no INPUT is newer. The packaging scripts then leave
# both alone: suites running beside them may be unpacking the archive (the Java suite's `dist`
# prerequisite reruns them).
archive_up_to_date() {
    local archive=$1 stage=$2
    shift 2
    [ -f "$archive" ] && [ -d "$stage" ] \
        && grep -q " $(basename "$archive")\$" dist/SHA256SUMS 2>/dev/null \
        && [ -z "$(find "$@" -newer "$archive" 2>/dev/null)" ]
}
