"""The C API test (tests/c/test_capi.c: NULL for every pointer, invalid UTF-8, huge strings, a
panic inside the library, the error protocol; no server needed) cross-compiled with mingw-w64
against the release zip and run under Wine, twice: linked with the import library
(libhazy.dll.a, loading bin/hazy.dll) and with the static library (libhazy.a). Also measures
Wine's own start-up on an empty program, the figure the README quotes.

    python3 tests/windows/capi.py dist/libhazy-VERSION-x86_64-windows-gnu.zip
"""
import re
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import wine  # noqa: E402

# What a program linking libhazy.a needs besides it (rustc --print native-static-libs for this
# target); the README says the same.
STATIC_LIBS = ["-lws2_32", "-lbcrypt", "-ladvapi32", "-lkernel32", "-lntdll", "-luserenv", "-ldbghelp"]


def startup_seconds(out: Path):
    """Wall times of `wine empty.exe`: the first of this run (which starts Wine's server unless
    another program keeps it running) and the best of three after it."""
    src = out / "empty.c"
    src.write_text("int main(void) { return 0; }\n")
    exe = wine.compile_exe([src], out, out / "empty.exe", libs=[])
    first = wine.wine(exe).seconds
    return first, min(wine.wine(exe).seconds for _ in range(3))


def run_capi(exe: Path, label: str) -> bool:
    # hazy.dll is a release build: test_capi checks that it has no debug_panic option.
    done = wine.wine(exe, timeout=600, extra_env={"HAZY_TEST_RELEASE_LIBRARY": "1"})
    wine.echo(done)
    m = re.search(r"capi: (\d+) passed, (\d+) failed", done.stdout)
    ok = done.returncode == 0 and m is not None and m.group(2) == "0" and int(m.group(1)) > 100
    print(f"{'ok  ' if ok else 'FAIL'} test_capi ({label}) under Wine: exit {done.returncode}, "
          f"{done.seconds:.1f} s")
    return ok


def main():
    zip_path, out = wine.begin(__doc__, "capi")
    wine.ensure_prefix()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="hazy-win-capi-") as tmp:
        root = wine.unpack(zip_path, Path(tmp))
        source = wine.REPO / "tests" / "c" / "test_capi.c"
        dynamic = wine.compile_exe([source], root, out / "test_capi.exe", libs=["-lhazy", "-lws2_32"], extra=["-g"])
        static = wine.compile_exe([source], root, out / "test_capi_static.exe",
                                  libs=[str(root / "lib" / "libhazy.a"), *STATIC_LIBS], extra=["-g"])
        wine.stage(out, root)
        if "hazy.dll" not in wine.imported_dlls(dynamic):
            print("FAIL test_capi.exe does not load hazy.dll: the import library did not link it")
            failed += 1
        if "hazy.dll" in wine.imported_dlls(static):
            print("FAIL test_capi_static.exe loads hazy.dll although it linked libhazy.a")
            failed += 1
        first, warm = startup_seconds(out)
        print(f"wine start-up of an empty program: {first:.2f} s the first, {warm:.2f} s once Wine runs")
        failed += not run_capi(dynamic, "hazy.dll through libhazy.dll.a")
        failed += not run_capi(static, "static libhazy.a")
    print(f"windows capi: {'passed' if not failed else 'FAILED'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
