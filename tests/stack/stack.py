#!/usr/bin/env python3
"""Test stack for libhazy: a real Keycloak with the `hazy` realm, optionally the Hub simulator.

CLI:
    python3 tests/stack/stack.py fetch                      # download + unpack Keycloak only
    python3 tests/stack/stack.py run [--sim-bin PATH] -- CMD ARGS...
    python3 tests/stack/stack.py run [--sim-bin PATH]       # no CMD: print env, wait for Ctrl-C

Other Keycloak releases (the version matrix, tests/keycloak_matrix): both commands take
    --keycloak-version 21.0.2     one release of majors 21..26 (default: KEYCLOAK_VERSION below)
    --keycloak-path /             served at the server root instead of under /auth
and `run --no-download` refuses to download (a test must find it cached by `make deps`).
What differs between majors (options, admin variables, JDK) is in `Flavour`.

Python (e.g. a pytest conftest; the env is returned, not put into os.environ):
    sys.path.insert(0, "tests/stack"); from stack import Stack
    with Stack(sim_bin=None) as env:   # env: dict of the HAZY_TEST_* variables
        ...

If HAZY_TEST_KEYCLOAK_URL (or HAZY_TEST_HUB_URL) is already set, that service is used as is and
not started; an existing Keycloak must have tests/realm/hazy-realm.json imported.

Stdlib only, Linux/macOS. Everything started here runs in its own process group and is stopped
(SIGTERM, then SIGKILL after 20 s) on normal exit, exceptions, SIGINT, SIGTERM and SIGHUP.
"""
import argparse
import base64
import fcntl
import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import keycloak_tls  # noqa: E402
import signed_jwt  # noqa: E402

KEYCLOAK_VERSION = "26.7.3"
KEYCLOAK_ARTIFACT = f"org.keycloak:keycloak-quarkus-dist:{KEYCLOAK_VERSION}:tar.gz"
KEYCLOAK_DOWNLOAD_MB = 176  # size of the tar.gz, for the progress message only
DEPENDENCY_PLUGIN = "org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
DEFAULT_JAVA_HOME = "/usr/lib/jvm/temurin-25-jdk-amd64"
MIN_JAVA = 21  # Keycloak 26.7 needs JDK 21+
# Keycloak 21-25 of the version matrix run on JDK 17, a JDK all of them support.
JDK17_HOME = "/usr/lib/jvm/java-17-openjdk-amd64"
OLDEST_MAJOR = 21
DEFAULT_PATH = "/auth"  # Hazy's layout: Keycloak under {host}/auth

REPO = Path(__file__).resolve().parents[2]
CACHE = REPO / ".cache" / "keycloak"
REALM_FILE = REPO / "tests" / "realm" / "hazy-realm.json"
REALM = "hazy"
ADMIN_USER, ADMIN_PASSWORD = "admin", "admin-Passw0rd!"

# Build-time options: start-dev re-augments Quarkus (~40 s) whenever these differ from the
# persisted build, so they are also the key of the cached augmented build (see _kc_home).
KC_BUILD_OPTS = ["--db=dev-mem", "--cache=local", "--health-enabled=true", "--http-relative-path=/auth"]

START_TIMEOUT = float(os.environ.get("HAZY_KEYCLOAK_START_TIMEOUT", "300"))
SIM_START_TIMEOUT = float(os.environ.get("HAZY_HUB_SIM_START_TIMEOUT", "30"))
STOP_GRACE = 20.0
LOG_TAIL_LINES = 80


class StackError(Exception):
    pass


