#!/usr/bin/env bash
# dist/ARTIFACT.cdx.json for every release artifact of this version in dist/ (the Linux tarballs
# and their -debug tarballs, the Windows zip, the NuGet package, the RPM and DEB packages):
# scripts/sbom/sbom.py reads each archive. An SBOM newer than its artifact is kept. Then
# dist/SHA256SUMS is rewritten (scripts/dist/checksums.sh lists the SBOMs too) under the lock
# every writer of it takes. `make sboms`; `make dist` runs it last.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
shopt -s nullglob
artifacts=(dist/libhazy-"$version"-*.tar.gz dist/libhazy-"$version"-*.zip dist/LibHazy."$version"*.nupkg
           dist/*"$version"*.rpm dist/*"$version"*.deb)
[ ${#artifacts[@]} -gt 0 ] || { echo "sbom/dist.sh: no artifact of $version in dist/: make dist" >&2; exit 1; }
for a in "${artifacts[@]}"; do
    stem=${a%.tar.gz}
    [ "$stem" != "$a" ] || stem=${a%.*}
    out=$stem.cdx.json
    if [ -f "$out" ] && [ -z "$(find "$a" scripts/sbom Cargo.lock -newer "$out" 2>/dev/null | head -n1)" ]; then
        continue
    fi
    python3 scripts/sbom/sbom.py "$a" "$out"
done
mkdir -p build/dist
exec 9>build/dist/.lock
flock 9
bash scripts/dist/checksums.sh
