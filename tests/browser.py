"""The headless Chromium the end-to-end tests drive: where it is, how it starts, how to get it.

`python -m tests.browser` makes sure one is installed: Debian's chromium through apt-get where
we run as root, Playwright's own download elsewhere; otherwise it stops with what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium tries to reach Google at start-up, which
# this offline machine refuses; the tests must see no request leave 127.0.0.1.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_path() -> str | None:
    """Debian's chromium when present; None lets Playwright use its own download."""
    return str(DEBIAN_CHROMIUM) if DEBIAN_CHROMIUM.exists() else None


def _playwright_has_browser() -> bool:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            p.chromium.launch(args=list(CHROMIUM_ARGS)).close()
    except Error:
        return False
    return True


def ensure_browser() -> int:
    if DEBIAN_CHROMIUM.exists():
        return 0
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("Installation de chromium (Debian) pour les tests de bout en bout…", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
        done = subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=False, env=env)
        if done.returncode == 0 and DEBIAN_CHROMIUM.exists():
            return 0
    installed = subprocess.run([sys.executable, "-m", "playwright", "install", "chromium"], check=False)
    if installed.returncode == 0 and _playwright_has_browser():
        return 0
    print(
        "Aucun navigateur Chromium pour les tests de bout en bout. Installez-en un, puis relancez "
        "« make test » : « sudo apt-get install chromium » (Debian, Ubuntu) ou "
        "« .venv/bin/playwright install chromium ».",
        file=sys.stderr,
    )
    return 1


if __name__ == "__main__":
    sys.exit(ensure_browser())
