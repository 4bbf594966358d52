"""Fixtures of the `hazy` command-line suite (helpers in hazycli.py)."""
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hazycli import EXIT, HAZY, REQUIRED_ENV, TRAINING_CONFIG, Sim, hazy, stackenv  # noqa: E402


def pytest_configure(config):
    stackenv.require(REQUIRED_ENV, "the CLI suite", "test-cli")
    if not HAZY.exists():
        raise pytest.UsageError(f"{HAZY} is missing: run `make build` first")


@pytest.fixture(scope="session")
def sim():
    return Sim()


@pytest.fixture
def project():
    """A project id no other test (or suite sharing the simulator) uses."""
    return f"cli-{uuid.uuid4()}"


@pytest.fixture(scope="session")
def trained_model():
    """(project, model id) of one model trained through the CLI."""
    project = f"cli-{uuid.uuid4()}"
    run = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    assert run.rc == EXIT["success"], run.err
    job = run.json()
    assert job["state"] == "succeeded" and job["model_id"], job
    return project, job["model_id"]
