from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pytest

from territoires.dataset import read_geocoded
from tests.recording import shared


@pytest.fixture(scope=shared)
def laureates() -> pd.DataFrame:
    return read_geocoded()


@pytest.fixture
def no_system_tempdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's temporary folder made unusable (a file stands in its place): a write staged
    there, rather than beside its target, fails."""
    (tmp_path / "not-a-folder").write_text("", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "not-a-folder"))
