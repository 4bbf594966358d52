#!/usr/bin/env bash
# Packs the .NET binding into dist/LibHazy.VERSION.nupkg (a NuGet package: a zip with a .nuspec):
#   lib/netstandard2.0/Hazy.dll, Hazy.xml   the binding (bindings/dotnet/build.sh, Mono's mcs)
#   runtimes/linux-x64/native/libhazy.so    from dist/libhazy-VERSION-x86_64-linux-gnu.tar.gz
#   runtimes/linux-arm64/native/libhazy.so  from dist/libhazy-VERSION-aarch64-linux-gnu.tar.gz
#   runtimes/win-x64/native/hazy.dll        from dist/libhazy-VERSION-x86_64-windows-gnu.zip
#   LibHazy.nuspec, [Content_Types].xml, _rels/.rels, LICENSE, README.md (docs/dotnet.md)
# The native libraries are taken from the release archives as shipped (make dist builds them
# first), so the package holds exactly their bytes. Then dist/SHA256SUMS is refreshed
# (scripts/dist/checksums.sh). The zip has a fixed entry order and time (the last commit's); the
# assembly itself is not byte-reproducible (mcs has no deterministic mode).
#   scripts/dist/nupkg.sh            dist/LibHazy.VERSION.nupkg, listed in dist/SHA256SUMS
#   scripts/dist/nupkg.sh OUTDIR     the same package in OUTDIR, dist/SHA256SUMS left alone (for trying
#                                    a change without touching dist/)
set -euo pipefail
cd "$(dirname "$0")/../.."

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
id=LibHazy
outdir=${1:-dist}
out=$outdir/$id.$version.nupkg
x64=dist/libhazy-$version-x86_64-linux-gnu.tar.gz
arm64=dist/libhazy-$version-aarch64-linux-gnu.tar.gz
win=dist/libhazy-$version-x86_64-windows-gnu.zip
for f in "$x64" "$arm64" "$win"; do
    [ -f "$f" ] || { echo "nupkg.sh: $f is missing: run make dist" >&2; exit 1; }
done
stage=build/dist/nupkg

mkdir -p build/dist "$outdir"
exec 9>build/dist/.lock
flock 9
source scripts/dist/common.sh
inputs=("$x64" "$arm64" "$win" bindings/dotnet/src bindings/dotnet/build.sh bindings/dotnet/check_netstandard.py
        docs/dotnet.md LICENSE "$0" scripts/dist/common.sh)
if [ "$outdir" = dist ] && archive_up_to_date "$out" "$stage" "${inputs[@]}"; then
    echo "[dist] $out is up to date"
    exit 0
fi
rm -rf "$stage"
mkdir -p "$stage/lib/netstandard2.0" "$stage/runtimes/linux-x64/native" "$stage/runtimes/linux-arm64/native" \
    "$stage/runtimes/win-x64/native" "$stage/_rels"

bash bindings/dotnet/build.sh build/dotnet/nupkg-lib
cp build/dotnet/nupkg-lib/Hazy.dll build/dotnet/nupkg-lib/Hazy.xml "$stage/lib/netstandard2.0/"
tar -xzOf "$x64" "libhazy-$version-x86_64-linux-gnu/lib/libhazy.so.$version" > "$stage/runtimes/linux-x64/native/libhazy.so"
tar -xzOf "$arm64" "libhazy-$version-aarch64-linux-gnu/lib/libhazy.so.$version" > "$stage/runtimes/linux-arm64/native/libhazy.so"
python3 - "$win" "libhazy-$version-x86_64-windows-gnu/bin/hazy.dll" "$stage/runtimes/win-x64/native/hazy.dll" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z, open(sys.argv[3], "wb") as out:
    out.write(z.read(sys.argv[2]))
PY
install -m 0644 LICENSE "$stage/LICENSE"
install -m 0644 docs/dotnet.md "$stage/README.md"

description="Native client for Hazy's synthetic-data Hub: Keycloak authentication and training jobs. The .NET binding of libhazy, with its native library for Linux x64 and arm64 (glibc 2.17+) and Windows x64."
cat > "$stage/$id.nuspec" <<XML
<?xml version="1.0" encoding="utf-8"?>
<package xmlns="http://schemas.microsoft.com/packaging/2013/05/nuspec.xsd">
  <metadata>
    <id>$id</id>
    <version>$version</version>
    <title>libhazy for .NET</title>
    <authors>Hazy</authors>
    <description>$description</description>
    <license type="expression">Apache-2.0</license>
    <tags>hazy synthetic-data keycloak native</tags>
    <dependencies>
      <group targetFramework=".NETStandard2.0" />
    </dependencies>
  </metadata>
</package>
XML
cat > "$stage/[Content_Types].xml" <<'XML'
<?xml version="1.0" encoding="utf-8"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="nuspec" ContentType="application/octet" /><Default Extension="dll" ContentType="application/octet" /><Default Extension="xml" ContentType="application/octet" /><Default Extension="so" ContentType="application/octet" /><Default Extension="md" ContentType="application/octet" /><Override PartName="/LICENSE" ContentType="application/octet" /></Types>
XML
cat > "$stage/_rels/.rels" <<XML
<?xml version="1.0" encoding="utf-8"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.microsoft.com/packaging/2010/07/manifest" Target="/$id.nuspec" Id="R0" /></Relationships>
XML

# Fixed order ([Content_Types].xml first, as OPC readers like it) and time; no extra attributes.
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
python3 - "$stage" "$out.tmp" "$mtime" <<'PY'
import os, sys, time, zipfile
stage, out, mtime = sys.argv[1], sys.argv[2], int(sys.argv[3])
stamp = time.gmtime(max(mtime, 315532800))[:6]  # the zip format starts in 1980
names = sorted(os.path.relpath(os.path.join(d, f), stage).replace(os.sep, "/")
               for d, _, files in os.walk(stage) for f in files)
names.sort(key=lambda n: (n != "[Content_Types].xml", n))
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for name in names:
        info = zipfile.ZipInfo(name, stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(stage, name), "rb") as f:
            z.writestr(info, f.read())
PY
mv -f "$out.tmp" "$out"
[ "$outdir" != dist ] || bash scripts/dist/checksums.sh
echo "[dist] $out ($(stat -c %s "$out") bytes)"
