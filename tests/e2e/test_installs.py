"""The app as others install it: Community Cloud's start from requirements.txt alone, and a read-only
checkout prepared at install time (`python -m carte.publish`).

Both run a copy of the repository as a push would carry it (tracked and untracked files, not the
ignored ones: no .venv, no static/leaflet, no static/generated) with a virtual environment made
from requirements.txt only, outside the copy, as Community Cloud makes it (it installs with uv).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.e2e.conftest import DATASET, guarded_page
from tests.e2e.harness import (
    PROJECT_DIR,
    start_streamlit,
    stop_streamlit,
    wait_for_markers,
)
from tests.e2e.test_dashboard_browser import wait_for_whole_page
from tests.e2e.test_hosting import failed_responses, the_shared_link_works

pytestmark = pytest.mark.e2e

UV = Path(sys.executable).with_name("uv")  # installed in .venv by the Makefile
# The base interpreter, not .venv's: the new environment must owe nothing to the project's.
BASE_PYTHON = Path(sys.base_prefix) / "bin" / f"python{sys.version_info.major}.{sys.version_info.minor}"
# Run as root, the app sees its copy through a read-only bind mount in a mount namespace of its own;
# otherwise the copy loses its write permissions.
READ_ONLY_MOUNT = (
    "unshare", "--mount", "--propagation", "private", "sh", "-c",
    'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" "$0" && cd "$0" && exec "$@"',
)  # fmt: skip


def checkout_copy(target: Path) -> Path:
    """The files of the repository that a push would carry, copied into `target`."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=PROJECT_DIR,
        capture_output=True,
        check=True,
    ).stdout.decode()
    for name in filter(None, listed.split("\0")):
        source = PROJECT_DIR / name
        if source.is_file():  # a tracked file deleted in the work tree is not pushed
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


@pytest.fixture(scope="module")
def workdir() -> Iterator[Path]:
    root = Path(tempfile.mkdtemp(prefix="carte-install-"))
    try:
        yield root
    finally:
        for path in root.rglob("*"):  # a read-only copy must become writable again to be removed
            if not path.is_symlink():
                path.chmod(path.stat().st_mode | stat.S_IWUSR)
        shutil.rmtree(root)


@pytest.fixture(scope="module")
def cloud_python(workdir: Path) -> Path:
    """A virtual environment with requirements.txt installed, and nothing else."""
    venv = workdir / "venv"
    subprocess.run([UV, "venv", "--quiet", "--python", BASE_PYTHON, venv], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [UV, "pip", "install", "--quiet", "--python", python, "-r", PROJECT_DIR / "requirements.txt"],
        check=True,
    )
    return python


def test_community_cloud_start_from_requirements_alone(
    browser: Browser, cloud_python: Path, workdir: Path
) -> None:
    copy = checkout_copy(workdir / "cloud")
    assert not (copy / ".venv").exists()
    assert not (copy / "static" / "leaflet").exists()
    # Community Cloud runs `streamlit run dashboard.py` from the repository's root.
    server = start_streamlit(Path("dashboard.py"), cwd=copy, python=cloud_python, timeout_s=90)
    try:
        errors: list[str] = []
        with guarded_page(browser, server, errors) as page:
            failed = failed_responses(page)
            page.goto(f"{server.url}/")
            wait_for_markers(page, 55, timeout_s=60)
            wait_for_whole_page(page, timeout_s=60)
            assert failed == [], failed
        log = server.log_tail()
        assert "Traceback" not in log, log
    finally:
        stop_streamlit(server)
    assert (copy / "static" / "leaflet" / "leaflet.js").is_file()  # written at start-up, as intended


def read_only(copy: Path) -> tuple[str, ...]:
    """Makes `copy` read-only for the server: the wrapper for `start_streamlit`."""
    if os.geteuid() == 0:
        return (*READ_ONLY_MOUNT, str(copy))
    for path in [copy, *copy.rglob("*")]:
        path.chmod(path.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
    return ()


def test_a_read_only_checkout_prepared_at_install_runs(
    browser: Browser, cloud_python: Path, workdir: Path, tmp_path: Path
) -> None:
    copy = checkout_copy(workdir / "read-only")
    env = {"CARTE_LAUREATES_CSV": str(copy / DATASET.relative_to(PROJECT_DIR))}
    subprocess.run([cloud_python, "-m", "carte.publish"], cwd=copy, env={**os.environ, **env}, check=True)
    before = sorted(
        str(path.relative_to(copy)) for path in copy.rglob("*") if "__pycache__" not in path.parts
    )
    server = start_streamlit(
        copy / "dashboard.py", cwd=copy, env=env, python=cloud_python, timeout_s=90, wrapper=read_only(copy)
    )
    try:
        errors: list[str] = []
        with guarded_page(browser, server, errors) as page:
            the_shared_link_works(page, server.url, tmp_path)
        log = server.log_tail()
        assert "Traceback" not in log, log
    finally:
        stop_streamlit(server)
    after = sorted(str(path.relative_to(copy)) for path in copy.rglob("*") if "__pycache__" not in path.parts)
    assert after == before


def test_a_read_only_checkout_not_prepared_says_what_to_run(
    browser: Browser, cloud_python: Path, workdir: Path
) -> None:
    copy = checkout_copy(workdir / "read-only-unprepared")
    server = start_streamlit(
        copy / "dashboard.py", cwd=copy, python=cloud_python, timeout_s=90, wrapper=read_only(copy)
    )
    try:
        errors: list[str] = []
        with guarded_page(browser, server, errors) as page:
            page.goto(f"{server.url}/")
            notice = page.get_by_test_id("stAlert").filter(has_text="La carte ne peut pas être affichée")
            expect(notice).to_contain_text("python -m carte.publish", timeout=60_000)
            expect(notice).not_to_contain_text(str(copy))  # the visitor is not told the server's paths
            expect(
                page.get_by_text("villes lauréates").first
            ).to_be_visible()  # the rest of the page is there
        log = server.log_tail()
        assert "Traceback" not in log, log
    finally:
        stop_streamlit(server)
