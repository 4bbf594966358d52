"""Secrets come only from the environment, a file or standard input, and never show in any
output (every run in this suite is also checked by hazycli.hazy)."""
import json
import re

from hazycli import EXIT, SECRETS, TRAINING_CONFIG, base_env, hazy


def env_without_secret():
    env = base_env()
    del env["HAZY_CLIENT_SECRET"]
    return env


def test_no_flag_takes_a_secret_value():
    help_text = hazy("--help", env={}).out
    flags = re.findall(r"^\s+(?:-\w, )?(--[a-z0-9-]+)", help_text, re.M)
    assert "--client-id" in flags and "--client-secret-file" in flags
    # --token-cache names the cache file (mode 0600), like the --*-file flags: no secret value.
    sensitive = [f for f in flags if re.search(r"secret|password|passphrase|token(?!-url|-cache)", f)]
    assert sensitive == ["--client-secret-file", "--password-file", "--access-token-file",
                         "--client-private-key-passphrase-file", "--client-key-passphrase-file",
                         "--client-cert-p12-passphrase-file", "--proxy-password-file"], sensitive


def test_secret_from_a_file_and_from_stdin(tmp_path):
    path = tmp_path / "secret"
    path.write_text(SECRETS["api"] + "\n")
    from_file = hazy("--json", "--client-secret-file", path, "auth", "check", env=env_without_secret())
    assert from_file.rc == EXIT["success"], from_file.err
    assert from_file.json()["client_id"] == "api"
    from_stdin = hazy("--json", "--client-secret-file", "-", "auth", "check", env=env_without_secret(),
                      input=SECRETS["api"] + "\n")
    assert from_stdin.rc == EXIT["success"], from_stdin.err
    # The file overrides the environment, as flags do.
    overridden = hazy("auth", "check", "--client-secret-file", path, env=base_env(secret="not-the-secret-123"))
    assert overridden.rc == EXIT["success"], overridden.err


def test_bad_secret_inputs_are_usage_errors(tmp_path):
    empty = tmp_path / "empty"
    empty.write_text("\n")
    run = hazy("--client-secret-file", empty, "auth", "check", env=env_without_secret())
    assert run.rc == EXIT["usage"] and "is empty" in run.err
    both = hazy("--client-secret-file", "-", "train", "--project", "p", "--config", "-",
                env=env_without_secret(), input=SECRETS["api"])
    assert both.rc == EXIT["usage"] and "standard input can carry only one thing" in both.err


def test_auth_check_never_prints_the_token():
    # The claims printed are the token's, yet no part of the token itself appears.
    run = hazy("--json", "auth", "check")
    assert run.rc == EXIT["success"]
    assert json.loads(run.out)["principal"] == "service-account-api"
    assert "eyJ" not in run.out + run.err


def test_train_with_secret_from_stdin_and_config_from_a_file(project):
    run = hazy("--json", "--client-secret-file", "-", "train", "--project", project, "--config", TRAINING_CONFIG,
               env=env_without_secret(), input=SECRETS["api"])
    assert run.rc == EXIT["success"], run.err
    assert run.json()["project_id"] == project
