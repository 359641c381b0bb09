from __future__ import annotations

import pandas as pd
import pytest

from territoires.dataset import read_geocoded


@pytest.fixture(scope="session")
def laureates() -> pd.DataFrame:
    return read_geocoded()
