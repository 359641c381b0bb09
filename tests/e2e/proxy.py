"""A real nginx in front of the app, configured by deploy/nginx-carte.conf, the README's own file."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.harness import PROJECT_DIR, free_port

DEPLOY_CONF = PROJECT_DIR / "deploy" / "nginx-carte.conf"
# The only two lines the tests change in the deploy file: where the backend is, where nginx listens.
BACKEND_LINE = "server 127.0.0.1:8501;"
LISTEN_LINE = "listen 8080;"
BASE_PATH = "carte"  # where the deploy file serves the app


@dataclass
class Proxy:
    process: subprocess.Popen[bytes]
    port: int
    folder: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def error_log(self) -> str:
        return (self.folder / "error.log").read_text(errors="replace")

    def upstreams(self) -> list[tuple[str, str, str]]:
        """Each request logged so far (a websocket once closed): client address, the backend that
        answered (the last one tried: nginx lists them all, « a, b », when one is down), request line."""
        lines = (self.folder / "access.log").read_text(errors="replace").splitlines()
        return [(words[0], words[-4], " ".join(words[-3:])) for words in (line.split(" ") for line in lines)]


def proxy_config(backend_ports: tuple[int, ...], listen_port: int) -> str:
    """The deploy file, with one `server` line per backend (replicas) and nginx's own port."""
    text = DEPLOY_CONF.read_text(encoding="utf-8")
    assert text.count(BACKEND_LINE) == 1, f"deploy file: one « {BACKEND_LINE} »"
    assert text.count(LISTEN_LINE) == 1, f"deploy file: one « {LISTEN_LINE} »"
    servers = "\n    ".join(f"server 127.0.0.1:{port};" for port in backend_ports)
    return text.replace(BACKEND_LINE, servers).replace(LISTEN_LINE, f"listen 127.0.0.1:{listen_port};")


def _main_config(folder: Path, site: Path) -> str:
    """What an nginx install's own nginx.conf gives: the http block that includes the site."""
    temp = " ".join(
        f"{kind}_temp_path {folder / kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    user = "user root;" if os.geteuid() == 0 else ""  # workers read the test's private folder
    return (
        f"{user} worker_processes 1; pid {folder / 'nginx.pid'};\n"
        "events { worker_connections 1024; }\n"
        "http { log_format upstreams '$remote_addr $upstream_addr $request';\n"
        f"  access_log {folder / 'access.log'} upstreams; {temp}\n"
        "  types { text/html html; application/javascript js; text/css css; image/png png; }\n"
        f"  include {site};\n}}\n"
    )


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


@contextlib.contextmanager
def nginx_proxy(*backend_ports: int, timeout_s: float = 30.0) -> Iterator[Proxy]:
    """nginx on a free loopback port in front of the backends, stopped by its PID afterwards."""
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    folder = Path(tempfile.mkdtemp(prefix="carte-nginx-"))
    port = free_port()
    site = folder / "carte.conf"
    site.write_text(proxy_config(backend_ports, port), encoding="utf-8")
    (folder / "nginx.conf").write_text(_main_config(folder, site), encoding="utf-8")
    process = subprocess.Popen(
        [
            nginx,
            "-p",
            str(folder),
            "-c",
            str(folder / "nginx.conf"),
            "-e",
            str(folder / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )
    proxy = Proxy(process, port, folder)
    try:
        deadline = time.monotonic() + timeout_s
        while not _answers(f"{proxy.url}/carte/_stcore/health"):
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    f"nginx did not serve the app's health check:\n{proxy.error_log()[-3000:]}"
                )
            time.sleep(0.1)
        yield proxy
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)
