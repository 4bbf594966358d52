"""The release zip's line in dist/SHA256SUMS, and the Windows DLL's export and import tables
(x86_64-w64-mingw32-objdump -p) as shipped in the zip:
  - it exports exactly the functions declared in include/hazy.h, all hazy_-prefixed;
  - it imports only from system DLLs that every supported Windows (10 / Server 2016 and later)
    has, and from no MinGW runtime DLL (libgcc_s, libwinpthread, libstdc++): those are linked
    statically.
The same checks then run on a deliberately bad DLL (a non-hazy_ export, linked against the
MinGW runtime DLLs), which must fail both, so that the checks are known to be able to fail.

    python3 tests/windows/check_dll.py dist/libhazy-VERSION-x86_64-windows-gnu.zip
"""
import hashlib
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wine  # noqa: E402

# Lower-case names. The api-ms-win-* entries are API sets of Windows 8 and later.
SYSTEM_DLLS = {
    "kernel32.dll", "ntdll.dll", "msvcrt.dll", "advapi32.dll", "userenv.dll", "ws2_32.dll",
    "bcrypt.dll", "bcryptprimitives.dll", "crypt32.dll", "secur32.dll", "ncrypt.dll",
    "oleaut32.dll", "ole32.dll", "ktmw32.dll", "dbghelp.dll", "shell32.dll", "user32.dll",
    "api-ms-win-core-synch-l1-2-0.dll", "api-ms-win-core-winrt-error-l1-1-0.dll",
}
MINGW_RUNTIME = re.compile(r"^(libgcc_s|libwinpthread|libstdc\+\+|libssp|libatomic|libgomp)")


def exports(dll: Path):
    out = wine.run([wine.OBJDUMP, "-p", str(dll)]).stdout
    table = out.split("[Ordinal/Name Pointer] Table", 1)
    if len(table) < 2:
        return []
    names = []
    for line in table[1].splitlines()[1:]:
        m = re.match(r"^\s*\[\s*\d+\]\s+(\S+)$", line)
        if not m:
            break
        names.append(m.group(1))
    return names


def declared_functions():
    header = (wine.REPO / "include" / "hazy.h").read_text()
    return sorted(set(re.findall(r"^[^#(\n]*\b(hazy_[a-z0-9_]+)\(", header, re.M)))


def check(dll: Path, expected_exports):
    """The list of problems with `dll` (empty when it passes)."""
    problems = []
    names = exports(dll)
    foreign = [n for n in names if not n.startswith("hazy_")]
    if foreign:
        problems.append(f"exports non-hazy_ symbols: {foreign}")
    if expected_exports is not None and sorted(names) != expected_exports:
        missing = sorted(set(expected_exports) - set(names))
        extra = sorted(set(names) - set(expected_exports))
        problems.append(f"exports differ from include/hazy.h: missing {missing}, extra {extra}")
    imports = wine.imported_dlls(dll)
    runtime = [d for d in imports if MINGW_RUNTIME.match(d)]
    if runtime:
        problems.append(f"needs MinGW runtime DLLs at run time: {runtime}")
    other = [d for d in imports if d not in SYSTEM_DLLS and not MINGW_RUNTIME.match(d)]
    if other:
        problems.append(f"imports from DLLs that are not system DLLs: {other}")
    return problems, names, imports


def bad_dll(directory: Path) -> Path:
    """A DLL that breaks both rules: exports not_hazy, and needs libwinpthread-1.dll and
    libgcc_s_seh-1.dll (a C++ DLL linked against the shared MinGW runtime)."""
    src = directory / "bad.cpp"
    src.write_text('#include <thread>\nextern "C" __declspec(dllexport) int not_hazy(void) {\n'
                   '    std::thread t([] {}); t.join(); return 1; }\n')
    out = directory / "bad.dll"
    wine.run(["x86_64-w64-mingw32-g++-posix", "-shared", str(src), "-shared-libgcc", "-o", str(out)])
    return out


def checksum_listed(zip_path: Path) -> bool:
    sums = zip_path.parent / "SHA256SUMS"
    listed = {}
    if sums.is_file():
        for line in sums.read_text().splitlines():
            digest, _, name = line.partition("  ")
            listed[name] = digest
    actual = hashlib.sha256(zip_path.read_bytes()).hexdigest()
    ok = listed.get(zip_path.name) == actual
    print(f"{'ok  ' if ok else 'FAIL'} {zip_path.name} matches its line in {sums}"
          f"{'' if zip_path.name in listed else ' (not listed)'}")
    return ok


def main():
    zip_path, _ = wine.begin(__doc__)
    failed = 0 if checksum_listed(zip_path) else 1
    with tempfile.TemporaryDirectory(prefix="hazy-win-dll-") as tmp:
        root = wine.unpack(zip_path, Path(tmp))
        dll = root / "bin" / "hazy.dll"
        expected = declared_functions()
        if len(expected) < 20:
            raise SystemExit(f"check_dll: only {len(expected)} functions found in include/hazy.h")
        problems, names, imports = check(dll, expected)
        for p in problems:
            print(f"FAIL hazy.dll {p}")
        failed += bool(problems)
        if not problems:
            print(f"hazy.dll: {len(names)} exports, exactly include/hazy.h's functions, all hazy_")
            print(f"hazy.dll: imports only system DLLs: {', '.join(imports)}")

        bad_problems, _, bad_imports = check(bad_dll(Path(tmp)), None)
        caught = {
            "non-hazy_ export": any("non-hazy_" in p for p in bad_problems),
            "MinGW runtime DLL": any("MinGW runtime" in p for p in bad_problems),
        }
        for what, ok in caught.items():
            print(f"{'ok  ' if ok else 'FAIL'} a bad DLL's {what} is caught (imports {bad_imports})")
            failed += not ok
    print(f"check_dll: {'passed' if not failed else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
