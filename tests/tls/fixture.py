"""Real TLS and proxy servers for tests: a test CA made with openssl, nginx terminating TLS in
front of an HTTP upstream, and tinyproxy as a CONNECT proxy. Everything runs unprivileged on
127.0.0.1 with its own config, pid file and logs under one temporary directory.

    with Fixture() as fx:                       # stops every server and removes the dir on exit
        ca = fx.make_ca("server-ca")
        cert = fx.make_cert(ca, "hub", sans=["IP:127.0.0.1", "DNS:localhost"])
        nginx = fx.start_nginx([Site("hub", cert, upstream="http://127.0.0.1:4000")])
        proxy = fx.start_tinyproxy()
        nginx.url("hub"), nginx.access_lines("hub"), proxy.connect_lines()

Servers are started in their own session and with a parent-death signal, so they are stopped
by `close()`, by the exit handlers installed here (atexit, SIGINT, SIGTERM, SIGHUP), and by the
kernel if the test process is killed outright.
"""
import atexit
import ctypes
import grp
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

START_TIMEOUT_S = 15.0
STOP_TIMEOUT_S = 10.0
PR_SET_PDEATHSIG = 1


class FixtureError(RuntimeError):
    pass


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick on 127.0.0.1)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port that refuses connections: bound, never listening, held for the process's life so
    that no other program can take it while a test relies on it being dead."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    _held_sockets.append(s)
    return s.getsockname()[1]


_held_sockets: List[socket.socket] = []


def _die_with_parent():
    # Runs in the child between fork and exec: SIGTERM it when the test process dies.
    ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)


def _wait_listening(port: int, proc: subprocess.Popen, name: str, log: Path):
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise FixtureError(f"{name} exited with {proc.returncode} while starting:\n{tail(log)}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise FixtureError(f"{name} did not listen on 127.0.0.1:{port} within {START_TIMEOUT_S} s:\n{tail(log)}")


def group_alive(pgid: int) -> bool:
    """Whether any process of the session/process group `pgid` still exists."""
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


def tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError:
        return f"(no log at {path})"


def _run(argv: List[str]):
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise FixtureError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr.strip()}")


# ---------------------------------------------------------------- certificates


@dataclass(frozen=True)
class CA:
    name: str
    cert: Path
    key: Path


@dataclass(frozen=True)
class Cert:
    name: str
    cert: Path
    key: Path
    ca: CA


def _make_ca(directory: Path, name: str) -> CA:
    key, cert = directory / f"{name}.key", directory / f"{name}.crt"
    _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN=libhazy test {name}",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    return CA(name, cert, key)


def _make_cert(directory: Path, ca: CA, name: str, sans: List[str], client: bool) -> Cert:
    """A leaf signed by `ca`. `sans` are subjectAltName entries such as "IP:127.0.0.1" or
    "DNS:localhost"; rustls checks only these, never the CN."""
    key, csr, cert = directory / f"{name}.key", directory / f"{name}.csr", directory / f"{name}.crt"
    ext = directory / f"{name}.ext"
    usage = "clientAuth" if client else "serverAuth"
    lines = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature",
             f"extendedKeyUsage={usage}"]
    if sans:
        lines.append("subjectAltName=" + ",".join(sans))
    ext.write_text("\n".join(lines) + "\n")
    _run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", str(key), "-out", str(csr), "-subj", f"/CN={name}"])
    _run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca.cert), "-CAkey", str(ca.key),
          "-CAcreateserial", "-out", str(cert), "-days", "2", "-extfile", str(ext)])
    return Cert(name, cert, key, ca)


# ---------------------------------------------------------------- nginx


@dataclass(frozen=True)
class Site:
    """One TLS server block of nginx: `cert` on a free port, proxying everything to `upstream`.
    With `client_ca`, clients must present a certificate signed by it (ssl_verify_client on)."""
    name: str
    cert: Cert
    upstream: str
    client_ca: Optional[CA] = None
    # False: nginx closes every connection after one request, so each request makes a new one.
    keepalive: bool = True


