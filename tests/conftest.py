from __future__ import annotations

import pytest

from tests.recording import clear_project_caches, recording


@pytest.fixture(autouse=True)
def _project_caches_emptied_while_mutmut_records() -> None:
    if recording():
        clear_project_caches()