class Terminated(BaseException):
    """Raised from the SIGTERM/SIGHUP handler so `with`/finally blocks run the cleanup."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def log(msg):
    # stderr: keeps the child command's stdout clean for anyone piping it.
    print(f"[stack] {msg}", file=sys.stderr, flush=True)


# ---------------------------------------------------------------- download


def artifact(version):
    return f"org.keycloak:keycloak-quarkus-dist:{version}:tar.gz"


def fetch(version=KEYCLOAK_VERSION, download=True):
    """Return the unpacked Keycloak dist in the cache, downloading/unpacking it only once.

    download=False: a missing release is an error instead (test runs whose downloads belong to
    `make deps`)."""
    CACHE.mkdir(parents=True, exist_ok=True)
    # Parallel runs (e.g. two test suites) must not download or unpack over each other.
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _fetch_locked(version, download)


def _fetch_locked(version=KEYCLOAK_VERSION, download=True):
    dist = CACHE / f"keycloak-{version}"
    # The marker is written after a complete unpack: an interrupted unpack has none and is redone.
    marker = CACHE / f"keycloak-{version}.unpacked"
    if marker.exists() and (dist / "bin" / "kc.sh").exists():
        log(f"Keycloak {version} cached at {dist}")
        return dist
    if not download:
        raise StackError(f"Keycloak {version} is not in {CACHE}: `make deps` downloads it "
                         f"(or: python3 tests/stack/stack.py fetch --keycloak-version {version})")
    if shutil.which("mvn") is None:
        raise StackError("Maven (mvn) not found on PATH: install it (e.g. apt-get install maven) "
                         "to download Keycloak, or set HAZY_TEST_KEYCLOAK_URL to an existing Keycloak")
    with tempfile.TemporaryDirectory(dir=CACHE, prefix="download-") as tmp:
        log(f"downloading Keycloak {version} (~{KEYCLOAK_DOWNLOAD_MB} MB) from Maven Central ...")
        t0 = time.monotonic()
        cmd = ["mvn", "-q", "-B", f"{DEPENDENCY_PLUGIN}:copy", f"-Dartifact={artifact(version)}",
               f"-DoutputDirectory={tmp}"]
        res = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT, text=True)
        archives = list(Path(tmp).glob("*.tar.gz"))
        if res.returncode != 0 or len(archives) != 1:
            raise StackError(f"download failed ({' '.join(cmd)} exited {res.returncode}):\n{res.stdout}")
        size = archives[0].stat().st_size / 1e6
        log(f"downloaded {size:.0f} MB in {time.monotonic() - t0:.1f} s; unpacking to {CACHE} ...")
        t0 = time.monotonic()
        unpack = Path(tmp) / "unpack"
        with tarfile.open(archives[0]) as tar:
            # 'data' filter: refuses paths escaping the target dir, keeps the execute bits.
            kwargs = {"filter": "data"} if hasattr(tarfile, "data_filter") else {}
            tar.extractall(unpack, **kwargs)
        marker.unlink(missing_ok=True)
        shutil.rmtree(dist, ignore_errors=True)
        (unpack / f"keycloak-{version}").rename(dist)
        marker.write_text(f"{artifact(version)}\n")
        log(f"unpacked in {time.monotonic() - t0:.1f} s")
    return dist


# ---------------------------------------------------------------- Keycloak majors


def relative_path(path):
    """'/auth', 'auth/' -> '/auth'; '', '/' -> '/' (the server root)."""
    return "/" + path.strip("/")


class Flavour:
    """What differs between Keycloak majors when one is started the way this stack starts 26.

    Everything else is the same from 21 to 26: start-dev, dev-mem database, local cache, the
    readiness probe, and --import-realm of tests/realm/hazy-realm.json unchanged. (21-24 import
    the `basic` scope's `oidc-sub-mapper`, a type they do not know, without complaint, and put
    `sub` into every token themselves.)"""

    def __init__(self, version):
        head = version.split(".")[0]
        if not head.isdigit() or int(head) < OLDEST_MAJOR:
            raise StackError(f"Keycloak {version!r}: releases {OLDEST_MAJOR} and later are supported")
        self.version, self.major = version, int(head)
        modern = self.major >= 26
        # 26.6+ needs JDK 21+ (Temurin 25 here); 21 to 25 all run on JDK 17.
        self.java_env = "HAZY_KEYCLOAK_JAVA_HOME" if modern else "HAZY_KEYCLOAK_JDK17_HOME"
        self.java_default = DEFAULT_JAVA_HOME if modern else JDK17_HOME
        self.java_name = "Temurin 25" if modern else "JDK 17"
        self.min_java = MIN_JAVA if modern else 17
        # 25 brought hostname v2 (the whole public URL in --hostname; v1's options are refused)
        # and the management interface, whose default port 9000 clashes between parallel runs.
        self.hostname_v2 = self.major >= 25
        self.management_port = self.major >= 25
        # 26 renamed the temporary admin's variables (the old ones are only deprecated there).
        self.admin_env = (("KC_BOOTSTRAP_ADMIN_USERNAME", "KC_BOOTSTRAP_ADMIN_PASSWORD") if modern
                          else ("KEYCLOAK_ADMIN", "KEYCLOAK_ADMIN_PASSWORD"))
        # Before 26, start-dev re-augments in memory at every start and never writes lib/quarkus:
        # there is no build to cache (20-40 s of every start of 21-25).
        self.caches_build = modern

    def hostname_opts(self, url, port, path):
        """Pin the public URL so that `iss` does not depend on the host name a client uses."""
        if self.hostname_v2:
            return [f"--hostname={url}"]
        # v1 takes host, port and path apart; the scheme follows the request (http: start-dev).
        return ["--hostname=127.0.0.1", f"--hostname-port={port}", f"--hostname-path={path}"]


def java_home(flavour=None):
    f = flavour or Flavour(KEYCLOAK_VERSION)
    home = Path(os.environ.get(f.java_env, f.java_default))
    java = home / "bin" / "java"
    if not os.access(java, os.X_OK):
        raise StackError(
            f"Java not found: {java} does not exist. Keycloak {f.version} needs a JDK {f.min_java}+. "
            f"Install {f.java_name} (expected at {f.java_default}) or set {f.java_env} "
            f"to a JDK {f.min_java}+ home.")
    # The JDK's `release` file avoids starting a JVM just to learn its version.
    release = home / "release"
    if release.exists():
        for line in release.read_text().splitlines():
            if line.startswith("JAVA_VERSION="):
                major = int(line.split("=", 1)[1].strip('"').split(".")[0])
                if major < f.min_java:
                    raise StackError(f"{home} is Java {major}; Keycloak {f.version} needs {f.min_java}+. "
                                     f"Set {f.java_env} to a newer JDK.")
    return home


# ---------------------------------------------------------------- helpers


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, data=None, timeout=5.0):
    """(status, body bytes); HTTP errors are returned, not raised."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=body), timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def jwt_claims(token):
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))


