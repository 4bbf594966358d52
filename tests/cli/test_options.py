"""Each flag of issue 25's options (the credential command, key passphrases, PKCS#12, the
proxy) and each secret-file flag reaches libhazy as its option: the flag is given a value that
libhazy refuses, or reports in a way only that option can cause, and the error names the
option, and the path when there is one. What the options do is tested once, against the real
services, in tests/integration and tests/tls. Nothing is sent: the token endpoint is a closed
port, and every case fails before it would be used."""
import pytest

from hazycli import EXIT, base_env, hazy

# (flags, exit code name, fragments of the message); {m} is a directory that does not exist.
CASES = {
    "client-secret-file": (["--client-secret-file", "{m}/secret"], "usage", ["'client_secret_file'", "{m}/secret"]),
    "password-file": (["--username", "u", "--password-file", "{m}/password"], "usage",
                      ["'password_file'", "{m}/password"]),
    "access-token-file": (["--access-token-file", "{m}/token"], "usage", ["'access_token_file'", "{m}/token"]),
    # Split into words: the program is the first.
    "credential-command": (["--credential-command", "{m}/program --json"], "auth",
                           ["'credential_command'", "cannot start '{m}/program'"]),
    # Only a shell runs `exit 3`.
    "credential-command-shell": (["--credential-command", "exit 3", "--credential-command-shell"], "auth",
                                 ["'credential_command'", "exited with status 3"]),
    "credential-command-timeout": (["--credential-command", "sleep 5", "--credential-command-timeout", "100ms"],
                                   "retryable", ["within 100 ms", "credential_command_timeout_ms"]),
    "client-private-key-passphrase-file": (["--client-private-key-passphrase-file", "{m}/key-passphrase"], "usage",
                                           ["client_private_key_passphrase_file"]),
    "client-key-passphrase-file": (["--client-key-passphrase-file", "{m}/tls-passphrase"], "usage",
                                   ["'client_key_passphrase_file'"]),
    "client-cert-p12": (["--client-cert-p12", "{m}/client.p12"], "usage", ["'client_cert_p12'", "{m}/client.p12"]),
    "client-cert-p12-passphrase-file": (["--client-cert-p12-passphrase-file", "{m}/p12-passphrase"], "usage",
                                        ["'client_cert_p12_passphrase_file'"]),
    "proxy": (["--proxy", "ftp://proxy.example"], "usage", ["option 'proxy'"]),
    "no-proxy": (["--no-proxy", "localhost,.example.com"], "usage", ["'no_proxy' is set without 'proxy'"]),
    "proxy-username": (["--proxy", "http://127.0.0.1:1", "--proxy-username", "u"], "usage",
                       ["'proxy_username' is set without 'proxy_password_file'"]),
    # Read only if the user arrived too (else: "is set without 'proxy_username'").
    "proxy-password-file": (["--proxy", "http://127.0.0.1:1", "--proxy-username", "u",
                             "--proxy-password-file", "{m}/proxy-password"], "usage",
                            ["'proxy_password_file'", "{m}/proxy-password"]),
}


@pytest.mark.parametrize("name", CASES)
def test_the_flag_reaches_the_library_as_its_option(name, tmp_path):
    flags, code, fragments = CASES[name]
    missing = str(tmp_path / "missing")
    env = base_env(client=None, HAZY_CLIENT_ID="cli-options", HAZY_TOKEN_URL="http://127.0.0.1:1/token")
    run = hazy(*[f.format(m=missing) for f in flags], "auth", "check", env=env)
    assert run.rc == EXIT[code], (run.rc, run.err)
    for fragment in fragments:
        assert fragment.format(m=missing) in run.err, run.err


def test_flags_override_the_environments_secret_or_command(tmp_path):
    missing = tmp_path / "missing"
    env = base_env(client=None, HAZY_CLIENT_ID="cli-options", HAZY_TOKEN_URL="http://127.0.0.1:1/token")
    command = hazy("--credential-command", missing, "auth", "check", env=dict(env, HAZY_CLIENT_SECRET="s-123456"))
    assert command.rc == EXIT["auth"] and f"cannot start '{missing}'" in command.err, command.err
    secret_file = hazy("--client-secret-file", missing, "auth", "check", env=dict(env, HAZY_CREDENTIAL_COMMAND="x"))
    assert secret_file.rc == EXIT["usage"] and f"cannot read '{missing}'" in secret_file.err, secret_file.err
    # Files the library reads when it needs them cannot be standard input.
    stdin = hazy("--proxy", "http://127.0.0.1:1", "--proxy-username", "u", "--proxy-password-file", "-", "auth",
                 "check", env=env, input="password")
    assert stdin.rc == EXIT["usage"] and "--proxy-password-file: `-`" in stdin.err, stdin.err
