"""Network faults the simulator cannot make, because they sit in front of Keycloak: a TCP
forwarder that can be stopped and started again on the same port, and a server that accepts
connections and never answers."""
import socket
import threading


def _listen(port=0):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(64)
    return s


def _shut(s):
    """shutdown() then close(): on Linux, close() alone leaves a socket that another thread is
    blocked in accept() (or recv()) on still open."""
    try:
        s.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    s.close()


class Forwarder:
    """Forwards 127.0.0.1:port to target. stop() closes the listener and every forwarded
    connection (so a pooled keep-alive connection cannot hide the outage); start() listens on
    the same port again."""

    def __init__(self, target_host, target_port):
        self.target = (target_host, target_port)
        self.port = 0
        self.lock = threading.Lock()
        self.conns = []
        self.listener = None

    def start(self):
        self.listener = _listen(self.port)
        self.port = self.listener.getsockname()[1]
        threading.Thread(target=self._accept, args=(self.listener,), daemon=True).start()
        return self

    def stop(self):
        _shut(self.listener)
        with self.lock:
            for c in self.conns:
                _shut(c)
            self.conns.clear()

    def _accept(self, listener):
        while True:
            try:
                down, _ = listener.accept()
            except OSError:
                return
            try:
                up = socket.create_connection(self.target, timeout=5)
                up.settimeout(None)
            except OSError:
                down.close()
                continue
            with self.lock:
                self.conns += [down, up]
            for a, b in ((down, up), (up, down)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(src, dst):
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        for s in (src, dst):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


class Silent:
    """Accepts connections, reads whatever arrives, never answers."""

    def __init__(self):
        self.listener = _listen()
        self.port = self.listener.getsockname()[1]
        self.held = []
        self.accepted = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                c, _ = self.listener.accept()
            except OSError:
                return
            self.accepted += 1
            self.held.append(c)  # kept open, never read from or written to

    def close(self):
        _shut(self.listener)
        for c in self.held:
            c.close()
