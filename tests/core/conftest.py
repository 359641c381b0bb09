from __future__ import annotations

import pandas as pd
import pytest

from territoires.dataset import read_geocoded
from tests.recording import shared


@pytest.fixture(scope=shared)
def laureates() -> pd.DataFrame:
    return read_geocoded()