def tail(path, n=LOG_TAIL_LINES):
    try:
        lines = Path(path).read_text(errors="replace").splitlines()
    except OSError as e:
        return f"(no log: {e})"
    return "\n".join(lines[-n:])


def _group_alive(pgid):
    """True while any non-zombie process is in the group (zombies may wait long for a reaper)."""
    if not Path("/proc").is_dir():
        try:
            os.killpg(pgid, 0)
            return True
        except ProcessLookupError:
            return False
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z" and int(fields[2]) == pgid:
            return True
    return False


def stop_group(proc, name):
    """SIGTERM the process group, wait up to STOP_GRACE, then SIGKILL it."""
    proc.poll()  # reap the leader if it already exited, so only live members count
    if not _group_alive(proc.pid):
        return
    log(f"stopping {name} (process group {proc.pid})")
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    deadline = time.monotonic() + STOP_GRACE
    while time.monotonic() < deadline:
        proc.poll()
        if not _group_alive(proc.pid):
            return
        time.sleep(0.2)
    log(f"{name} still running after {STOP_GRACE:.0f} s: SIGKILL")
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait()


# The realm's test principals, exported as HAZY_TEST_<ROLE>... so that no test, binding or script
# repeats a secret: the realm file is the one place that holds them (README, "Tests and Keycloak").
# An empty role gives the plain names (HAZY_TEST_CLIENT_ID, HAZY_TEST_USERNAME).
REALM_CLIENTS = {
    "": "api",                                     # service account: train, read, audience
    "SHORT_LIVED_": "api-short-lived",             # 5 s tokens, for refresh and expiry
    "NO_TRAIN_": "api-no-train",                   # only hazy/Model:read: FORBIDDEN on training
    "NO_AUDIENCE_": "api-no-audience",             # tokens without the Hub's audience
    "NO_SERVICE_ACCOUNT_": "api-no-service-account",  # password grant only
    "JWT_": "api-jwt",                             # private_key_jwt, RSA key; 10 s tokens
    "JWT_EC_": "api-jwt-ec",                       # private_key_jwt, EC P-256 key
    "X509_": "api-x509",                           # tls_client_auth over Keycloak's HTTPS
    "WILDCARD_": "api-wildcard",                   # hazy/TrainJob:* instead of the TrainJob scopes
}
REALM_USERS = {"": "analyst", "DISABLED_": "disabled-analyst"}


