#!/usr/bin/env bash
# Rewrites dist/SHA256SUMS over every release artifact of this version in dist/ (the Linux
# tarballs, the Windows zip, the NuGet package, the RPM and DEB packages, and their CycloneDX SBOMs
# ARTIFACT.cdx.json), so that packaging one
# of them never drops another's line.
# Called by package.sh and windows-package.sh while they hold build/dist/.lock.
set -euo pipefail
cd "$(dirname "$0")/../.."
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
cd dist
shopt -s nullglob
archives=(libhazy-"$version"-*.tar.gz libhazy-"$version"-*.zip LibHazy."$version"*.nupkg *"$version"*.rpm *"$version"*.deb)
[ ${#archives[@]} -eq 0 ] || archives+=(*"$version"*.cdx.json)  # their SBOMs (scripts/sbom/dist.sh)
[ ${#archives[@]} -gt 0 ] || { echo "checksums.sh: no archive of $version in dist/" >&2; exit 1; }
sha256sum "${archives[@]}" > SHA256SUMS.tmp
mv -f SHA256SUMS.tmp SHA256SUMS
