# Sourced by scripts/dist/rpm.sh and scripts/dist/deb.sh (from the repository root): what the RPM
# and DEB packaging share. Both repackage one architecture's release tarball as `make dist` left
# it in dist/ (scripts/dist/package.sh): the files are the tarball's, byte for byte, except
# hazy.pc and the CMake package, whose paths are rewritten for the system's library directory.
# Nothing is compiled.

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
major=${version%%.*}
# The packages' own revision (RPM Release, the Debian revision): raise it to repackage the same
# upstream version.
PACKAGE_RELEASE=${PACKAGE_RELEASE:-1}
PACKAGE_MAINTAINER=${PACKAGE_MAINTAINER:-libhazy maintainers <maintainers@users.noreply.r-seed-282554d7.example>}

# packaging_begin FORMAT ARCH: checks ARCH, sets $tarball, $work (build/packages/FORMAT-ARCH,
# emptied) and takes this format and architecture's lock, so that two runs (make -j, two make
# test runs) never share a work directory.
packaging_begin() {
    local format=$1
    arch=$2
    case $arch in
        x86_64|aarch64) ;;
        *) echo "$format.sh: unknown architecture '$arch' (x86_64 or aarch64)" >&2; exit 2 ;;
    esac
    tarball=dist/libhazy-$version-$arch-linux-gnu.tar.gz
    [ -f "$tarball" ] || { echo "$format.sh: $tarball is missing: make dist-$arch" >&2; exit 1; }
    mkdir -p build/packages
    exec 7>"build/packages/.$format-$arch.lock"
    flock 7
    work=$PWD/build/packages/$format-$arch
}

# packages_up_to_date PACKAGE...: true when every package exists in dist/ and neither the tarball
# nor the packaging (this file, packaging/, the calling script) is newer. The caller then only
# makes sure that dist/SHA256SUMS lists them.
packages_up_to_date() {
    local p
    for p in "$@"; do
        [ -f "dist/$p" ] || return 1
        [ -z "$(find "$tarball" packaging "$0" -newer "dist/$p" 2>/dev/null | head -n1)" ] || return 1
    done
}

# unpack_tarball: the tarball's tree at $tree; $SOURCE_DATE_EPOCH is its time (the commit it was
# made from), which the packages' file times and build dates take, so that they are reproducible.
unpack_tarball() {
    rm -rf "$work"
    mkdir -p "$work/tarball"
    tar -C "$work/tarball" -xzf "$tarball"
    tree=$work/tarball/libhazy-$version-$arch-linux-gnu
    [ -f "$tree/lib/libhazy.so.$version" ] || { echo "$tarball holds no lib/libhazy.so.$version" >&2; exit 1; }
    SOURCE_DATE_EPOCH=$(stat -c %Y "$tree/lib/libhazy.so.$version")
    export SOURCE_DATE_EPOCH
    # The licence list comes from this tree's Cargo.lock (third_party), the files from the
    # tarball: they agree when the tarball is current, as `make dist` and `make packages` see to.
    if [ -n "$(find Cargo.lock Cargo.toml cli/Cargo.toml -newer "$tarball" 2>/dev/null)" ]; then
        echo "[dist] warning: Cargo.lock or Cargo.toml is newer than $tarball: the packages' list of" \
             "Rust crates is the tree's and may differ from the tarball's (make dist-$arch)" >&2
    fi
}

# rewrite FILE SED-EXPRESSION EXPECTED-REGEX: edits FILE in place, then fails unless it matches
# EXPECTED-REGEX, so that a change to the templates cannot slip past these rewrites unnoticed.
rewrite() {
    sed -i -e "$2" "$1"
    grep -Eq "$3" "$1" || { echo "packaging: rewriting $1 did not give /$3/" >&2; exit 1; }
}

# The files of each package, laid out under ROOT with the system's library directory LIBDIR
# (/usr/lib64 for RPM, /usr/lib/<multiarch> for Debian).
stage_runtime() { # stage_runtime ROOT LIBDIR LIBMODE
    install -d "$1$2"
    install -m "$3" "$tree/lib/libhazy.so.$version" "$1$2/"
    ln -s "libhazy.so.$version" "$1$2/libhazy.so.$major"
}

