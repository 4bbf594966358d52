#!/usr/bin/env bash
# RPM packages of one architecture's release tarball (dist/libhazy-VERSION-ARCH-linux-gnu.tar.gz,
# made by scripts/dist/package.sh), for RHEL/CentOS 7+ and SLES 12+:
#   dist/libhazy-VERSION-RELEASE.ARCH.rpm         libhazy.so.0*
#   dist/libhazy-devel-VERSION-RELEASE.ARCH.rpm   headers, libhazy.so, libhazy.a, hazy.pc, CMake
#                                                 package, man pages, README and docs
#   dist/hazy-VERSION-RELEASE.ARCH.rpm            the hazy command
# each with its CycloneDX SBOM in /usr/share/doc/PACKAGE/sbom.cdx.json (packaging/lib.sh,
# stage_sbom), and their lines in dist/SHA256SUMS. rpmbuild (Debian's rpm package) builds them from
# packaging/rpm/libhazy.spec, binary-only: the files are the tarball's (packaging/lib.sh lays them
# out under /usr, with /usr/lib64 for the library), nothing is compiled. When the packages are newer than the
# tarball and the packaging, only SHA256SUMS is refreshed. RELEASE is PACKAGE_RELEASE (default 1).
#   scripts/dist/rpm.sh x86_64|aarch64
set -euo pipefail
cd "$(dirname "$0")/../.."
source packaging/lib.sh
packaging_begin rpm "${1:?usage: rpm.sh x86_64|aarch64}"

rpms=("libhazy-$version-$PACKAGE_RELEASE.$arch.rpm" "libhazy-devel-$version-$PACKAGE_RELEASE.$arch.rpm"
      "hazy-$version-$PACKAGE_RELEASE.$arch.rpm")
if packages_up_to_date "${rpms[@]}"; then
    update_sums
    echo "[dist] the $arch RPMs are up to date"
    exit 0
fi
command -v rpmbuild >/dev/null || { echo "rpm.sh: rpmbuild is missing: make deps-packages" >&2; exit 1; }
unpack_tarball

libdir=/usr/lib64
# Each package is staged in a tree of its own, where its SBOM can list exactly its files, then
# the trees are merged into the one root the spec's %files lists divide again.
stage_runtime "$work/libhazy" "$libdir" 0755
stage_dev "$work/libhazy-devel" "$libdir"
stage_cli "$work/hazy"
stage_docs "$work/libhazy-devel/usr/share/doc/libhazy-devel"
for pkg in libhazy hazy; do
    install -D -m 0644 "$tree/LICENSE" "$work/$pkg/usr/share/licenses/$pkg/LICENSE"
done
third_party text hazy > "$work/libhazy/usr/share/licenses/libhazy/THIRD-PARTY-LICENSES.txt"
third_party text hazy-cli > "$work/hazy/usr/share/licenses/hazy/THIRD-PARTY-LICENSES.txt"
for pkg in libhazy libhazy-devel hazy; do
    stage_sbom "$work/$pkg" "$pkg" "$pkg-$version-$PACKAGE_RELEASE.$arch"
done
root=$work/root
mkdir -p "$root"
for pkg in libhazy libhazy-devel hazy; do cp -a "$work/$pkg/." "$root/"; done
man3='%{nil}'
[ ! -d "$root/usr/share/man/man3" ] || man3='/usr/share/man/man3/*.3.gz'
# Files from the tarball keep its times; what was made here gets the same time.
find "$root" -newermt "@$SOURCE_DATE_EPOCH" -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +

# Its own rpm database: Debian's rpm would otherwise create ~/.rpmdb.
rpmbuild -bb --quiet --target "$arch-linux" \
    --define "_topdir $work/rpmbuild" \
    --define "_dbpath $work/rpmdb" \
    --define "hazy_root $root" \
    --define "hazy_version $version" \
    --define "hazy_major $major" \
    --define "hazy_release $PACKAGE_RELEASE" \
    --define "hazy_libdir $libdir" \
    --define "hazy_man3 $man3" \
    --define "hazy_license_lib $(third_party spdx hazy)" \
    --define "hazy_license_cli $(third_party spdx hazy-cli)" \
    packaging/rpm/libhazy.spec

mkdir -p dist
rm -f dist/{libhazy,libhazy-devel,hazy}-[0-9]*."$arch".rpm
for f in "${rpms[@]}"; do
    cp "$work/rpmbuild/RPMS/$arch/$f" "dist/.$f.tmp"
    mv -f "dist/.$f.tmp" "dist/$f"
done
update_sums
report "${rpms[@]}"
