"""The files other tools read agree with pyproject.toml, the one source of truth."""

from __future__ import annotations

import tomllib

from territoires import PROJECT_DIR


def requirement_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_community_cloud_requirements_are_pyproject_dependencies() -> None:
    project = tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = requirement_lines((PROJECT_DIR / "requirements.txt").read_text(encoding="utf-8"))
    assert requirements == project["dependencies"]


def test_streamlit_config_serves_leaflet_and_keeps_statistics_off() -> None:
    config = tomllib.loads((PROJECT_DIR / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["server"]["enableStaticServing"] is True
    assert config["server"]["enableXsrfProtection"] is True
    assert config["browser"]["gatherUsageStats"] is False
