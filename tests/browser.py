"""The programs the tests drive: a headless Chromium, nginx for the proxy tests, and LibreOffice's
headless Calc, which opens the spreadsheet download as a person's LibreOffice would.

`python -m tests.browser` makes sure they are installed: Debian's chromium, nginx and
libreoffice-calc-nogui through apt-get where we run as root (Playwright's own Chromium download
elsewhere); otherwise it stops with what to install.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
NGINX = Path("/usr/sbin/nginx")
SOFFICE = Path("/usr/bin/soffice")
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


def _apt_install(packages: list[str]) -> bool:
    """Debian packages through apt-get, where we run as root; True when it ran and succeeded."""
    if not packages or os.geteuid() != 0 or not shutil.which("apt-get"):
        return False
    print(f"Installation de {', '.join(packages)} (Debian) pour les tests de bout en bout…", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=False, env=env)
    return (
        subprocess.run(["apt-get", "install", "-y", "-qq", *packages], check=False, env=env).returncode == 0
    )


def ensure_program(path: Path, package: str, needed_by: str) -> int:
    """0 when the Debian `package`'s program `path` is there; else says what to install, and 1."""
    if path.exists() or shutil.which(path.name):
        return 0
    print(
        f"{package} est nécessaire à {needed_by} : « sudo apt-get install {package} » (Debian, Ubuntu), "
        "puis relancez « make test ».",
        file=sys.stderr,
    )
    return 1


def ensure_browser() -> int:
    if DEBIAN_CHROMIUM.exists():
        return 0
    if _apt_install(["chromium"]) and DEBIAN_CHROMIUM.exists():
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


def ensure_tools() -> int:
    needed = (("chromium", DEBIAN_CHROMIUM), ("nginx", NGINX), ("libreoffice-calc-nogui", SOFFICE))
    _apt_install([name for name, path in needed if not path.exists()])
    return (
        ensure_browser()
        or ensure_program(NGINX, "nginx", "tests/e2e/test_hosting.py (le mandataire)")
        or ensure_program(SOFFICE, "libreoffice-calc-nogui", "tests/core/test_exports.py (le tableur)")
    )


if __name__ == "__main__":
    sys.exit(ensure_tools())