stage_dev() { # stage_dev ROOT LIBDIR
    local root=$1 libdir=$2 ups
    install -d "$root$libdir/pkgconfig" "$root$libdir/cmake/Hazy" "$root/usr/include"
    ln -s "libhazy.so.$major" "$root$libdir/libhazy.so"
    install -m 0644 "$tree/lib/libhazy.a" "$root$libdir/"
    install -m 0644 "$tree/include/hazy.h" "$tree/include/hazy.hpp" "$root/usr/include/"
    # hazy.pc: the tarball's is relative to itself (prefix=${pcfiledir}/../..) and sets an rpath;
    # a system package has the usual absolute paths and needs no rpath (LIBDIR is searched).
    install -m 0644 "$tree/lib/pkgconfig/hazy.pc" "$root$libdir/pkgconfig/hazy.pc"
    rewrite "$root$libdir/pkgconfig/hazy.pc" "
        /^# Template:/,/^# tarballs and/c\\# libhazy $version from the system package.
        s|^prefix=.*|prefix=/usr|
        s|^libdir=.*|libdir=\${prefix}${libdir#/usr}|
        s| -Wl,-rpath,\${libdir}||" \
        '^libdir=\$\{prefix\}/lib'
    ! grep -Eq 'pcfiledir|rpath|Template' "$root$libdir/pkgconfig/hazy.pc" \
        || { echo "packaging: hazy.pc still has a relative path or an rpath" >&2; exit 1; }
    # The CMake package stays relocatable (a sysroot or scratch root works), but it now sits one
    # directory deeper on Debian (lib/<multiarch>/cmake/Hazy) and the library is in LIBDIR.
    ups=../../..
    case $libdir in /usr/lib/*) ups=../../../.. ;; esac
    install -m 0644 "$tree/lib/cmake/Hazy/HazyConfig.cmake" "$tree/lib/cmake/Hazy/HazyConfigVersion.cmake" \
        "$root$libdir/cmake/Hazy/"
    rewrite "$root$libdir/cmake/Hazy/HazyConfig.cmake" "
        s|\${CMAKE_CURRENT_LIST_DIR}/\.\./\.\./\.\.\"|\${CMAKE_CURRENT_LIST_DIR}/$ups\"|
        s|\${_hazy_prefix}/lib/libhazy\.so\"|\${_hazy_prefix}${libdir#/usr}/libhazy.so\"|
        s|reinstall libhazy (make install PREFIX=\${_hazy_prefix})|reinstall the libhazy development package|" \
        "_hazy_prefix \"\\\$\{CMAKE_CURRENT_LIST_DIR\}/$ups\" ABSOLUTE"
    grep -q "\${_hazy_prefix}${libdir#/usr}/libhazy.so\"" "$root$libdir/cmake/Hazy/HazyConfig.cmake" \
        || { echo "packaging: HazyConfig.cmake does not name ${libdir#/usr}/libhazy.so" >&2; exit 1; }
    rewrite "$root$libdir/cmake/Hazy/HazyConfigVersion.cmake" \
        "s|\${CMAKE_CURRENT_LIST_DIR}/\.\./\.\./\.\.\"|\${CMAKE_CURRENT_LIST_DIR}/$ups\"|" \
        "_hazy_prefix \"\\\$\{CMAKE_CURRENT_LIST_DIR\}/$ups\" ABSOLUTE"
    # The COBOL copybook and helpers, which COBOL programs compile with (cobc -I /usr/share/hazy/cobol).
    # Tarballs made before they were shipped have none.
    if [ -d "$tree/share/hazy/cobol" ]; then
        install -d "$root/usr/share/hazy/cobol"
        install -m 0644 "$tree"/share/hazy/cobol/* "$root/usr/share/hazy/cobol/"
    fi
    # The man pages (one per C function and libhazy(3)), compressed as both distributions do.
    # Tarballs made before the man pages existed have none.
    if [ -d "$tree/share/man/man3" ]; then
        install -d "$root/usr/share/man/man3"
        local page
        for page in "$tree"/share/man/man3/*.3; do
            gzip -9n < "$page" > "$root/usr/share/man/man3/${page##*/}.gz"
            chmod 0644 "$root/usr/share/man/man3/${page##*/}.gz"
        done
    fi
}

stage_cli() { # stage_cli ROOT
    install -d "$1/usr/bin"
    install -m 0755 "$tree/bin/hazy" "$1/usr/bin/hazy"
}

# The README and docs/ of the tarball (the README links into docs/), for the development package.
stage_docs() { # stage_docs DIR
    install -d "$1"
    install -m 0644 "$tree/README.md" "$1/"
    if [ -d "$tree/docs" ]; then
        cp -R "$tree/docs" "$1/"
        find "$1/docs" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
    fi
}

# stage_sbom ROOT PACKAGE NAME: the package's own CycloneDX SBOM, /usr/share/doc/PACKAGE/sbom.cdx.json:
# every other file under ROOT as installed, with its SHA-256, and the Rust crates built into its
# ELF files (scripts/sbom/sbom.py --tree; NAME, such as libhazy0_0.1.0-1_amd64, gives the
# architecture). dist/NAME.cdx.json describes the package file itself.
stage_sbom() {
    local out=$1/usr/share/doc/$2/sbom.cdx.json
    install -d "$(dirname "$out")"
    python3 scripts/sbom/sbom.py --tree "$1" --name "$3" "$out" >/dev/null
    chmod 0644 "$out"
}

# The Rust crates linked into the library (and, for the CLI, into the command), with their
# licences, from the lock file: packaging/third_party.py.
third_party() { # third_party FORMAT ROOT-CRATE...
    local fmt=$1
    shift
    python3 packaging/third_party.py --target "$arch-unknown-linux-gnu" --format "$fmt" "$@"
}

# update_sums: rewrites dist/SHA256SUMS (scripts/dist/checksums.sh lists every artifact of this
# version in dist/, the packages too) under package.sh's lock on build/dist/.lock, which every
# writer of dist/SHA256SUMS takes.
update_sums() {
    mkdir -p build/dist
    exec 9>build/dist/.lock
    flock 9
    bash scripts/dist/checksums.sh
    exec 9>&-
}

# report FILE...: each package and its size, as package.sh reports the tarballs; the work
# directory (the unpacked tarball and the staged trees, about 100 MB) goes.
report() {
    local f
    for f in "$@"; do echo "[dist] dist/$f ($(stat -c %s "dist/$f") bytes)"; done
    rm -rf "$work"
}