def realm_credentials(realm_file=REALM_FILE):
    """HAZY_TEST_*CLIENT_ID/_SECRET and HAZY_TEST_*USERNAME/_PASSWORD, read from the realm file.
    A client without a secret (Signed JWT) gets only its CLIENT_ID here; its key is made at start
    (tests/stack/signed_jwt.py)."""
    realm = json.loads(Path(realm_file).read_text())
    clients = {c["clientId"]: c for c in realm.get("clients", [])}
    users = {u["username"]: u for u in realm.get("users", [])}
    env = {}
    for role, client_id in REALM_CLIENTS.items():
        if client_id not in clients:
            raise StackError(f"{realm_file}: no client '{client_id}' (stack.py REALM_CLIENTS)")
        env[f"HAZY_TEST_{role}CLIENT_ID"] = client_id
        if "secret" in clients[client_id]:
            env[f"HAZY_TEST_{role}CLIENT_SECRET"] = clients[client_id]["secret"]
    for role, name in REALM_USERS.items():
        passwords = [c["value"] for c in users.get(name, {}).get("credentials", []) if c.get("type") == "password"]
        if not passwords:
            raise StackError(f"{realm_file}: no user '{name}' with a password (stack.py REALM_USERS)")
        env[f"HAZY_TEST_{role}USERNAME"] = name
        env[f"HAZY_TEST_{role}PASSWORD"] = passwords[0]
    return env


# ---------------------------------------------------------------- the stack


