"""The load generator still works: `python -m bench.capacity --quick` against a real server, then two
behind a real nginx, small and bounded, every page's counts checked; a page whose counts are wrong is an
error, not a pass; and when a replica is killed (SIGKILL) mid-load, its viewers reconnect to the other.

Never asserts a duration: the figures depend on the machine; only their presence is checked.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
from collections import defaultdict
from functools import partial
from pathlib import Path

import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from bench.capacity import (
    QUICK_VIEWERS,
    CapacityError,
    Kill,
    MessageCache,
    Truth,
    ViewerError,
    client_address,
    deployment,
    loopback_url,
    parse_args,
    run_stage,
    warm_up,
)
from bench.servers import ENV
from tests.e2e.harness import PROJECT_DIR, streamlit_server, wait_until

# One worker with the other benchmarks: they would share each other's cores.
pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("bench")]

SUMMARY = re.compile(r"^capacity: (\d+) viewers, p95 (\d+) ms, (\d+) errors, (\d+) replicas$", re.M)


@pytest.mark.timeout(300)
def test_the_quick_load_on_one_replica_then_two_serves_every_change_with_the_right_counts(
    tmp_path: Path,
) -> None:
    output = tmp_path / "capacity.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.capacity", "--quick", "--output", str(output)],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    summaries = [
        (int(n), int(errors), int(replicas)) for n, _, errors, replicas in SUMMARY.findall(done.stdout)
    ]
    assert summaries == [(QUICK_VIEWERS, 0, 1), (QUICK_VIEWERS, 0, 2)], done.stdout
    stages = json.loads(output.read_text(encoding="utf-8"))["stages"]
    assert [stage["replicas"] for stage in stages] == [1, 2]
    for stage in stages:
        assert stage["errors"] == []
        assert stage["opened"] == stage["held"] == QUICK_VIEWERS
        assert stage["changes"] >= QUICK_VIEWERS  # one change at least per viewer
        assert stage["checked"] == stage["runs"]  # every run's counts: first screens, whole pages, changes
        assert stage["first_screens"] == stage["opened"]  # each page's map asked for the rest, once
        assert stage["runs"] == 2 * stage["opened"] + stage["changes"]
        for figure in ("changes_per_s", "change_p50_ms", "change_p95_ms", "load_p50_ms", "cpu_percent"):
            assert stage[figure] is not None, figure
            assert stage[figure] > 0, figure
        assert stage["rss_peak_kb"] > 0
        assert stage["rss_per_session_kb"] is not None
    assert stages[0]["per_replica"] is None  # served directly
    assert sum(stages[1]["per_replica"].values()) == QUICK_VIEWERS  # every page through nginx


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
@pytest.mark.parametrize("replicas", [2, 4])
def test_behind_nginx_each_viewer_stays_on_one_replica(replicas: int) -> None:
    viewers = 8
    with deployment(replicas) as deployed:
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
    assert len(set().union(*backends.values())) == replicas  # and the viewers spread over all


def _page_backends(logged: list[tuple[str, str, str]]) -> dict[str, str]:
    return {client: backend for client, backend, request in logged if request.split()[1] == "/carte/"}


def _socket_backends(logged: list[tuple[str, str, str]]) -> dict[str, list[str]]:
    """Each client's websockets, in the order they closed: the backend that served each."""
    found: dict[str, list[str]] = defaultdict(list)
    for client, backend, request in logged:
        if request.split()[1] == "/carte/_stcore/stream":
            found[client].append(backend)
    return found


