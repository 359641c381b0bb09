"""Making mutmut's recording run see every test that relies on a function.

mutmut runs a mutant only against the tests that called its function during one recording run,
and it tells which test called what by the functions hit between a test's start and its
teardown. A module- or session-scoped fixture calls the project's code within the first test
that uses it, and a `functools.cache` within the first test that fills it: every later test that
relies on the same code would never be run against its mutants. So, during that run only, the
shared fixtures are made per test (`shared`) and the project's caches are emptied before each
test (tests/conftest.py). Outside it, nothing changes.

It relies on how mutmut tells that run apart: docs/internals.md, 15.
"""

from __future__ import annotations

import os
import sys
from typing import Literal

import pytest

PROJECT_PACKAGES = ("territoires", "geocode", "carte")


def recording() -> bool:
    return os.environ.get("MUTANT_UNDER_TEST") == "stats"


def shared(fixture_name: str, config: pytest.Config) -> Literal["function", "module"]:
    """The scope of a fixture that is costly and read-only: once per module, per test while
    mutmut records."""
    return "function" if recording() else "module"


def clear_project_caches() -> None:
    for name, module in list(sys.modules.items()):
        if module is None or name.split(".")[0] not in PROJECT_PACKAGES:
            continue
        for value in vars(module).values():
            if callable(getattr(value, "cache_clear", None)) and getattr(value, "__module__", None) == name:
                value.cache_clear()
