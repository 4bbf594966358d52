#!/usr/bin/env bash
# Debian packages of one architecture's release tarball (dist/libhazy-VERSION-ARCH-linux-gnu.tar.gz,
# made by scripts/dist/package.sh), named by Debian's shared-library policy:
#   dist/libhazy0_VERSION-REV_DEBARCH.deb      libhazy.so.0* (Section libs; shlibs, symbols)
#   dist/libhazy-dev_VERSION-REV_DEBARCH.deb   headers, libhazy.so, libhazy.a, hazy.pc, CMake
#                                              package, man pages, README and docs
#   dist/hazy_VERSION-REV_DEBARCH.deb          the hazy command (libhazy is linked into it)
# each with its CycloneDX SBOM in /usr/share/doc/PACKAGE/sbom.cdx.json (packaging/lib.sh, stage_sbom)
# (DEBARCH amd64 or arm64) and their lines in dist/SHA256SUMS. Binary-only, with dpkg-deb: the
# files are the tarball's (packaging/lib.sh lays them out under /usr, the library in
# /usr/lib/<multiarch>), the control files come from packaging/deb/. When the packages are newer
# than the tarball and the packaging, only SHA256SUMS is refreshed. REV is PACKAGE_RELEASE (default 1).
#   scripts/dist/deb.sh x86_64|aarch64
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/lib.sh
packaging_begin deb "${1:?usage: deb.sh x86_64|aarch64}"

case $arch in
    x86_64) debarch=amd64 ;;
    aarch64) debarch=arm64 ;;
esac
debversion=$version-$PACKAGE_RELEASE
libdir=/usr/lib/$arch-linux-gnu
pkgs=(libhazy0 libhazy-dev hazy)
debs=()
for p in "${pkgs[@]}"; do debs+=("${p}_${debversion}_$debarch.deb"); done
if packages_up_to_date "${debs[@]}"; then
    update_sums
    echo "[dist] the $debarch DEBs are up to date"
    exit 0
fi
unpack_tarball

# Debian policy: shared libraries are not executable (0644).
stage_runtime "$work/libhazy0" "$libdir" 0644
stage_dev "$work/libhazy-dev" "$libdir"
stage_docs "$work/libhazy-dev/usr/share/doc/libhazy-dev"
stage_cli "$work/hazy"

# libc6 (>= the highest GLIBC_ symbol version the package's ELF files need): 2.17 at most, the
# glibc floor the tarballs are linked for (tests/dist/packages.py checks both). Not dpkg-shlibdeps:
# it reads the symbols file of the build machine's own libc6 (for arm64 it would need libc6:arm64
# installed), and Debian 12's records some old symbols (sysconf@GLIBC_2.2.5) at 2.34, so it asks
# for libc6 (>= 2.34) and would bar Debian 10 and 11 and Ubuntu 18.04 and 20.04, where the
# library runs.
libc_depends() { # libc_depends ROOT
    local v
    v=$(find "$1" -type f -exec sh -c '[ "$(head -c 4 "$1")" = "$(printf "\177ELF")" ]' _ {} \; -print0 \
        | xargs -0 -r readelf -W -V | grep -o 'Name: GLIBC_[0-9.]*' | sed 's/Name: GLIBC_//' | sort -V | tail -n1)
    [ -n "$v" ] || { echo "deb.sh: no GLIBC_ symbol version in $1" >&2; exit 1; }
    echo "libc6 (>= $v)"
}

changelog_date=$(LC_ALL=C date -u -R -d "@$SOURCE_DATE_EPOCH")
for p in "${pkgs[@]}"; do
    root=$work/$p
    doc=$root/usr/share/doc/$p
    install -d "$doc" "$root/DEBIAN"
    roots=hazy
    [ "$p" != hazy ] || roots=hazy-cli
    {
        sed -n '1,/^@THIRD_PARTY@$/p' packaging/deb/copyright | sed '$d'
        third_party deb "$roots"
        sed -n '/^@THIRD_PARTY@$/,$p' packaging/deb/copyright | sed '1d'
    } | sed "s|@MAINTAINER@|$PACKAGE_MAINTAINER|" > "$doc/copyright"
    sed -e "s|@VERSION@|$debversion|; s|@UPSTREAM_VERSION@|$version|" \
        -e "s|@MAINTAINER@|$PACKAGE_MAINTAINER|; s|@DATE@|$changelog_date|" packaging/deb/changelog \
        | gzip -9n > "$doc/changelog.Debian.gz"
    chmod 0644 "$doc/copyright" "$doc/changelog.Debian.gz"
done

# libhazy0's shlibs and symbols files: what dpkg-shlibdeps gives packages that link
# libhazy.so.0. Every exported symbol is there since 0.1.0, the first release.
echo "libhazy $major libhazy0 (>= $version)" > "$work/libhazy0/DEBIAN/shlibs"
{
    echo "libhazy.so.$major libhazy0 #MINVER#"
    echo "* Build-Depends-Package: libhazy-dev"
    readelf -W --dyn-syms "$work/libhazy0$libdir/libhazy.so.$version" \
        | awk '$7 != "UND" && ($5 == "GLOBAL" || $5 == "WEAK") && $8 != "" { sub(/@.*/, "", $8); print " " $8 "@Base '"$version"'" }' \
        | sort -u
} > "$work/libhazy0/DEBIAN/symbols"
install -m 0644 packaging/deb/libhazy0.triggers "$work/libhazy0/DEBIAN/triggers"
chmod 0644 "$work/libhazy0/DEBIAN/shlibs" "$work/libhazy0/DEBIAN/symbols"

mkdir -p dist
rm -f dist/{libhazy0,libhazy-dev,hazy}_*_"$debarch".deb
for i in "${!pkgs[@]}"; do
    p=${pkgs[$i]}
    root=$work/$p
    depends=
    [ "$p" = libhazy-dev ] || depends=$(libc_depends "$root")
    stage_sbom "$root" "$p" "${debs[$i]%.deb}"
    (cd "$root" && find . -type f ! -path './DEBIAN/*' -printf '%P\0' | sort -z | xargs -0 md5sum) \
        > "$root/DEBIAN/md5sums"
    chmod 0644 "$root/DEBIAN/md5sums"
    # Installed-Size as dpkg-gencontrol counts it: KiB per file, rounded up; 1 per link or directory.
    size=$(find "$root" -path "$root/DEBIAN" -prune -o -mindepth 1 -printf '%y %s\n' \
        | awk '{ n += ($1 == "f") ? int(($2 + 1023) / 1024) : 1 } END { print n }')
    sed -e "s|@VERSION@|$debversion|; s|@ARCH@|$debarch|; s|@MAINTAINER@|$PACKAGE_MAINTAINER|" \
        -e "s|@INSTALLED_SIZE@|$size|; s|@DEPENDS@|$depends|" "packaging/deb/$p.control" > "$root/DEBIAN/control"
    chmod 0644 "$root/DEBIAN/control"
    find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
    dpkg-deb --root-owner-group -Zxz --build "$root" "dist/.${debs[$i]}.tmp" >/dev/null
    mv -f "dist/.${debs[$i]}.tmp" "dist/${debs[$i]}"
done
update_sums
report "${debs[@]}"
