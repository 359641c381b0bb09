"""Test support for the geocoder: a real HTTP server on 127.0.0.1 speaking BAN's or Nominatim's protocol."""

from __future__ import annotations

import csv
import functools
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from territoires import PROJECT_DIR
from territoires.dataset import GEOCODED_PATH, LAUREATES_PATH

# What the output file held before a run that must leave it alone.
PREVIOUS_OUTPUT = b"region,town\nprevious,output\n"


@dataclass(frozen=True)
class Reply:
    body: Any = None  # str/bytes sent as is, anything else as JSON; None: the place's real answer
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    at: float  # time.monotonic() when the server received it
    path: str
    params: dict[str, str]
    user_agent: str


def _known_places() -> dict[str, dict[str, str]]:
    with GEOCODED_PATH.open(encoding="utf-8", newline="") as file:
        return {row["place"]: row for row in csv.DictReader(file)}


def ban_answer(label: str, citycode: str, lat: float, lon: float) -> dict[str, Any]:
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
        "properties": {"label": label, "citycode": citycode, "type": "municipality", "score": 0.97},
    }
    return {"type": "FeatureCollection", "features": [feature]}


def nominatim_answer(display_name: str, lat: float, lon: float) -> list[dict[str, Any]]:
    return [{"place_id": 1, "lat": str(lat), "lon": str(lon), "display_name": display_name}]


class FakeService:
    """Answers each place with its scripted replies in turn (the last one repeats), else correctly."""

    def __init__(self, protocol: str) -> None:
        self.protocol = protocol
        self.requests: list[Request] = []
        self.scripts: dict[str, list[Reply]] = {}
        self.on_request: Callable[[int], None] | None = None  # called with the request count
        self.known = _known_places()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.domain = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)

    def script(self, place: str, *replies: Reply) -> None:
        self.scripts[place] = list(replies)

    def requested_places(self) -> list[str]:
        key = "q" if self.protocol == "ban" else "city"
        return [r.params[key] for r in self.requests]

    def good_body(self, place: str) -> Any:
        row = self.known[place]
        lat, lon = float(row["latitude"]), float(row["longitude"])
        if self.protocol == "ban":
            return ban_answer(place, row["insee_code"], lat, lon)
        return nominatim_answer(f"{place}, {row['region']}, France", lat, lon)

    def _reply(self, place: str) -> Reply:
        replies = self.scripts.get(place)
        if not replies:
            return Reply()
        return replies.pop(0) if len(replies) > 1 else replies[0]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                params = dict(parse_qsl(url.query))
                service.requests.append(
                    Request(time.monotonic(), url.path, params, self.headers.get("User-Agent", ""))
                )
                if service.on_request:
                    service.on_request(len(service.requests))
                place = params.get("q") or params.get("city") or ""
                reply = service._reply(place)
                time.sleep(reply.delay)
                body = service.good_body(place) if reply.body is None else reply.body
                data = body if isinstance(body, bytes) else str(body).encode()
                if not isinstance(body, str | bytes):
                    data = json.dumps(body).encode()
                try:
                    self.send_response(reply.status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    for name, value in reply.headers.items():
                        self.send_header(name, value)
                    self.end_headers()
                    self.wfile.write(data)
                except OSError:  # the client gave up (timeout test)
                    pass

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler


@contextmanager
def running(protocol: str) -> Iterator[FakeService]:
    fake = FakeService(protocol)
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()


@pytest.fixture(params=["ban", "nominatim"])
def service(request: pytest.FixtureRequest) -> Iterator[FakeService]:
    """The fake service of each online provider in turn."""
    with running(request.param) as fake:
        yield fake


@pytest.fixture
def ban_service() -> Iterator[FakeService]:
    with running("ban") as fake:
        yield fake


def write_subset(path: Path, towns: list[str]) -> Path:
    """A laureates file holding only these towns (original lines, original order)."""
    lines = LAUREATES_PATH.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines[1:] if next(csv.reader([line]))[3] in towns]
    assert len(kept) == len(towns)
    path.write_text(lines[0] + "".join(kept), encoding="utf-8")
    return path


def online_args(service: FakeService, tmp_path: Path, *extra: str) -> list[str]:
    """Command-line arguments pointing the provider at the fake service, fast retries, tmp files."""
    return [
        "--provider",
        service.protocol,
        "--domain",
        service.domain,
        "--scheme",
        "http",
        "--output",
        str(tmp_path / "out.csv"),
        "--cache",
        str(tmp_path / "cache.json"),
        "--backoff",
        "0.01",
        "--timeout",
        "2",
        *extra,
    ]


def signalled_mid_run(service: FakeService, args: list[str], sig: signal.Signals) -> tuple[int, str]:
    """`python -m geocode args` sent `sig` while the service handles its third request: the exit code
    and what it wrote to stderr. After a SIGKILL the handler waits for the process to be gone, so that
    no answer reaches it."""
    started: list[subprocess.Popen[str]] = []

    def signal_during_the_third_request(count: int) -> None:
        if count == 3:
            started[0].send_signal(sig)
            if sig is signal.SIGKILL:
                started[0].wait(timeout=30)

    service.on_request = signal_during_the_third_request
    process = subprocess.Popen(
        [sys.executable, "-m", "geocode", *args],
        cwd=PROJECT_DIR,
        stderr=subprocess.PIPE,
        text=True,
        # As from a terminal: a shell's background job inherits SIGINT ignored, and Python then never
        # raises KeyboardInterrupt (a CI launched with `&` failed so).
        preexec_fn=functools.partial(signal.signal, signal.SIGINT, signal.SIG_DFL),
    )
    started.append(process)
    try:
        _, err = process.communicate(timeout=60)
    finally:
        service.on_request = None
    return process.returncode, err
