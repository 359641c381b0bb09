"""The map's browser code lives in carte/browser/, and Python only calls what it defines."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from carte.cache import (
    BROWSER_DIR,
    BROWSER_SCRIPTS,
    BROWSER_STYLES,
    PAGE_SCRIPTS,
    PAGE_STYLES,
    browser_bundle,
)
from territoires import PROJECT_DIR

PYTHON_PACKAGES = ("territoires", "carte", "geocode")
JS_FUNCTION = re.compile(r"\bfunction\s*\w*\s*\(|\)\s*=>|\bvar\s+\w+\s*=")


def test_every_browser_file_is_served_and_none_is_forgotten() -> None:
    bundled = set(BROWSER_SCRIPTS + BROWSER_STYLES + PAGE_SCRIPTS + PAGE_STYLES)
    assert bundled == {path.name for path in BROWSER_DIR.iterdir()}


@pytest.mark.parametrize("package", PYTHON_PACKAGES)
def test_no_python_file_holds_javascript(package: str) -> None:
    for path in (PROJECT_DIR / package).glob("*.py"):
        found = JS_FUNCTION.findall(path.read_text(encoding="utf-8"))
        assert not found, (path.name, found)


def called_functions() -> set[str]:
    """Every carte.<function> the Python side places on the map."""
    source = (PROJECT_DIR / "territoires" / "mapping.py").read_text(encoding="utf-8")
    return set(re.findall(r'Call\(\s*"(\w+)"', source))


def test_python_calls_only_functions_the_bundle_defines() -> None:
    defined = set(re.findall(r"carte\.(\w+) = function", browser_bundle(BROWSER_SCRIPTS)))
    called = called_functions()
    assert called == {
        "decorate",
        "regions",
        "fit",
        "frame",
        "watchPreviews",
        "showSelected",
        "showLaureates",
        "setPreviews",
        "askForPage",
    }
    assert called <= defined, called - defined


@pytest.mark.skipif(shutil.which("node") is None, reason="node absent; `make lint` runs eslint where it is")
def test_every_script_is_valid_javascript(tmp_path: Path) -> None:
    bundle = tmp_path / "carte.js"
    bundle.write_text(browser_bundle(BROWSER_SCRIPTS), encoding="utf-8")
    for path in [bundle, *(BROWSER_DIR / name for name in PAGE_SCRIPTS)]:
        done = subprocess.run(["node", "--check", str(path)], capture_output=True, text=True, check=False)
        assert done.returncode == 0, done.stderr
