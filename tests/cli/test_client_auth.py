"""The `hazy` command with private_key_jwt and its HAZY_* variables (issue 14): HAZY_CLIENT_AUTH,
HAZY_CLIENT_PRIVATE_KEY, against the realm's Signed JWT client, whose key the test stack made
(tests/stack/signed_jwt.py)."""
import os

from hazycli import EXIT, base_env, hazy


def jwt_env(**extra):
    # Keycloak checks the assertion's audience against its own URL, so the command talks to it
    # directly rather than through the simulator's /auth proxy.
    return base_env(client=None, HAZY_AUTH_URL=os.environ["HAZY_TEST_KEYCLOAK_URL"],
                    HAZY_CLIENT_ID=os.environ["HAZY_TEST_JWT_CLIENT_ID"], HAZY_CLIENT_AUTH="private_key_jwt",
                    **extra)


def test_auth_check_with_a_signed_jwt():
    run = hazy("--json", "auth", "check", env=jwt_env(HAZY_CLIENT_PRIVATE_KEY=os.environ["HAZY_TEST_JWT_PRIVATE_KEY"]))
    assert run.rc == EXIT["success"], run.err
    info = run.json()
    assert info["client_id"] == os.environ["HAZY_TEST_JWT_CLIENT_ID"], info
    assert "hazy/TrainJob:create" in info["scopes"]


def test_a_missing_key_file_is_named_and_nothing_is_sent(tmp_path):
    missing = tmp_path / "no-such-key.pem"
    run = hazy("auth", "check", env=jwt_env(HAZY_CLIENT_PRIVATE_KEY=missing))
    assert run.rc == EXIT["usage"], (run.rc, run.err)
    assert "client_private_key" in run.err and str(missing) in run.err, run.err