@dataclass
class Server:
    """A running server process started by the fixture."""
    name: str
    proc: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is not None:
            return
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.proc.wait(STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        # nginx's workers are in the same session; make sure none outlived the master.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


@dataclass
class Nginx(Server):
    ports: dict = field(default_factory=dict)
    logs: dict = field(default_factory=dict)

    def url(self, site: str, host: str = "127.0.0.1") -> str:
        return f"https://{host}:{self.ports[site]}"

    def entries(self, site: str, user_agent: str, wait: bool = False) -> List[List[str]]:
        """The access-log entries of requests with this User-Agent, split into fields. nginx logs
        a request after it has answered it, so a caller that expects entries waits (up to 5 s)."""
        deadline = time.monotonic() + (5.0 if wait else 0.0)
        while True:
            found = [line.split("\t") for line in self.access_lines(site) if f"\t{user_agent}\t" in line]
            if found or time.monotonic() >= deadline:
                return found
            time.sleep(0.05)

    def access_lines(self, site: str) -> List[str]:
        """The site's access log: one tab-separated line per request
        (client, request line, status, user agent, TLS protocol, client cert verification,
        upstream address or "-" when nginx answered itself, client certificate serial, "r" when
        the connection's TLS session was resumed else ".", connection serial number)."""
        path = self.logs[site]
        return path.read_text().splitlines() if path.exists() else []


# Tab-separated so that tests can split it; the user agent tells one test's requests apart.
NGINX_LOG_FORMAT = ("$remote_addr\\t$request\\t$status\\t$http_user_agent\\t$ssl_protocol\\t$ssl_client_verify"
                    "\\t$upstream_addr\\t$ssl_client_serial\\t$ssl_session_reused\\t$connection")


def _nginx_conf(root: Path, sites: List[Site], ports: dict, logs: dict) -> str:
    user = ""
    if os.geteuid() == 0:
        # As root nginx would switch its workers to `nobody`, which cannot enter our 0700 dir.
        pw = pwd.getpwuid(os.geteuid())
        user = f"user {pw.pw_name} {grp.getgrgid(pw.pw_gid).gr_name};"
    servers = []
    for site in sites:
        client = ""
        if site.client_ca:
            client = (f"ssl_client_certificate {site.client_ca.cert};\n"
                      "        ssl_verify_client on;")
        keepalive = "" if site.keepalive else "keepalive_timeout 0;"
        servers.append(f"""
    server {{
        listen 127.0.0.1:{ports[site.name]} ssl;
        {keepalive}
        ssl_certificate {site.cert.cert};
        ssl_certificate_key {site.cert.key};
        ssl_protocols TLSv1.2 TLSv1.3;
        {client}
        access_log {logs[site.name]} hazy;
        location / {{
            proxy_pass {site.upstream};
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_set_header X-Forwarded-Proto https;
            proxy_read_timeout 120s;
        }}
    }}""")
    return f"""{user}
daemon off;
master_process on;
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log info;
events {{ worker_connections 256; }}
http {{
    client_body_temp_path {root}/tmp/body;
    proxy_temp_path {root}/tmp/proxy;
    fastcgi_temp_path {root}/tmp/fastcgi;
    uwsgi_temp_path {root}/tmp/uwsgi;
    scgi_temp_path {root}/tmp/scgi;
    log_format hazy "{NGINX_LOG_FORMAT}";
    access_log off;
{''.join(servers)}
}}
"""


# ---------------------------------------------------------------- tinyproxy


@dataclass
class Tinyproxy(Server):
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def lines(self) -> List[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def connect_lines(self) -> List[str]:
        """Log lines of CONNECT requests, e.g. `... Request (file descriptor 7): CONNECT
        127.0.0.1:41234 HTTP/1.1`."""
        return [line for line in self.lines() if "): CONNECT " in line]

    def accept_lines(self) -> List[str]:
        """A line per client connection tinyproxy accepted, e.g. `... Connect (file descriptor 7):
        127.0.0.1`. Unlike `Closed connection ...`, which tinyproxy may write after the client
        has gone, these are logged before the client's request is answered."""
        return [line for line in self.lines() if "Connect (file descriptor" in line]

    def request_lines(self) -> List[str]:
        """Every request tinyproxy parsed, whatever the method."""
        return [line for line in self.lines() if "Request (file descriptor" in line]


def _tinyproxy_conf(port: int, log: Path, pid: Path, basic_auth=None) -> str:
    # No User/Group: tinyproxy keeps the caller's identity, and with it the parent-death signal.
    # No ConnectPort: CONNECT is allowed to any port (nginx's are random).
    # basic_auth (user, password): tinyproxy answers 407 to requests without them.
    auth = f"BasicAuth {basic_auth[0]} {basic_auth[1]}\n" if basic_auth else ""
    return auth + f"""Port {port}
Listen 127.0.0.1
Timeout 60
MaxClients 50
Allow 127.0.0.1
LogFile "{log}"
LogLevel Info
PidFile "{pid}"
DisableViaHeader Yes
"""


# ---------------------------------------------------------------- the fixture

DIR_PREFIX = "hazy-tls-"
OWNER_FILE = "owner.pid"


def _sweep_orphaned_dirs():
    """Removes the directories of fixtures whose process was killed outright (SIGKILL leaves no
    chance to clean up; the servers themselves died with it through the parent-death signal)."""
    for d in Path(tempfile.gettempdir()).glob(DIR_PREFIX + "*"):
        try:
            os.kill(int((d / OWNER_FILE).read_text()), 0)
        except ProcessLookupError:
            shutil.rmtree(d, ignore_errors=True)
        except (OSError, ValueError):
            pass  # not ours, unreadable, or its owner is alive


class Fixture:
    """Owns a temporary directory and every server started through it."""

    def __init__(self, keep_dir: bool = False):
        _sweep_orphaned_dirs()
        self.dir = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
        (self.dir / OWNER_FILE).write_text(str(os.getpid()))
        self.keep_dir = keep_dir
        self.servers: List[Server] = []
        self._saved = {}
        self._closed = False
        atexit.register(self.close)

    # -- certificates

    def make_ca(self, name: str) -> CA:
        return _make_ca(self.dir, name)

    def make_cert(self, ca: CA, name: str, sans: List[str]) -> Cert:
        return _make_cert(self.dir, ca, name, sans, client=False)

    def make_client_cert(self, ca: CA, name: str) -> Cert:
        return _make_cert(self.dir, ca, name, [], client=True)

    # -- servers

    def _spawn(self, name: str, argv: List[str], log: Path) -> subprocess.Popen:
        out = open(log, "ab")
        try:
            return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT,
                                    start_new_session=True, preexec_fn=_die_with_parent)
        finally:
            out.close()

    def start_nginx(self, sites: List[Site], name: str = "nginx") -> Nginx:
        root = self.dir / name
        (root / "tmp").mkdir(parents=True)
        ports = {s.name: free_port() for s in sites}
        logs = {s.name: root / f"{s.name}.access.log" for s in sites}
        conf = root / "nginx.conf"
        conf.write_text(_nginx_conf(root, sites, ports, logs))
        log = root / "stderr.log"
        argv = ["nginx", "-p", str(root), "-c", str(conf), "-e", str(root / "error.log")]
        # -t first: a config error is reported as such instead of as a start timeout.
        check = subprocess.run(argv + ["-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise FixtureError(f"nginx config test failed:\n{check.stderr}")
        proc = self._spawn(name, argv, log)
        server = Nginx(name, proc, root / "error.log", ports, logs)
        self.servers.append(server)
        for port in ports.values():
            _wait_listening(port, proc, name, root / "error.log")
        return server

    def start_tinyproxy(self, name: str = "tinyproxy", basic_auth=None) -> Tinyproxy:
        """basic_auth: (user, password) that tinyproxy requires (its BasicAuth), else none."""
        root = self.dir / name
        root.mkdir()
        port = free_port()
        log = root / "tinyproxy.log"
        conf = root / "tinyproxy.conf"
        conf.write_text(_tinyproxy_conf(port, log, root / "tinyproxy.pid", basic_auth))
        proc = self._spawn(name, ["tinyproxy", "-d", "-c", str(conf)], root / "stdout.log")
        server = Tinyproxy(name, proc, log, port)
        self.servers.append(server)
        _wait_listening(port, proc, name, log)
        return server

    # -- lifetime

    def close(self):
        if self._closed:
            return
        self._closed = True
        for server in reversed(self.servers):
            server.stop()
        if not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)

    def install_signal_handlers(self):
        """SIGTERM and SIGHUP raise SystemExit (so `finally` and `with` blocks run); SIGINT
        raises KeyboardInterrupt as usual. Call from the main thread."""
        def on_signal(signum, _frame):
            raise SystemExit(128 + signum)
        for sig in (signal.SIGTERM, signal.SIGHUP):
            self._saved[sig] = signal.signal(sig, on_signal)
        self._saved[signal.SIGINT] = signal.signal(signal.SIGINT, signal.default_int_handler)

    def __enter__(self):
        self.install_signal_handlers()
        return self

    def __exit__(self, *exc):
        # A second signal during cleanup must not cut it short.
        for sig in self._saved:
            signal.signal(sig, signal.SIG_IGN)
        try:
            self.close()
        finally:
            for sig, handler in self._saved.items():
                signal.signal(sig, handler)
