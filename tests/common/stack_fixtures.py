"""The pytest fixtures every suite against the shared stack needs, imported into each suite's
conftest.py: `from stack_fixtures import sim, project_fixture` and `project = project_fixture("x")`."""
import uuid

import pytest

from stackenv import Sim


@pytest.fixture(scope="session")
def sim():
    """The simulator's /_sim/ admin API."""
    return Sim()


def project_fixture(prefix):
    """A `project` fixture: a project id no other test (or suite sharing the simulator) uses, so
    that the simulator's per-project stats count this test's requests only."""
    @pytest.fixture
    def project():
        return f"{prefix}-{uuid.uuid4()}"
    return project
