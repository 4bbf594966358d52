"""A small HTTP relay on 127.0.0.1 for the doctor suite, with two jobs:

- **a root-layout installation.** Requests for /realms/* and /resources/* go to the stack's
  Keycloak, so that Keycloak answers at this server's root, as a Keycloak 17+ without a relative
  path does; /auth and below are 404 (nothing is served there); everything else goes to the Hub
  simulator. The stack's Keycloak runs under /auth, so this is how a root layout is met for real.
- **a forward proxy** (what HTTP_PROXY names): a request whose target is an absolute URL goes to
  that URL. Every such target is recorded, so a test can show the doctor's requests went through.

Redirects are passed back, never followed.
"""
import http.client
import os
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "proxy-connection", "te",
              "trailer", "transfer-encoding", "upgrade", "host", "content-length"}


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def _relay(self):
        server = self.server
        if "://" in self.path:
            target = urllib.parse.urlsplit(self.path)
            server.proxied.append(self.path)
            upstream, path = target, urllib.parse.urlunsplit(("", "", target.path or "/", target.query, ""))
        elif self.path == "/auth" or self.path.startswith("/auth/"):
            return self._answer(404, {"Content-Type": "text/html"}, b"<html><body>Not Found</body></html>")
        elif self.path.startswith(("/realms/", "/resources/")):
            upstream = urllib.parse.urlsplit(server.keycloak)
            path = upstream.path.rstrip("/") + self.path
        else:
            upstream, path = urllib.parse.urlsplit(server.hub), self.path
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else None
        headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        try:
            connection.request(self.command, path, body=body, headers=headers)
            response = connection.getresponse()
            self._answer(response.status, {k: v for k, v in response.getheaders() if k.lower() not in HOP_BY_HOP},
                         response.read())
        except OSError as e:
            self._answer(502, {"Content-Type": "text/plain"}, f"relay: {e}".encode())
        finally:
            connection.close()

    def _answer(self, status, headers, body):
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _relay


class Relay:
    """with Relay() as relay: relay.url is the root-layout installation, and the forward proxy."""

    def __init__(self, keycloak=None, hub=None):
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.server.daemon_threads = True
        self.server.keycloak = (keycloak or os.environ["HAZY_TEST_KEYCLOAK_URL"]).rstrip("/")
        self.server.hub = (hub or os.environ["HAZY_TEST_HUB_URL"]).rstrip("/")
        self.server.proxied = []
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def proxied(self):
        return list(self.server.proxied)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
        return False