class Stack:
    """Context manager: starts what is needed, yields the HAZY_TEST_* env dict, stops it all."""

    def __init__(self, sim_bin=None, keycloak_version=KEYCLOAK_VERSION, keycloak_path=DEFAULT_PATH,
                 download=True):
        self.sim_bin = sim_bin
        self.flavour = Flavour(keycloak_version)
        self.keycloak_path = relative_path(keycloak_path)
        # Build-time options of this server; the default is KC_BUILD_OPTS itself.
        self.build_opts = [o for o in KC_BUILD_OPTS if not o.startswith("--http-relative-path=")]
        self.build_opts.append(f"--http-relative-path={self.keycloak_path}")
        self.download = download
        self.procs = []  # (name, Popen, log file), stopped in reverse order
        self.run_dir = None
        self.env = {}
        self.failed = False
        self._saved_handlers = {}

    # -- lifecycle

    def __enter__(self):
        self._install_signal_handlers()
        try:
            self.start()
        except BaseException:
            self.failed = True
            self.close()
            raise
        return self.env

    def __exit__(self, exc_type, exc, tb):
        self.failed = self.failed or exc_type is not None
        self.close()
        return False

    def start(self):
        start_sim = self.sim_bin and not os.environ.get("HAZY_TEST_HUB_URL")
        if start_sim and not os.access(self.sim_bin, os.X_OK):  # before the slow Keycloak start
            raise StackError(f"--sim-bin {self.sim_bin}: not an executable file (build hub-sim first)")
        self.env["HAZY_TEST_REALM_FILE"] = str(REALM_FILE)
        self.env.update(realm_credentials())
        url = os.environ.get("HAZY_TEST_KEYCLOAK_URL")
        if url:
            self._use_existing_keycloak(url.rstrip("/"))
        else:
            self._start_keycloak()
        self._check_token()
        self._set_up_signed_jwt()
        hub = os.environ.get("HAZY_TEST_HUB_URL")
        if hub:
            log(f"using existing Hub at {hub} (HAZY_TEST_HUB_URL is set)")
            self.env["HAZY_TEST_HUB_URL"] = hub.rstrip("/")
        elif start_sim:
            self._start_sim()
        if "HAZY_TEST_HUB_URL" in self.env:
            # The simulator's test-only admin API (faults, clock, stats): contract/README.md.
            self.env["HAZY_TEST_SIM_ADMIN_URL"] = self.env["HAZY_TEST_HUB_URL"] + "/_sim"

    def close(self):
        # Ignore further Ctrl-C/SIGTERM while stopping: an interrupted cleanup leaves JVMs behind.
        self._ignore_signals()
        try:
            for name, proc, _ in reversed(self.procs):
                stop_group(proc, name)
            self.procs.clear()
            if self.run_dir:
                if self.failed:
                    log(f"logs kept in {self.run_dir}")
                else:
                    shutil.rmtree(self.run_dir, ignore_errors=True)
                self.run_dir = None
        finally:
            self._restore_signal_handlers()

    # -- signals

    def _install_signal_handlers(self):
        if threading.current_thread() is not threading.main_thread():
            return  # Python only allows handlers in the main thread; the caller owns signals then

        def on_signal(signum, frame):
            raise Terminated(signum)

        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._saved_handlers[sig] = signal.signal(sig, on_signal)
        # A background job of a non-interactive shell starts with SIGINT ignored; `kill -INT` must
        # still stop the stack, so always turn SIGINT into KeyboardInterrupt here.
        self._saved_handlers[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)

    def _ignore_signals(self):
        if self._saved_handlers and threading.current_thread() is threading.main_thread():
            for sig in self._saved_handlers:
                signal.signal(sig, signal.SIG_IGN)

    def _restore_signal_handlers(self):
        if threading.current_thread() is threading.main_thread():
            for sig, handler in self._saved_handlers.items():
                signal.signal(sig, handler)

    # -- processes

    def _spawn(self, name, argv, env, cwd=None):
        log_path = self._dir() / f"{name}.log"
        with open(log_path, "wb") as logf:
            # Own session: our signals reach the whole tree (kc.sh + its JVM) via killpg,
            # and a terminal's Ctrl-C reaches only us, so shutdown order stays ours.
            proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=logf,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append((name, proc, log_path))
        return proc, log_path

    def _dir(self):
        if self.run_dir is None:
            self.run_dir = Path(tempfile.mkdtemp(prefix="hazy-stack-"))
        return self.run_dir

    def _fail(self, msg, log_path):
        raise StackError(f"{msg}\n----- last {LOG_TAIL_LINES} lines of {log_path} -----\n"
                         f"{tail(log_path)}\n----- end of {log_path} -----")

    # -- Keycloak

    def _kc_home(self, dist):
        """A per-run Keycloak home sharing the cached dist read-only.

        data/ (import dir, transaction logs, tmp) is per run so leftovers and parallel runs
        cannot interfere. lib/quarkus is per run too because start-dev rewrites it when it
        re-augments; the first augmented build is saved in the cache and reused (~40 s saved).
        """
        home = self._dir() / "keycloak"
        (home / "bin").mkdir(parents=True)
        # A copy, not a symlink: kc.sh derives kc.home.dir from its resolved path.
        shutil.copy2(dist / "bin" / "kc.sh", home / "bin" / "kc.sh")
        for name in ("conf", "providers", "themes"):
            (home / name).symlink_to(dist / name)
        (home / "lib").mkdir()
        for entry in (dist / "lib").iterdir():
            if entry.name == "quarkus-run.jar":
                # A copy too (728 bytes): Quarkus takes the application's root from the real path of
                # this jar, and through a symlink it would re-augment into the shared dist's
                # lib/quarkus, under any other Keycloak running from it, and save nothing here.
                shutil.copy2(entry, home / "lib" / entry.name)
            elif entry.name != "quarkus":
                (home / "lib" / entry.name).symlink_to(entry)
        augmented = self._augmented_cache()
        shutil.copytree(augmented if augmented.is_dir() else dist / "lib" / "quarkus", home / "lib" / "quarkus")
        (home / "data" / "import").mkdir(parents=True)
        shutil.copy(REALM_FILE, home / "data" / "import" / REALM_FILE.name)
        return home

    def _augmented_cache(self):
        key = hashlib.sha256(" ".join(self.build_opts).encode()).hexdigest()[:12]
        return CACHE / f"keycloak-{self.flavour.version}-augmented-{key}"

    def _save_augmented(self, home):
        target = self._augmented_cache()
        if target.is_dir():
            return
        tmp = Path(tempfile.mkdtemp(dir=CACHE, prefix="augmented-"))
        try:  # only an optimisation: never fail the run over it
            shutil.copytree(home / "lib" / "quarkus", tmp / "quarkus")
            (tmp / "quarkus").rename(target)  # atomic; a parallel run may have won: fine
            log("saved the augmented Keycloak build in the cache (later starts skip ~40 s)")
        except OSError:
            pass
        shutil.rmtree(tmp, ignore_errors=True)

    def _start_keycloak(self):
        flavour = self.flavour
        jhome = java_home(flavour)
        dist = fetch(flavour.version, self.download)
        home = self._kc_home(dist)
        port, mgmt_port = free_port(), free_port()
        url = f"http://127.0.0.1:{port}{self.keycloak_path.rstrip('/')}"
        argv = [str(home / "bin" / "kc.sh"), "start-dev", "--http-host=127.0.0.1", f"--http-port={port}"]
        if flavour.management_port:
            argv.append(f"--http-management-port={mgmt_port}")
        # Pinned so `iss` does not depend on the host name a client uses (localhost vs 127.0.0.1).
        argv += flavour.hostname_opts(url, port, self.keycloak_path)
        argv += [*self.build_opts, "--import-realm"]
        # HTTPS too, requesting client certificates, for the X509 client (tls_client_auth).
        https_port, t_tls = free_port(), time.monotonic()
        try:
            https_argv, https_env = keycloak_tls.set_up(self._dir() / "keycloak-tls", jhome, https_port)
        except keycloak_tls.KeycloakTlsError as e:
            raise StackError(f"cannot make Keycloak's HTTPS certificates: {e}")
        argv += https_argv
        self.env.update(https_env)
        self.env["HAZY_TEST_KEYCLOAK_HTTPS_URL"] = f"https://127.0.0.1:{https_port}{self.keycloak_path.rstrip('/')}"
        log(f"Keycloak HTTPS on port {https_port}, client certificates requested (test CA made in "
            f"{time.monotonic() - t_tls:.1f} s)")
        # Drop inherited KC_*/JAVA_OPTS*: a developer's own Keycloak settings would change this server.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("KC_", "JAVA_OPTS", "QUARKUS_"))}
        admin_user_var, admin_password_var = flavour.admin_env
        env.update({"JAVA_HOME": str(jhome), "JAVA_OPTS_KC_HEAP": "-Xms64m -Xmx512m",
                    admin_user_var: ADMIN_USER, admin_password_var: ADMIN_PASSWORD})
        mgmt = f"management port {mgmt_port}" if flavour.management_port else "no management port"
        log(f"starting Keycloak {flavour.version} on {url} ({mgmt}, Java {jhome})")
        t0 = time.monotonic()
        proc, log_path = self._spawn("keycloak", argv, env, cwd=home)
        log(f"Keycloak log: {log_path}")
        discovery = f"{url}/realms/{REALM}/.well-known/openid-configuration"
        deadline = t0 + START_TIMEOUT
        while True:
            if proc.poll() is not None:
                self._fail(f"Keycloak exited with status {proc.returncode} during startup", log_path)
            try:
                status, _ = http(discovery, timeout=2)
                if status == 200:
                    break
            except OSError:
                pass  # not listening yet
            if time.monotonic() > deadline:
                self._fail(f"Keycloak not ready after {START_TIMEOUT:.0f} s ({discovery}); "
                           f"raise HAZY_KEYCLOAK_START_TIMEOUT on a slow machine", log_path)
            time.sleep(0.5)
        log(f"Keycloak ready in {time.monotonic() - t0:.1f} s")
        if flavour.caches_build:
            self._save_augmented(home)
        self._set_keycloak_env(url, f"{url}/realms/{REALM}")

    def _use_existing_keycloak(self, url):
        log(f"using existing Keycloak at {url} (HAZY_TEST_KEYCLOAK_URL is set)")
        discovery = f"{url}/realms/{REALM}/.well-known/openid-configuration"
        try:
            status, body = http(discovery)
        except OSError as e:
            raise StackError(f"existing Keycloak not reachable: {discovery}: {e}")
        if status != 200:
            raise StackError(f"{discovery} answered {status}: is the realm '{REALM}' imported "
                             f"(tests/realm/hazy-realm.json)?")
        # Trust the server's issuer: behind a proxy it need not be derived from the URL.
        issuer = os.environ.get("HAZY_TEST_ISSUER") or json.loads(body)["issuer"]
        self._set_keycloak_env(url, issuer)

    def _set_keycloak_env(self, url, issuer):
        self.env.update(HAZY_TEST_KEYCLOAK_URL=url, HAZY_TEST_ISSUER=issuer,
                        HAZY_TEST_TOKEN_URL=f"{issuer}/protocol/openid-connect/token")

    def _check_token(self):
        """One real client_credentials request: proves the imported client secret and the issuer."""
        client_id, secret = self.env["HAZY_TEST_CLIENT_ID"], self.env["HAZY_TEST_CLIENT_SECRET"]
        status, body = http(self.env["HAZY_TEST_TOKEN_URL"], {
            "grant_type": "client_credentials", "client_id": client_id, "client_secret": secret})
        if status != 200:
            raise StackError(f"token request for client '{client_id}' failed: HTTP {status} {body[:300]!r}")
        claims = jwt_claims(json.loads(body)["access_token"])
        if claims.get("iss") != self.env["HAZY_TEST_ISSUER"]:
            raise StackError(f"token iss {claims.get('iss')!r} != expected {self.env['HAZY_TEST_ISSUER']!r}")
        log(f"token for client '{client_id}' OK (aud={claims.get('aud')}, scope='{claims.get('scope')}')")

    def _set_up_signed_jwt(self):
        """Key pairs for the Signed JWT clients, their certificates registered with Keycloak."""
        t0 = time.monotonic()
        user = os.environ.get("HAZY_TEST_KEYCLOAK_ADMIN_USER", ADMIN_USER)
        password = os.environ.get("HAZY_TEST_KEYCLOAK_ADMIN_PASSWORD", ADMIN_PASSWORD)
        try:
            self.env.update(signed_jwt.set_up(self.env["HAZY_TEST_KEYCLOAK_URL"], REALM, user, password,
                                              self._dir() / "signed-jwt"))
        except signed_jwt.SignedJwtError as e:
            raise StackError(f"cannot set up the Signed JWT clients: {e}")
        log(f"Signed JWT clients ready in {time.monotonic() - t0:.1f} s (keys made now, certificates registered)")

    # -- Hub simulator

    def _sim_argv(self, port_file):
        issuer = self.env["HAZY_TEST_ISSUER"]
        return [str(Path(self.sim_bin).resolve()), "--listen", "127.0.0.1:0", "--port-file", str(port_file),
                "--issuer", issuer, "--jwks-url", f"{issuer}/protocol/openid-connect/certs",
                "--keycloak-url", self.env["HAZY_TEST_KEYCLOAK_URL"]]

    def _start_sim(self):
        port_file = self._dir() / "hub-sim.port"
        argv = self._sim_argv(port_file)
        log(f"starting Hub simulator: {' '.join(argv)}")
        t0 = time.monotonic()
        proc, log_path = self._spawn("hub-sim", argv, dict(os.environ))
        deadline = t0 + SIM_START_TIMEOUT
        while True:
            if proc.poll() is not None:
                self._fail(f"Hub simulator exited with status {proc.returncode} during startup", log_path)
            port = port_file.read_text().strip() if port_file.exists() else ""
            if port.isdigit():  # a half-written file is retried, not misread
                hub = f"http://127.0.0.1:{port}"
                try:
                    if http(f"{hub}/api/v1/health", timeout=2)[0] == 200:
                        break
                except OSError:
                    pass
            if time.monotonic() > deadline:
                self._fail(f"Hub simulator not healthy after {SIM_START_TIMEOUT:.0f} s", log_path)
            time.sleep(0.2)
        log(f"Hub simulator ready on {hub} in {time.monotonic() - t0:.1f} s")
        self.env["HAZY_TEST_HUB_URL"] = hub


