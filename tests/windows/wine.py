"""Shared by the Windows tests (mk/windows.mk): the unpacked release zip, programs
cross-compiled against it with mingw-w64, and running them under Wine.

Wine runs in its own prefix, .cache/wine/prefix (gitignored; HAZY_WINEPREFIX overrides), made
on first use and kept: making it takes several seconds. Wine is told to stay quiet
(WINEDEBUG=-all) and never to offer to install Mono or Gecko, so it needs no display and opens
no dialog.

Wine 8 has no bcryptprimitives.dll!ProcessPrng, which Rust's standard library needs on Windows
10+. stage() therefore builds the TEST-ONLY shim processprng_shim.c as bcryptprimitives.dll
beside each test program; the release zip never holds it.
"""
import fcntl
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import List, Optional

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
CC = "x86_64-w64-mingw32-gcc"
OBJDUMP = "x86_64-w64-mingw32-objdump"
CWARN = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic"]
PREFIX = Path(os.environ.get("HAZY_WINEPREFIX") or REPO / ".cache" / "wine" / "prefix")


def begin(doc: str, suite: Optional[str] = None):
    """The start of a suite's main(): the zip named on the command line, the tools it needs, and
    (for a suite that builds programs) a fresh build/windows-tests/SUITE folder for them."""
    if len(sys.argv) != 2:
        raise SystemExit(doc)
    require_tools()
    out = None
    if suite:
        out = REPO / "build" / "windows-tests" / suite
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
    return Path(sys.argv[1]), out


def require_tools():
    missing = [t for t in (CC, OBJDUMP, "wine") if shutil.which(t) is None]
    if missing:
        raise SystemExit(f"windows tests: {', '.join(missing)} missing: run make deps")


def unpack(zip_path: Path, into: Path) -> Path:
    """The release zip unpacked into `into`; returns its top directory."""
    if not zip_path.is_file():
        raise SystemExit(f"windows tests: {zip_path} is missing: make dist-windows")
    with zipfile.ZipFile(zip_path) as z:
        z.extractall(into)
    root = into / zip_path.name[: -len(".zip")]
    if not root.is_dir():
        raise SystemExit(f"windows tests: {zip_path} does not unpack into {root.name}/")
    return root


def run(argv: List[str], **kw) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, capture_output=True, text=True, **kw)
    if done.returncode != 0:
        raise SystemExit(f"windows tests: {' '.join(map(str, argv))} failed ({done.returncode}):\n"
                         f"{done.stdout}{done.stderr}")
    return done


def compile_exe(sources: List[Path], root: Path, out: Path, libs: Optional[List[str]] = None,
                extra: Optional[List[str]] = None) -> Path:
    """A Windows program built against the unpacked zip (headers, import library)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    run([CC, *CWARN, *(extra or []), f"-I{root / 'include'}", *map(str, sources),
         f"-L{root / 'lib'}", *(libs if libs is not None else ["-lhazy"]), "-o", str(out)])
    return out


def stage(directory: Path, root: Path):
    """Beside the programs in `directory`: the zip's hazy.dll and the test-only ProcessPrng shim."""
    shutil.copy2(root / "bin" / "hazy.dll", directory / "hazy.dll")
    run([CC, "-shared", "-O2", "-Wall", "-Wextra", "-Werror", str(HERE / "processprng_shim.c"),
         "-ladvapi32", "-o", str(directory / "bcryptprimitives.dll")])


def imported_dlls(path: Path) -> List[str]:
    out = run([OBJDUMP, "-p", str(path)]).stdout
    return sorted({line.split("DLL Name:", 1)[1].strip().lower() for line in out.splitlines()
                   if "DLL Name:" in line})


def env(extra: Optional[dict] = None, base: Optional[dict] = None) -> dict:
    """`base` (default: this process's environment) plus `extra`, plus Wine's settings."""
    e = dict(os.environ if base is None else base)
    e.update(WINEPREFIX=str(PREFIX), WINEARCH="win64", WINEDEBUG="-all",
             # No Mono/Gecko install prompts; the shim beside the program (native) before
             # Wine's own bcryptprimitives (builtin).
             WINEDLLOVERRIDES="mscoree,mshtml=;bcryptprimitives=n,b")
    e.update(extra or {})
    return e


def ensure_prefix():
    """Makes the Wine prefix once (timed), under a lock so that parallel suites share it."""
    PREFIX.parent.mkdir(parents=True, exist_ok=True)
    with open(PREFIX.parent / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (PREFIX / "system.reg").is_file():
            return
        start = time.monotonic()
        subprocess.run(["wine", "wineboot", "--init"], env=env(), capture_output=True, timeout=300)
        subprocess.run(["wineserver", "-w"], env=env(), capture_output=True, timeout=300)
        if not (PREFIX / "system.reg").is_file():
            raise SystemExit(f"windows tests: wineboot did not make the prefix {PREFIX}")
        print(f"wine: made the prefix {PREFIX} in {time.monotonic() - start:.1f} s", flush=True)


def windows_path(path: Path) -> str:
    """The path as a Windows program under Wine sees it (Wine maps / to drive Z:)."""
    return "Z:" + str(Path(path).resolve()).replace("/", "\\")


def wine(exe: Path, args: List[str] = (), extra_env: Optional[dict] = None, timeout: float = 300,
         cwd: Optional[Path] = None, base_env: Optional[dict] = None) -> subprocess.CompletedProcess:
    """Runs a Windows program under Wine (environment: see env()); the result has .seconds
    (wall time)."""
    ensure_prefix()
    # Files, not pipes: Wine's background processes (services, winedevice) inherit the
    # program's output handles and live on for seconds, so reading a pipe to its end would wait
    # for them rather than for the program.
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        start = time.monotonic()
        code = subprocess.run(["wine", str(exe), *args], stdout=out, stderr=err, timeout=timeout,
                              env=env(extra_env, base_env), cwd=cwd or exe.parent).returncode
        seconds = time.monotonic() - start
        out.seek(0)
        err.seek(0)
        done = subprocess.CompletedProcess([str(exe), *args], code, out.read(), err.read())
    done.seconds = seconds
    return done


def echo(done: subprocess.CompletedProcess):
    sys.stdout.write(done.stdout)
    sys.stderr.write(done.stderr)
    sys.stdout.flush()
