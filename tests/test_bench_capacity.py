"""The load generator still works: `python -m bench.capacity` against a real server, small and bounded,
every page's counts checked; and a page whose counts are wrong is an error, not a pass.

Never asserts a duration: the figures depend on the machine; only their presence is checked.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from bench.capacity import CapacityError, Truth, client_address, deployment, loopback_url, run_stage
from bench.servers import ENV
from tests.e2e.harness import PROJECT_DIR, streamlit_server, wait_until

# One worker with the other benchmarks: they would share each other's cores.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("bench")]

VIEWERS = 5


@pytest.mark.timeout(300)
def test_viewers_get_every_change_with_the_right_counts(tmp_path: Path) -> None:
    output = tmp_path / "capacity.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.capacity", "--viewers", str(VIEWERS), "--duration", "15", "--output", str(output)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert re.search(rf"^capacity: {VIEWERS} viewers, p95 \d+ ms, 0 errors, 1 replicas$", done.stdout, re.M)
    (stage,) = json.loads(output.read_text(encoding="utf-8"))["stages"]
    assert stage["errors"] == []
    assert stage["opened"] == stage["held"] == VIEWERS
    assert stage["changes"] >= VIEWERS  # one change at least per viewer
    assert stage["checked"] == stage["opened"] + stage["changes"]  # every load's and every change's counts
    for figure in ("changes_per_s", "change_p50_ms", "change_p95_ms", "load_p50_ms", "cpu_percent"):
        assert stage[figure] is not None, figure
        assert stage[figure] > 0, figure
    assert stage["rss_peak_kb"] > 0
    assert stage["rss_per_session_kb"] is not None


@pytest.mark.timeout(180)
def test_a_page_with_wrong_counts_is_an_error() -> None:
    truth = Truth.read()
    # A viewer that believes the data has one town fewer: every page the server sends is, for it, wrong.
    fewer = Truth(truth.laureates.iloc[1:], truth.options, truth.with_laureates)
    with streamlit_server(env=ENV) as server:
        stage = run_stage(server.url, 1, 0.0, truth=fewer)
    assert stage.checked == 1
    assert stage.opened == stage.held == 0
    assert len(stage.errors) == 1
    assert "décomptes faux" in stage.errors[0], stage.errors
    assert "(55, 55)" in stage.errors[0], stage.errors  # what the page showed


@pytest.mark.timeout(300)
def test_behind_nginx_each_viewer_stays_on_one_replica() -> None:
    viewers = 8
    with deployment(2) as deployed:
        assert deployed.proxy is not None
        proxy = deployed.proxy
        stage = run_stage(deployed.url, viewers, 0.0)
        # nginx logs a websocket once it is closed.
        wait_until(
            lambda: sum("/_stcore/stream" in request for _, _, request in proxy.upstreams()) >= viewers,
            what="every websocket in nginx's log",
        )
        logged = proxy.upstreams()
    assert stage.errors == []
    assert stage.opened == stage.held == viewers
    clients = {client_address(number) for number in range(viewers)}
    backends: dict[str, set[str]] = defaultdict(set)
    requests: dict[str, list[str]] = defaultdict(list)
    for client, backend, request in logged:
        if client in clients:
            backends[client].add(backend)
            requests[client].append(request.split()[1].split("?")[0])
    assert backends.keys() == clients
    # The page, the health check, the host config and the websocket: all to one process.
    for client, used in backends.items():
        assert len(used) == 1, (client, used, requests[client])
        assert sorted(requests[client]) == sorted(
            ["/carte/", "/carte/_stcore/health", "/carte/_stcore/host-config", "/carte/_stcore/stream"]
        ), requests[client]
    assert len(set().union(*backends.values())) == 2  # and the viewers spread over both


def test_only_loopback_addresses_are_targets() -> None:
    assert loopback_url("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert loopback_url("http://127.3.4.5:8501") == "http://127.3.4.5:8501"
    for url in ("http://10.0.0.1:8501", "http://[::1]:8501", "https://127.0.0.1", "ftp://127.0.0.1"):
        with pytest.raises(CapacityError):
            loopback_url(url)
