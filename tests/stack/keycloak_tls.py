"""Keycloak's own HTTPS listener with client certificates requested, for the realm's "X509
certificate" client (client-x509, RFC 8705 tls_client_auth).

The stack's Keycloak serves plain HTTP as before, and in addition HTTPS on a port of its own, with
a server certificate from a test CA made here with openssl at start (never committed), and
`--https-client-auth=request`: a client may present a certificate signed by the same CA, and
the X509 client authenticator maps its subject to the client. The options are run-time ones, so
the cached augmented build stays valid.

Exports HAZY_TEST_KEYCLOAK_HTTPS_URL, HAZY_TEST_KEYCLOAK_CA (the CA to trust),
HAZY_TEST_X509_CLIENT_ID with HAZY_TEST_X509_CLIENT_CERT/_KEY (subject CN=api-x509), and
HAZY_TEST_X509_OTHER_CERT/_KEY (same CA, another subject: Keycloak must refuse it).
"""
import secrets
import shutil
import subprocess
from pathlib import Path

X509_CLIENT_ID = "api-x509"


class KeycloakTlsError(RuntimeError):
    pass


def _run(argv):
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        raise KeycloakTlsError(f"{' '.join(argv[:3])} ... failed ({done.returncode}): {done.stderr.strip()[:500]}")


def _ec_key_and_csr(directory: Path, name: str, subject: str):
    key, csr = directory / f"{name}.key", directory / f"{name}.csr"
    _run(["openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", str(key), "-out", str(csr), "-subj", subject])
    return key, csr


def _sign(directory: Path, ca, name: str, csr: Path, extensions: list):
    ext, cert = directory / f"{name}.ext", directory / f"{name}.crt"
    ext.write_text("\n".join(extensions) + "\n")
    _run(["openssl", "x509", "-req", "-in", str(csr), "-CA", str(ca[1]), "-CAkey", str(ca[0]), "-CAcreateserial",
          "-out", str(cert), "-days", "2", "-extfile", str(ext)])
    return cert


def set_up(directory: Path, java_home: Path, port: int):
    """Makes the CA, Keycloak's server certificate, the client certificates and the trust store.
    Returns (extra kc.sh arguments, HAZY_TEST_* variables without the URL's path)."""
    if not shutil.which("openssl"):
        raise KeycloakTlsError("openssl is missing: run `make deps`")
    directory.mkdir(parents=True, exist_ok=True)
    ca_key, ca_cert = directory / "ca.key", directory / "ca.crt"
    _run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
          "-keyout", str(ca_key), "-out", str(ca_cert), "-days", "2", "-subj", "/CN=libhazy test Keycloak CA",
          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
    ca = (ca_key, ca_cert)
    leaf = ["basicConstraints=critical,CA:FALSE", "keyUsage=critical,digitalSignature"]
    server_key, csr = _ec_key_and_csr(directory, "keycloak", "/CN=127.0.0.1")
    server_cert = _sign(directory, ca, "keycloak", csr,
                        leaf + ["extendedKeyUsage=serverAuth", "subjectAltName=IP:127.0.0.1,DNS:localhost"])
    clients = {}
    for role, cn in (("X509_CLIENT", X509_CLIENT_ID), ("X509_OTHER", "not-a-hazy-client")):
        key, csr = _ec_key_and_csr(directory, cn, f"/CN={cn}")
        cert = _sign(directory, ca, cn, csr, leaf + ["extendedKeyUsage=clientAuth"])
        clients[role] = (cert, key)
    # Keycloak verifies client certificates against a Java trust store holding the test CA. Its
    # password only protects the store's integrity; a fresh one per run. Hex, not urlsafe base64:
    # Keycloak 21 took a password that began with '-' for a missing value and refused to start.
    store, password = directory / "client-ca.p12", secrets.token_hex(16)
    _run([str(java_home / "bin" / "keytool"), "-importcert", "-noprompt", "-alias", "hazy-test-client-ca",
          "-file", str(ca_cert), "-keystore", str(store), "-storetype", "PKCS12", "-storepass", password])
    argv = [f"--https-port={port}", f"--https-certificate-file={server_cert}",
            f"--https-certificate-key-file={server_key}", "--https-client-auth=request",
            f"--https-trust-store-file={store}", f"--https-trust-store-password={password}",
            "--https-trust-store-type=PKCS12"]
    env = {"HAZY_TEST_KEYCLOAK_CA": str(ca_cert), "HAZY_TEST_X509_CLIENT_ID": X509_CLIENT_ID}
    for role, (cert, key) in clients.items():
        env[f"HAZY_TEST_{role}_CERT"], env[f"HAZY_TEST_{role}_KEY"] = str(cert), str(key)
    return argv, env
