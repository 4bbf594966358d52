#!/usr/bin/env bash
# Builds examples/dotnet/Train.cs into OUTDIR/Train.exe, with what it needs beside it:
#   bash bindings/dotnet/build-example.sh OUTDIR NUPKG   Hazy.dll and runtimes/ from the package, as
#                                                        the .NET SDK lays out an application's output
#   bash bindings/dotnet/build-example.sh OUTDIR         Hazy.dll built from bindings/dotnet/src, and
#                                                        libhazy.so beside it: a link to build/lib's
#                                                        (make build), for the demo without make dist
# Run it with `mono OUTDIR/Train.exe PROJECT CONFIG` and the HAZY_* variables set.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
OUT="${1:?usage: build-example.sh OUTDIR [NUPKG]}"
NUPKG="${2:-}"
rm -rf "$OUT"
mkdir -p "$OUT"
if [ -n "$NUPKG" ]; then
    python3 - "$NUPKG" "$OUT" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for name in z.namelist():
        if name == "lib/netstandard2.0/Hazy.dll":
            target = os.path.join(sys.argv[2], "Hazy.dll")
        elif name.startswith("runtimes/"):
            target = os.path.join(sys.argv[2], name)
        else:
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(target, "wb") as f:
            f.write(z.read(name))
PY
else
    [ -f "$REPO/build/lib/libhazy.so" ] || { echo "build-example.sh: build/lib/libhazy.so is missing: make build" >&2; exit 1; }
    bash "$HERE/build.sh" "$OUT/obj" >/dev/null
    cp "$OUT/obj/Hazy.dll" "$OUT/Hazy.dll"
    ln -s "$REPO/build/lib/libhazy.so" "$OUT/libhazy.so"
fi
mcs -nologo -warnaserror+ -out:"$OUT/Train.exe" -r:"$OUT/Hazy.dll" "$REPO/examples/dotnet/Train.cs"
