#!/usr/bin/env python3
"""Checks that an assembly built by mcs against Mono's profile uses only types of .NET Standard 2.0.

    check_netstandard.py ASSEMBLY

Disassembles ASSEMBLY with ikdasm (Mono's IL disassembler), collects every type it references in
another assembly ([mscorlib]System.IO.Path, [System.Core]System.Collections.Generic.HashSet`1,
...; a nested type counts as its outermost type), and fails unless each one is forwarded by
Mono's netstandard.dll 2.0.0.0 facade, i.e. is part of .NET Standard 2.0. Members (a method
overload .NET Framework has and .NET Standard lacks) are not checked.
"""
import glob
import re
import subprocess
import sys


def disassemble(path):
    return subprocess.run(["ikdasm", path], check=True, capture_output=True, text=True).stdout


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    facades = sorted(glob.glob("/usr/lib/mono/4.*-api/Facades/netstandard.dll"))
    if not facades:
        sys.exit("check_netstandard.py: no netstandard.dll facade under /usr/lib/mono (mono-devel)")
    facade = disassemble(facades[0])
    if not re.search(r"^\.assembly netstandard\s*\{.*?\.ver 2:0:0:0", facade, re.S | re.M):
        sys.exit(f"check_netstandard.py: {facades[0]} is not netstandard 2.0.0.0")
    standard = set(re.findall(r"^\.class extern forwarder (\S+)", facade, re.M))
    il = disassemble(argv[1])
    externs = set(re.findall(r"^\.assembly extern (\S+)", il, re.M))
    used = set()
    for assembly, name in re.findall(r"\[([A-Za-z0-9_.]+)\]([A-Za-z0-9_.`/]+)", il):
        if assembly in externs:
            used.add(name.split("/")[0])
    missing = sorted(used - standard)
    if missing:
        print(f"netstandard2.0: {argv[1]} uses {len(missing)} types that .NET Standard 2.0 lacks:")
        print("\n".join("  " + m for m in missing))
        return 1
    print(f"netstandard2.0: {argv[1]} references {', '.join(sorted(externs))}; all {len(used)} framework "
          f"types it uses are in netstandard.dll 2.0.0.0")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