@pytest.mark.timeout(300)
def test_a_replica_killed_mid_load_its_viewers_reconnect_to_the_other_and_see_their_urls_view() -> None:
    viewers, duration_s, kill_after_s = 6, 14.0, 7.0  # the pages all open before the kill
    truth = Truth.read()
    clients = {client_address(number) for number in range(viewers)}
    with deployment(2) as deployed:
        assert deployed.proxy is not None
        proxy = deployed.proxy
        for backend in deployed.backends:
            warm_up(backend, truth)
        kill = Kill(kill_after_s, partial(deployed.kill_busiest, len(proxy.upstreams()), clients))
        stage = run_stage(deployed.url, viewers, duration_s, truth=truth, kill=kill)
        wait_until(
            lambda: (
                sum(map(len, _socket_backends(proxy.upstreams()).values())) >= viewers + stage.reconnections
            ),
            what="every websocket in nginx's log",
        )
        logged = proxy.upstreams()
        ended = {f"127.0.0.1:{server.port}": server.process.poll() for server in deployed.servers}
    assert stage.errors == []
    assert stage.opened == stage.held == viewers
    # The replica named was killed by SIGKILL; the other one still runs.
    assert stage.killed in ended
    (survivor,) = ended.keys() - {stage.killed}
    assert ended == {stage.killed: -signal.SIGKILL, survivor: None}
    pages = _page_backends(logged)
    on_killed = {client for client in clients if pages[client] == stage.killed}
    assert on_killed  # the busiest replica held viewers
    # Each of its viewers reconnected once, through nginx, to the other replica, and its page there
    # showed the counts of its URL's view (every run is checked: a wrong page is an error above).
    assert stage.reconnections == stage.reconnected_right == len(on_killed)
    sockets = _socket_backends(logged)
    for client in clients:
        wanted = [stage.killed, survivor] if client in on_killed else [survivor]
        assert sockets[client] == wanted, (client, sockets[client])
    assert stage.checked == stage.runs  # every run's counts, in either session
    # Each new session, opened or reconnected, drew its first screen, then the whole page its map asked for.
    assert stage.first_screens == stage.opened + stage.reconnections


def test_bad_options_get_a_clear_french_message(capsys: pytest.CaptureFixture[str]) -> None:
    for argv, said in (
        (["--quick", "--replicas", "2"], "--quick démarre une réplique puis deux"),
        (["--kill-replica-after", "3"], "avec --replicas 2 ou plus"),
        (["--replicas", "2", "--viewers", "4", "--duration", "10", "--kill-replica-after", "12"], "entre 0 et --duration"),
        (["--replicas", "2", "--viewers", "4", "8", "--kill-replica-after", "3"], "un seul nombre de --viewers"),
    ):  # fmt: skip
        with pytest.raises(SystemExit) as stopped:
            parse_args(argv)
        assert stopped.value.code == 2
        assert said in capsys.readouterr().err, argv


def test_only_loopback_addresses_are_targets() -> None:
    assert loopback_url("http://127.0.0.1:8501/") == "http://127.0.0.1:8501"
    assert loopback_url("http://127.3.4.5:8501") == "http://127.3.4.5:8501"
    for url in ("http://10.0.0.1:8501", "http://[::1]:8501", "https://127.0.0.1", "ftp://127.0.0.1"):
        with pytest.raises(CapacityError):
            loopback_url(url)


def test_the_viewers_cache_drops_what_the_browser_drops() -> None:
    """A message unused over the server's `max_age` runs is dropped and no longer reported; a
    reference reads the message it names and keeps it; a reference to an unknown hash is an error."""

    def cacheable(hash_: str) -> ForwardMsg:
        msg = ForwardMsg(hash=hash_)
        msg.metadata.cacheable = True
        return msg

    cache = MessageCache()
    cache.max_age = 2
    assert cache.read(ForwardMsg(hash="small")) == ForwardMsg(hash="small")  # not cacheable: not kept
    cache.read(cacheable("map"))
    cache.read(cacheable("table"))
    cache.run_finished()
    cache.run_finished()
    assert cache.hashes() == ["map", "table"]
    assert cache.read(ForwardMsg(ref_hash="map")) == cacheable("map")
    cache.run_finished()
    assert cache.hashes() == ["map"]  # the table unused over 3 runs, the map used in the second
    cache.run_finished()
    cache.run_finished()
    assert cache.hashes() == []
    with pytest.raises(ViewerError, match="jamais reçu"):
        cache.read(ForwardMsg(ref_hash="map"))