# ---------------------------------------------------------------- CLI


def run(sim_bin, cmd, **keycloak):
    stack = Stack(sim_bin=sim_bin, **keycloak)
    child = None
    with stack as env:
        for k, v in sorted(env.items()):
            # Logs (CI's included) never show a secret; the child gets them in its environment.
            log(f"{k}={'(set)' if k.endswith(('_SECRET', '_PASSWORD')) else v}")
        if not cmd:
            log("no command given: stack is up, Ctrl-C to stop; paste these into a shell (they carry the test "
                "realm's secrets: keep them out of logs)")
            for k, v in sorted(env.items()):
                print(f"export {k}={v}", flush=True)
            while True:
                time.sleep(3600)
            return 0
        log(f"running: {' '.join(cmd)}")
        try:
            # Own session so that stopping it also stops what it spawned (cargo test, go test ...).
            child = subprocess.Popen(cmd, env={**os.environ, **env}, start_new_session=True)
            code = child.wait()
        except BaseException:
            if child is not None:
                stack._ignore_signals()
                stop_group(child, "command")
            raise
        code = 128 - code if code < 0 else code  # killed by signal N -> 128+N, like a shell
        log(f"command exited with status {code}")
        stack.failed = code != 0
        return code


def main(argv):
    cmd = []
    if "--" in argv:
        i = argv.index("--")
        argv, cmd = argv[:i], argv[i + 1:]
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="action", required=True)
    p_fetch = sub.add_parser("fetch", help="download and unpack Keycloak into the cache")
    p_run = sub.add_parser("run", help="start the stack, run CMD with HAZY_TEST_* set, stop the stack")
    p_run.add_argument("--sim-bin", help="hazy-hub-sim binary to start (default: no simulator)")
    for p in (p_fetch, p_run):
        p.add_argument("--keycloak-version", default=KEYCLOAK_VERSION,
                       help=f"Keycloak release, {OLDEST_MAJOR}.x or later (default {KEYCLOAK_VERSION})")
    p_run.add_argument("--keycloak-path", default=DEFAULT_PATH,
                       help=f"relative path Keycloak is served under: /auth (default) or / (the root)")
    p_run.add_argument("--no-download", action="store_true",
                       help="fail instead of downloading a Keycloak that is not cached")
    args = parser.parse_args(argv)
    try:
        if args.action == "fetch":
            Flavour(args.keycloak_version)  # refuse an unsupported release before downloading it
            fetch(args.keycloak_version)
            return 0
        return run(args.sim_bin, cmd, keycloak_version=args.keycloak_version,
                   keycloak_path=args.keycloak_path, download=not args.no_download)
    except StackError as e:
        log(f"error: {e}")
        return 1
    except KeyboardInterrupt:
        log("interrupted (SIGINT), everything stopped")
        return 130
    except Terminated as e:
        log(f"terminated ({e}), everything stopped")
        return 128 + e.signum


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
