"""The realm's "Signed JWT" clients (private_key_jwt), made usable at test time.

The realm file declares the clients (clientAuthenticatorType client-jwt) without a key: key pairs
are made here with openssl when the stack starts, never committed, and each client's certificate
is registered through Keycloak's admin REST API (attribute jwt.credential.certificate, the same
on Keycloak 21 to 26). The private keys' paths are exported as HAZY_TEST_<ROLE>PRIVATE_KEY.
"""
import json
import shutil
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

# role prefix -> (client id, openssl -newkey argument list)
SIGNED_JWT_CLIENTS = {
    "JWT_": ("api-jwt", ["-newkey", "rsa:2048"]),
    "JWT_EC_": ("api-jwt-ec", ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]),
}
CERT_ATTRIBUTE = "jwt.credential.certificate"


class SignedJwtError(RuntimeError):
    pass


def make_key_pair(directory: Path, name: str, newkey):
    """A private key (PKCS#8 PEM) and a self-signed certificate for it. Returns (key, cert)."""
    if not shutil.which("openssl"):
        raise SignedJwtError("openssl is missing: run `make deps`")
    key, cert = directory / f"{name}.key.pem", directory / f"{name}.crt.pem"
    done = subprocess.run(["openssl", "req", "-x509", *newkey, "-nodes", "-keyout", str(key), "-out", str(cert),
                           "-days", "2", "-subj", f"/CN={name}"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SignedJwtError(f"openssl could not make a key pair for {name}: {done.stderr.strip()}")
    key.chmod(0o600)
    return key, cert


def cert_base64(cert: Path) -> str:
    """The certificate's DER as base64, which is how Keycloak stores it."""
    lines = cert.read_text().strip().splitlines()
    return "".join(line for line in lines if not line.startswith("-----"))


def _request(method, url, token=None, form=None, body=None):
    headers = {}
    data = None
    if form is not None:
        data = urllib.parse.urlencode(form).encode()
    if body is not None:
        data = json.dumps(body).encode()
        headers["Content-Type"] = "application/json"
    if token:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(url, data=data, method=method, headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            raw = r.read()
            return json.loads(raw) if raw else None
    except urllib.error.HTTPError as e:
        raise SignedJwtError(f"{method} {url}: HTTP {e.code} {e.read()[:300]!r}") from None


def admin_token(keycloak_url, user, password):
    body = _request("POST", f"{keycloak_url}/realms/master/protocol/openid-connect/token",
                    form={"grant_type": "password", "client_id": "admin-cli", "username": user, "password": password})
    return body["access_token"]


def register_certificate(keycloak_url, token, realm, client_id, cert: Path):
    clients = _request("GET", f"{keycloak_url}/admin/realms/{realm}/clients?clientId={urllib.parse.quote(client_id)}",
                       token)
    if not clients:
        raise SignedJwtError(f"realm {realm} has no client {client_id} (tests/realm/hazy-realm.json)")
    rep = clients[0]
    rep.setdefault("attributes", {})[CERT_ATTRIBUTE] = cert_base64(cert)
    _request("PUT", f"{keycloak_url}/admin/realms/{realm}/clients/{rep['id']}", token, body=rep)


def set_up(keycloak_url, realm, admin_user, admin_password, directory: Path):
    """Makes the key pairs, registers their certificates; returns the HAZY_TEST_* variables."""
    directory.mkdir(parents=True, exist_ok=True)
    token = admin_token(keycloak_url, admin_user, admin_password)
    env = {}
    for role, (client_id, newkey) in SIGNED_JWT_CLIENTS.items():
        key, cert = make_key_pair(directory, client_id, newkey)
        register_certificate(keycloak_url, token, realm, client_id, cert)
        env[f"HAZY_TEST_{role}CLIENT_ID"] = client_id
        env[f"HAZY_TEST_{role}PRIVATE_KEY"] = str(key)
    return env
