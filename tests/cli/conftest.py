"""Fixtures of the `hazy` command-line suite (helpers in hazycli.py)."""
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

from hazycli import EXIT, HAZY, REQUIRED_ENV, TRAINING_CONFIG, hazy, stackenv  # noqa: E402
from stack_fixtures import project_fixture, sim  # noqa: E402,F401  (fixtures: pytest finds them by name)


def pytest_configure(config):
    stackenv.require(REQUIRED_ENV, "the CLI suite", "test-cli")
    if not HAZY.exists():
        raise pytest.UsageError(f"{HAZY} is missing: run `make build` first")


project = project_fixture("cli")


@pytest.fixture(scope="session")
def trained_model():
    """(project, model id) of one model trained through the CLI."""
    project = f"cli-{uuid.uuid4()}"
    run = hazy("--json", "train", "--project", project, "--config", TRAINING_CONFIG, "--wait")
    assert run.rc == EXIT["success"], run.err
    job = run.json()
    assert job["state"] == "succeeded" and job["model_id"], job
    return project, job["model_id"]
