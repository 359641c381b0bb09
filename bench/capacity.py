"""How many viewers one Streamlit process holds: `python -m bench.capacity`, no browser.

Each viewer is a websocket client on /_stcore/stream speaking Streamlit's own protocol (the BackMsg and
ForwardMsg protobufs of the streamlit package) as the browser does: a first rerun request with the URL's
query string (some viewers open ?region=bretagne or ?zone=outre-mer); when that run's map asks for
the rest of the page (a session's first run, carte/page.py), the run the map's frame then asks for,
with the value streamlit-folium holds; then filter changes at a human pace, each one the widget
states the browser sends for the Régions list, the Territoire control or the search box, with the
widget ids and options of the run's own deltas, and the URL as the last run wrote it (the page reads
it again when it differs: Back and Forward). It reports the hashes of the messages it holds, kept
and dropped as the browser's cache does (MessageCache), so that the server sends references for
them, and reads a reference as the message it names. Every run's counts element (carte/page.py
counts_html) is compared with the counts territoires.filters gives on the committed data for the
view asked: a wrong or empty page is an error.

Stages of rising viewer counts (10, 25, 50, 100, 200…) run until the p95 of the server time per change
(from the rerun request sent to the end of its run received) passes 1 s, an error appears, or
--max-viewers is reached. Everything is bounded (viewers, duration of a stage, time to wait for a run)
and only loopback addresses (127.0.0.0/8) are accepted as targets.

--quick is the guard against rot that the tests run: a few viewers for a few seconds on one replica, then
on two behind nginx. --kill-replica-after S kills (SIGKILL) one of the replicas S seconds into the load:
its viewers' pages reconnect through nginx as the browser's do, to a process that knows nothing of them;
each reconnected page must show the counts of its URL's view (the app reads the URL again in a new
session, the widgets' state is lost).
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import ipaddress
import json
import os
import random
import re
import signal
import socket
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pandas as pd
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ButtonGroup_pb2 import ButtonGroup
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.MultiSelect_pb2 import MultiSelect
from streamlit.proto.TextInput_pb2 import TextInput
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake
from websockets.typing import Origin, Subprotocol

from bench.servers import DATASET, ENV
from territoires.dataset import read_geocoded
from territoires.files import write_atomically
from territoires.filters import (
    View,
    Zone,
    counts,
    ordered_codes,
    parse_query_params,
    per_region,
    region_option,
    select,
)
from territoires.mapping import RETURNED_OBJECT, asks_for_page
from tests.e2e.harness import ServerError, StreamlitServer, start_streamlit, stop_streamlit
from tests.e2e.proxy import BASE_PATH, Proxy, nginx_proxy

STAGES = (10, 25, 50, 100, 200, 400, 800, 1600)
MAX_VIEWERS = 3200  # the bound of --max-viewers itself
P95_LIMIT_MS = 1000.0
PACE_S = (2.0, 5.0)  # a viewer's wait between two changes, drawn uniformly
ARRIVALS_S = 10.0  # the viewers of a stage open their pages spread over this much time
RUN_TIMEOUT_S = 60.0  # a run not ended by then is an error
STAGE_S = (5.0, 600.0)  # bounds of --duration
OPENINGS = ("", "region=bretagne", "zone=outre-mer")  # the URL each viewer opens, in turn
SEARCHES = ("", "sa", "mont", "co", "ville", "zzz")  # typed in the search box ("zzz": nothing)
LOOPBACK = ipaddress.ip_network("127.0.0.0/8")
REPLICAS = (1, 2, 3, 4)
QUICK_VIEWERS, QUICK_DURATION_S, QUICK_REPLICAS = 4, STAGE_S[0], (1, 2)
# Asked for by the page before its websocket, and again to reconnect.
PINGS = ("/_stcore/health", "/_stcore/host-config")
PING_RETRY_S = 0.5
KEYS = ("regions", "zone", "q")  # the filter widgets' keys in carte/page.py
FIGURES = re.compile(r"<dd>(\d+) / (\d+)</dd>")  # in the counts element: « <dd>4 / 55</dd> »


class CapacityError(RuntimeError):
    """A setting the load generator refuses; the message says which and what to do."""


def loopback_url(url: str) -> str:
    """The URL without its trailing slash, if every address its host resolves to is in 127.0.0.0/8."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise CapacityError(f"--url {url!r} : une adresse http://127.x.y.z:port est attendue.")
    try:
        found = {str(info[4][0]) for info in socket.getaddrinfo(parts.hostname, parts.port or 80)}
    except OSError as err:
        raise CapacityError(f"--url {url!r} : l'hôte {parts.hostname!r} est introuvable ({err}).") from None
    outside = sorted(a for a in found if ipaddress.ip_address(a) not in LOOPBACK)
    if outside:
        raise CapacityError(
            f"--url {url!r} : {', '.join(outside)} n'est pas dans 127.0.0.0/8 ; "
            "la charge ne vise que cette machine."
        )
    return url.rstrip("/")


@dataclass(frozen=True)
class Truth:
    """The committed data, and the counts element each view must show."""

    laureates: pd.DataFrame
    options: dict[str, str]  # the Régions list's options as shown (« Bretagne (4) ») → region code
    with_laureates: set[str]

    @classmethod
    def read(cls) -> Truth:
        laureates = read_geocoded(DATASET)
        numbers = per_region(laureates)
        with_laureates = {code for code, n in numbers.items() if n}
        return cls(laureates, {region_option(code, numbers): code for code in with_laureates}, with_laureates)

    def opening_view(self, query_string: str) -> View:
        return parse_query_params(parse_qs(query_string), self.with_laureates, ()).view

    def counts_shown(self, view: View) -> list[tuple[int, int]]:
        """The counts element's figures, shown / total: laureates, metropolitan, overseas, regions."""
        part, whole = counts(select(self.laureates, view)), counts(self.laureates)
        return [
            (part.laureates, whole.laureates),
            (part.metropole, whole.metropole),
            (part.overseas, whole.overseas),
            (part.regions, whole.regions),
        ]


@dataclass
class Stage:
    viewers: int
    duration_s: float  # asked for, then as it lasted (the last changes end after it)
    opened: int = 0  # sessions whose first run ended with the right counts
    held: int = 0  # sessions still open, without error, at the stage's end
    load_ms: list[float] = field(default_factory=list)  # first rerun request to the whole page
    change_ms: list[float] = field(default_factory=list)
    runs: int = 0  # runs ended, whatever asked for them
    checked: int = 0  # runs whose counts element was compared
    first_screens: int = 0  # sessions' first runs whose map asked for the rest of the page
    errors: list[str] = field(default_factory=list)
    cpu_percent: float | None = None  # of one core, over the stage
    rss_idle_kb: int | None = None  # before the first stage, with no session
    rss_peak_kb: int | None = None
    replicas: int = 1
    per_replica: dict[str, int] | None = None  # behind nginx: the viewers whose page each replica served
    killed: str | None = None  # the replica killed during the stage, as nginx names it
    killed_at: float | None = None  # when (time.monotonic()): connections lost from then on reconnect
    reconnections: int = 0
    reconnected_right: int = 0  # reconnected pages whose first run showed the counts of their URL's view
    reconnect_ms: list[float] = field(default_factory=list)  # connection lost to the new websocket open

    @property
    def changes_per_s(self) -> float:
        return len(self.change_ms) / self.duration_s

    def percentile(self, q: int) -> float | None:
        if not self.change_ms:
            return None
        if len(self.change_ms) == 1:
            return self.change_ms[0]
        return statistics.quantiles(self.change_ms, n=100, method="inclusive")[q - 1]

    @property
    def rss_per_session_kb(self) -> float | None:
        if self.rss_peak_kb is None or self.rss_idle_kb is None:
            return None
        return (self.rss_peak_kb - self.rss_idle_kb) / self.viewers

    def summary(self) -> dict[str, object]:
        figures = asdict(self)
        del figures["load_ms"], figures["change_ms"], figures["reconnect_ms"], figures["killed_at"]
        return {
            **figures,
            "changes": len(self.change_ms),
            "changes_per_s": round(self.changes_per_s, 2),
            "change_p50_ms": self.percentile(50),
            "change_p95_ms": self.percentile(95),
            "load_p50_ms": statistics.median(self.load_ms) if self.load_ms else None,
            "rss_per_session_kb": self.rss_per_session_kb,
            "reconnect_p50_ms": statistics.median(self.reconnect_ms) if self.reconnect_ms else None,
        }


class ViewerError(Exception):
    """What went wrong for one viewer: a wrong page, an exception shown, a message it cannot follow."""


@dataclass
class Run:
    counts: list[str] = field(default_factory=list)  # the counts elements the run sent, as HTML
    problems: list[str] = field(default_factory=list)
    reconnected: bool = False  # the first run of a session the page reconnected to
    asks_for_page: bool = False  # its map asks for a run once drawn (territoires.mapping.selection_layer)


def _initial_state(element: Element) -> tuple[str, WidgetState] | None:
    """A filter widget's key and the state the browser holds for it once it is drawn."""
    kind = element.WhichOneof("type")
    if kind == "multiselect":
        widget: MultiSelect | ButtonGroup | TextInput = element.multiselect
    elif kind == "button_group":
        widget = element.button_group
    elif kind == "text_input":
        widget = element.text_input
    else:
        return None
    key = widget.id.rsplit("-", 1)[-1]  # Streamlit's ids end with the widget's key: "$$ID-<hash>-regions"
    if key not in KEYS:
        return None
    state = WidgetState(id=widget.id)
    if isinstance(widget, TextInput):
        state.string_value = widget.value if widget.set_value else widget.default
    else:
        state.string_array_value.SetInParent()  # set even when empty, as the browser sends it
        state.string_array_value.data.extend(widget.raw_values)
    return key, state


def client_address(number: int) -> str:
    """A loopback address of its own for each viewer (127.0.0.2, .3…): nginx's stickiness tells clients
    apart by address."""
    return str(LOOPBACK[number + 2])


def _get(url: str, source: str) -> int:
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.netloc, timeout=RUN_TIMEOUT_S, source_address=(source, 0))
    try:
        connection.request("GET", parts.path or "/")
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class MessageCache:
    """The cacheable messages a tab keeps, by hash, as Streamlit's frontend does (ForwardMsgCache): a
    message neither received again nor referenced over the last `max_age` finished runs is dropped.
    The server sends a reference for any hash the tab reports, so reporting every hash ever received
    would get references where a browser gets whole messages, and held them all: a map per change."""

    def __init__(self) -> None:
        self.messages: dict[str, tuple[ForwardMsg, int]] = {}  # hash → message, run it was last used in
        self.runs = 0  # runs finished
        self.max_age = 0  # the server's, from each new session (global.maxCachedMessageAge)

    def hashes(self) -> list[str]:
        return sorted(self.messages)

    def read(self, msg: ForwardMsg) -> ForwardMsg:
        """The message itself, a reference read as the message it names; either kept as used now."""
        if msg.WhichOneof("type") == "ref_hash":
            if msg.ref_hash not in self.messages:
                raise ViewerError(f"référence à un message jamais reçu ({msg.ref_hash})")
            msg = self.messages[msg.ref_hash][0]
        elif not (msg.metadata.cacheable and msg.hash):
            return msg
        self.messages[msg.hash] = (msg, self.runs)
        return msg

    def run_finished(self) -> None:
        self.runs += 1
        self.messages = {
            h: (m, used) for h, (m, used) in self.messages.items() if self.runs - used <= self.max_age
        }


class Viewer:
    """One browser tab, as its requests and its websocket show it to the server."""

    def __init__(self, number: int, url: str, truth: Truth, seed: int) -> None:
        self.number = number
        self.url = url
        self.truth = truth
        self.random = random.Random(seed * 100_003 + number)
        self.address = client_address(number)
        self.query_string = OPENINGS[number % len(OPENINGS)]  # then as each run writes it
        self.view = truth.opening_view(self.query_string)
        self.page_hash = ""
        self.session_id = ""  # the server's, asked for again on reconnecting, as the browser does
        self.socket: ClientConnection | None = None
        self.fresh = False  # reconnected to a process that knows nothing of the page: its next run is new
        self.cached = MessageCache()  # kept across reconnections, as the page keeps it
        self.widgets: dict[str, WidgetState] = {}  # by key: what the browser sends for each filter
        self.map_state: WidgetState | None = None  # the map's value, once its frame has sent one
        self.zones: dict[str, str] = {}  # the Territoire control's labels → Zone values

    def _rerun(self) -> bytes:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query_string
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.widgets.values())
        if self.map_state is not None:
            state.widget_states.widgets.append(self.map_state)
        state.cached_message_hashes.extend(self.cached.hashes())
        context = state.context_info
        context.timezone, context.timezone_offset, context.locale = "Europe/Paris", -60, "fr-FR"
        context.url, context.is_embedded, context.color_scheme = self.url + "/", False, "light"
        frame: bytes = msg.SerializeToString()
        return frame

    def _read_element(self, element: Element, run: Run) -> None:
        kind = element.WhichOneof("type")
        if kind == "html" and element.html.body.startswith('<dl class="counts">'):
            run.counts.append(element.html.body)
        elif kind == "exception":
            run.problems.append(f"exception dans la page : {element.exception.message}")
        elif kind == "component_instance" and asks_for_page(element.component_instance.json_args):
            run.asks_for_page = True
            # What the frame sends (carte/browser/regions.js): streamlit-folium's value, nothing clicked.
            self.map_state = WidgetState(
                id=element.component_instance.id, json_value=json.dumps({RETURNED_OBJECT: None})
            )
        elif found := _initial_state(element):
            key, state = found
            if kind == "multiselect" and set(element.multiselect.options) != self.truth.options.keys():
                run.problems.append(f"la liste Régions propose {list(element.multiselect.options)}")
            if kind == "button_group":
                labels = {option.content for option in element.button_group.options}
                self.zones = {zone.label: zone.value for zone in Zone if zone.label in labels}
            self.widgets.setdefault(key, state)  # once drawn, the browser's value is its own

    async def _run(self) -> tuple[float, Run]:
        """Sends a rerun request; returns the time to the end of the run begun after it, and that run."""
        assert self.socket is not None
        request = self._rerun()  # with the widgets' states the page holds, even in a new session
        reconnected, self.fresh = self.fresh, False
        if reconnected:  # the new session reads the URL again and draws the widgets anew
            self.view = self.truth.opening_view(self.query_string)
            self.widgets.clear()
            self.map_state = None
        await self.socket.send(request)
        sent = time.monotonic()
        run: Run | None = None
        async with asyncio.timeout(RUN_TIMEOUT_S):
            while True:
                frame = await self.socket.recv()
                if isinstance(frame, str):
                    raise ViewerError(f"trame texte inattendue : {frame[:80]!r}")
                msg = self.cached.read(ForwardMsg.FromString(frame))
                kind = msg.WhichOneof("type")
                if kind == "new_session":  # sent as each run begins
                    run = Run(reconnected=reconnected)
                    self.cached.max_age = msg.new_session.config.max_cached_message_age
                    self.page_hash = msg.new_session.page_script_hash
                    self.session_id = msg.new_session.initialize.session_id or self.session_id
                elif kind == "page_info_changed":  # the run wrote the URL: the browser's address bar follows
                    self.query_string = msg.page_info_changed.query_string
                elif run is not None and kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                    self._read_element(msg.delta.new_element, run)
                elif run is not None and kind == "script_finished":
                    if msg.script_finished == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                        run = None  # another run follows
                    else:
                        self.cached.run_finished()
                        if msg.script_finished != ForwardMsg.FINISHED_SUCCESSFULLY:
                            name = ForwardMsg.ScriptFinishedStatus.Name(msg.script_finished)
                            run.problems.append(f"run terminé par {name}")
                        return (time.monotonic() - sent) * 1000, run

    def _check(self, run: Run, stage: Stage) -> None:
        wanted = self.truth.counts_shown(self.view)
        stage.checked += 1
        after = "page reconnectée : " if run.reconnected else ""
        if run.problems:
            raise ViewerError(after + "; ".join(run.problems))
        shown = [[(int(a), int(b)) for a, b in FIGURES.findall(element)] for element in run.counts]
        if shown != [wanted]:
            raise ViewerError(
                f"{after}décomptes faux pour {self.view} : la page montre "
                f"{shown or 'aucun élément de décompte'}, attendu {wanted} (affichés / total)"
            )
        if run.reconnected:
            stage.reconnected_right += 1

    def _record(self, run: Run, stage: Stage, elapsed: float | None, times: list[float]) -> None:
        """A run checked; its time kept unless a reconnection came in between (None)."""
        self._check(run, stage)
        if elapsed is not None:
            times.append(elapsed)

    def _change(self) -> None:
        """One filter change, as a click in the list or the control, or typing in the box, sends it."""
        key = self.random.choice(KEYS)
        if key not in self.widgets:
            raise ViewerError(f"aucun widget « {key} » dans les éléments reçus")
        state = WidgetState(id=self.widgets[key].id)
        if key == "regions":  # one region added, or removed if it was there: the browser keeps click order
            labels = {code: label for label, code in self.truth.options.items()}
            code = self.random.choice(sorted(labels))
            chosen = [label for label in self.widgets[key].string_array_value.data if label != labels[code]]
            if code not in self.view.regions:
                chosen.append(labels[code])
            state.string_array_value.SetInParent()
            state.string_array_value.data.extend(chosen)
            self.view = replace(
                self.view, regions=ordered_codes(self.truth.options[label] for label in chosen)
            )
        elif key == "zone":
            label = self.random.choice(
                [z for z, value in self.zones.items() if value != self.view.zone.value]
            )
            state.string_array_value.data.append(label)
            self.view = replace(self.view, zone=Zone(self.zones[label]))
        else:
            query = self.random.choice([s for s in SEARCHES if s != self.view.query])
            state.string_value = query
            self.view = replace(self.view, query=query)
        self.widgets[key] = state

    async def _open_page(self) -> None:
        """What the browser asks for before its websocket, scripts and styles aside (they are cached)."""
        for path in (f"/?{self.query_string}", *PINGS):
            status = await asyncio.to_thread(_get, self.url + path, self.address)
            if status != 200:
                raise ViewerError(f"GET {path} : HTTP {status}")

    async def _connect(self) -> None:
        parts = urlsplit(self.url)
        # What Streamlit's frontend asks for; reconnecting, its session again (after an auth token, none here).
        tokens = ("PLACEHOLDER_AUTH_TOKEN", self.session_id) if self.session_id else ()
        self.socket = await connect(
            "ws" + self.url.removeprefix("http") + "/_stcore/stream",
            subprotocols=[Subprotocol(p) for p in ("streamlit", *tokens)],
            origin=Origin(f"{parts.scheme}://{parts.netloc}"),  # the page's own, as a browser sends it
            max_size=None,
            open_timeout=RUN_TIMEOUT_S,
            local_addr=(self.address, 0),
        )

    async def _answered(self) -> bool:
        for path in PINGS:
            try:
                if await asyncio.to_thread(_get, self.url + path, self.address) != 200:
                    return False
            except OSError:
                return False
        return True

    async def _reconnect(self, stage: Stage) -> None:
        """What the page does when its websocket closes: the health check and the host config asked for
        until both answer, then a new websocket (bounded by RUN_TIMEOUT_S). A process that does not know
        the session asked for opens a new one."""
        lost = time.monotonic()
        try:
            async with asyncio.timeout(RUN_TIMEOUT_S):
                while not await self._answered():
                    await asyncio.sleep(PING_RETRY_S)
                await self._connect()
        except TimeoutError:
            raise ViewerError(f"pas de reconnexion en {RUN_TIMEOUT_S:.0f} s") from None
        stage.reconnections += 1
        stage.reconnect_ms.append((time.monotonic() - lost) * 1000)
        self.fresh = True

    async def _served_once(self, stage: Stage) -> tuple[float, Run]:
        """A run asked for and ended. A connection lost after a replica's kill is reconnected, and the
        run asked for again at once, as the page does when it was running."""
        try:
            served = await self._run()
        except ConnectionClosed:
            if stage.killed_at is None:
                raise
            await self._reconnect(stage)
            served = await self._run()
        stage.runs += 1
        return served

    async def _served(self, stage: Stage) -> tuple[float | None, Run]:
        """A run asked for and ended, and after a session's first run (its first screen, checked too)
        the run its map asks for: the time to the whole page, None if a reconnection came in between,
        and the last run."""
        elapsed, run = await self._served_once(stage)
        timed = not run.reconnected
        while run.asks_for_page:  # again if a reconnection came in between
            stage.first_screens += 1
            self._check(run, stage)
            more, run = await self._served_once(stage)
            elapsed += more
            timed = timed and not run.reconnected
        return (elapsed if timed else None), run

    async def _pause(self, seconds: float, stage: Stage) -> None:
        """The wait before the next change. A connection lost meanwhile after a replica's kill is
        reconnected at once, without a run, as the idle page does; otherwise the next send fails."""
        assert self.socket is not None
        end = time.monotonic() + seconds
        try:
            async with asyncio.timeout(seconds):
                await self.socket.wait_closed()
        except TimeoutError:
            return
        if stage.killed_at is not None:
            await self._reconnect(stage)
        await asyncio.sleep(max(0.0, end - time.monotonic()))

    async def visit(self, stage: Stage, until: float) -> None:
        """Opens the page, makes one change, then more until `until` (time.monotonic()); errors go to
        `stage`."""
        try:
            await self._open_page()
            await self._connect()
            elapsed, run = await self._served(stage)
            self._record(run, stage, elapsed, stage.load_ms)
            stage.opened += 1
            pause = self.random.uniform(*PACE_S)
            while True:  # one change at least, then until the stage's end
                await self._pause(pause, stage)
                self._change()
                elapsed, run = await self._served(stage)
                self._record(run, stage, elapsed, stage.change_ms)
                pause = self.random.uniform(*PACE_S)
                if pause >= until - time.monotonic():
                    break
            stage.held += 1
        except ViewerError as err:
            stage.errors.append(f"spectateur {self.number} : {err}")
        except TimeoutError:
            stage.errors.append(f"spectateur {self.number} : run non terminé après {RUN_TIMEOUT_S:.0f} s")
        except (ConnectionClosed, InvalidHandshake, OSError) as err:
            stage.errors.append(f"spectateur {self.number} : connexion perdue ({type(err).__name__} : {err})")
        except Exception as err:  # any other failure is one viewer's error, not the end of the load
            stage.errors.append(f"spectateur {self.number} : exception {type(err).__name__} : {err}")
        finally:
            if self.socket is not None:
                await self.socket.close()


@dataclass
class Processes:
    """The server's processes (one per replica), read from /proc: CPU time and resident memory, summed."""

    pids: tuple[int, ...]

    def cpu_s(self) -> float:
        # /proc/<pid>/stat: the fields after the command's closing parenthesis; utime and stime are 14 and 15.
        ticks = 0
        for pid in self.pids:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def rss_kb(self) -> int:
        return sum(_rss_kb(pid) for pid in self.pids)


def _rss_kb(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text().splitlines()
    for line in status:
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    if "State:\tZ (zombie)" in status:  # a replica killed, not yet reaped: it holds no memory
        return 0
    raise RuntimeError(f"No VmRSS for process {pid}")


@dataclass(frozen=True)
class Kill:
    after_s: float  # into the stage
    replica: Callable[[], str]  # kills one replica, returns its name


async def _stage(url: str, truth: Truth, viewers: int, duration_s: float, seed: int, server: Processes | None, idle_kb: int | None, kill: Kill | None) -> Stage:  # fmt: skip
    stage = Stage(viewers, duration_s, rss_idle_kb=idle_kb)
    start = time.monotonic()
    until = start + duration_s
    spread = min(ARRIVALS_S, duration_s / 3)
    cpu_before = server.cpu_s() if server else 0.0

    async def arrive(number: int) -> None:
        await asyncio.sleep(spread * number / viewers)
        await Viewer(number, url, truth, seed).visit(stage, until)

    async def sample() -> None:
        while server:
            stage.rss_peak_kb = max(stage.rss_peak_kb or 0, server.rss_kb())
            await asyncio.sleep(0.5)

    async def kill_replica(kill: Kill) -> None:
        await asyncio.sleep(kill.after_s)
        stage.killed_at = time.monotonic()  # first: the killed replica's connections close at once
        stage.killed = kill.replica()

    sampler = asyncio.create_task(sample())
    killer = asyncio.create_task(kill_replica(kill)) if kill else None
    await asyncio.gather(*(arrive(number) for number in range(viewers)))
    sampler.cancel()
    if killer and kill:
        killer.cancel()
        if stage.killed is None:
            stage.errors.append(f"la charge a fini avant {kill.after_s:g} s : aucune réplique arrêtée")
    stage.duration_s = time.monotonic() - start
    if server:
        stage.cpu_percent = 100 * (server.cpu_s() - cpu_before) / stage.duration_s
    return stage


def run_stage(url: str, viewers: int, duration_s: float, *, seed: int = 19, truth: Truth | None = None, server: Processes | None = None, idle_kb: int | None = None, kill: Kill | None = None) -> Stage:  # fmt: skip
    """`viewers` viewers on the server at `url` (loopback only) for about `duration_s` seconds; the
    server's CPU and memory are read if its process is given, memory per session against `idle_kb`;
    a replica killed as `kill` says."""
    url, truth = loopback_url(url), truth or Truth.read()
    # In a thread of its own: the caller's thread may run an event loop already (Playwright's sync API does).
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(
            asyncio.run, _stage(url, truth, viewers, duration_s, seed, server, idle_kb, kill)
        ).result()


def warm_up(url: str, truth: Truth) -> None:
    """One page opened and closed: the process's first run reads the data and fills the caches that
    every session shares; that is not what a session costs."""
    stage = run_stage(url, 1, 0.0, truth=truth)
    if stage.errors:
        raise CapacityError(f"La première page ouverte sur {url} est fausse : {stage.errors[0]}")


def stages(max_viewers: int, only: Sequence[int] | None) -> list[int]:
    return [n for n in (only or STAGES) if n <= max_viewers]


def line(stage: Stage) -> str:
    p95 = stage.percentile(95)
    shown = "—" if p95 is None else f"{p95:.0f}"
    return (
        f"capacity: {stage.viewers} viewers, p95 {shown} ms, {len(stage.errors)} errors, "
        f"{stage.replicas} replicas"
    )


def failover_line(stage: Stage) -> str:
    return (
        f"failover: replica {stage.killed} killed, {stage.reconnections} reconnections, "
        f"{stage.reconnected_right} pages with their URL's counts"
    )


def table(results: Sequence[Stage]) -> str:
    def number(value: float | None, digits: int = 0) -> str:
        return "—" if value is None else f"{value:.{digits}f}"

    rows = [
        "| replicas | viewers | held | changes/s | p50 ms | p95 ms | load p50 ms | errors | CPU % | RSS MB | RSS/session MB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in results:
        peak = None if s.rss_peak_kb is None else s.rss_peak_kb / 1024
        per = None if s.rss_per_session_kb is None else s.rss_per_session_kb / 1024
        load = statistics.median(s.load_ms) if s.load_ms else None
        rows.append(
            f"| {s.replicas} | {s.viewers} | {s.held} | {s.changes_per_s:.1f} | {number(s.percentile(50))} | "
            f"{number(s.percentile(95))} | {number(load)} | {len(s.errors)} | {number(s.cpu_percent)} | "
            f"{number(peak)} | {number(per, 2)} |"
        )
    return "\n".join(rows)


@dataclass
class Deployment:
    url: str  # where the viewers go: the server, or nginx in front of the replicas
    backends: list[str]  # each process's own URL, to warm it up
    processes: Processes | None  # None for a server given by --url without --pid
    proxy: Proxy | None = None
    servers: list[StreamlitServer] = field(default_factory=list)  # those started here

    def alone(self) -> Deployment:
        """The first replica, served directly, without nginx."""
        server = self.servers[0]
        return Deployment(server.url, [server.url], Processes((server.process.pid,)), None, [server])

    def spread(self, logged: Sequence[tuple[str, str, str]], clients: set[str]) -> dict[str, int]:
        """The clients whose page each replica served, from nginx's log, by nginx's name for it."""
        found = {f"127.0.0.1:{server.port}": 0 for server in self.servers}
        for client, backend, request in logged:
            if client in clients and request.split()[1].split("?")[0] == f"/{BASE_PATH}/":
                found[backend] = found.get(backend, 0) + 1
        return found

    def kill_busiest(self, logged_before: int, clients: set[str]) -> str:
        """SIGKILL to the replica that served the most of `clients`' pages since line `logged_before`
        of nginx's log; returns its name."""
        assert self.proxy is not None
        found = self.spread(self.proxy.upstreams()[logged_before:], clients)
        name = max(found, key=lambda backend: found[backend])  # the first of the busiest
        server = next(server for server in self.servers if f"127.0.0.1:{server.port}" == name)
        os.kill(server.process.pid, signal.SIGKILL)  # reaped when the deployment stops
        return name


@contextmanager
def deployment(replicas: int, url: str | None = None, pid: int | None = None) -> Iterator[Deployment]:
    """The server given; or the dashboard started on a free loopback port; or `replicas` of it behind
    nginx configured by deploy/nginx-carte.conf, under its base path. Stopped by PID afterwards."""
    if url:
        yield Deployment(loopback_url(url), [loopback_url(url)], Processes((pid,)) if pid else None)
        return
    base_path = BASE_PATH if replicas > 1 else ""
    with ThreadPoolExecutor(replicas) as pool:  # their start-ups overlap
        futures = [
            pool.submit(start_streamlit, env=ENV, timeout_s=120, base_path=base_path) for _ in range(replicas)
        ]
    with ExitStack() as stack:
        servers: list[StreamlitServer] = []
        failed: list[ServerError] = []
        for future in futures:
            try:
                servers.append(future.result())
            except ServerError as err:
                failed.append(err)
            else:
                stack.callback(stop_streamlit, servers[-1])
        if failed:
            raise CapacityError(
                f"{len(failed)} des {replicas} serveurs Streamlit n'ont pas démarré : {failed[0]}"
            )
        processes = Processes(tuple(server.process.pid for server in servers))
        backends = [server.url for server in servers]
        if replicas == 1:
            yield Deployment(servers[0].url, backends, processes, None, servers)
            return
        proxy = stack.enter_context(nginx_proxy(*(server.port for server in servers)))
        yield Deployment(f"{proxy.url}/{BASE_PATH}", backends, processes, proxy, servers)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.capacity", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--url", help="a running server, on 127.0.0.0/8 (default: the dashboard started here)"
    )
    parser.add_argument("--pid", type=int, help="the process of --url's server, for its CPU and memory")
    parser.add_argument(
        "--replicas",
        type=int,
        choices=REPLICAS,
        help="Streamlit processes started, behind nginx (deploy/nginx-carte.conf) from 2 on (default 1)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{QUICK_VIEWERS} viewers for {QUICK_DURATION_S:g} s on one replica, then on "
        f"{QUICK_REPLICAS[-1]} behind nginx: the tests' guard",
    )
    parser.add_argument(
        "--kill-replica-after",
        type=float,
        metavar="S",
        help="with --replicas 2 or more and one stage: the replica serving the most viewers killed "
        "(SIGKILL) S seconds into the load",
    )
    parser.add_argument("--max-viewers", type=int, default=200, help="the largest stage (default 200)")
    parser.add_argument(
        "--viewers", type=int, nargs="+", help=f"the stages (default {', '.join(map(str, STAGES))})"
    )
    parser.add_argument("--duration", type=float, help="seconds per stage (default 60)")
    parser.add_argument("--seed", type=int, default=19, help="draws the viewers' changes and pauses")
    parser.add_argument("--output", type=Path, help="a JSON file for the figures and errors")
    args = parser.parse_args(argv)
    if args.quick:
        if args.url or args.replicas or args.kill_replica_after is not None:
            parser.error(
                "--quick démarre une réplique puis deux : sans --url, --replicas ni --kill-replica-after."
            )
        args.viewers = args.viewers or [QUICK_VIEWERS]
        args.duration = args.duration or QUICK_DURATION_S
    args.replicas = args.replicas or 1
    args.duration = args.duration or 60.0
    args.configurations = QUICK_REPLICAS if args.quick else (args.replicas,)
    if args.url and args.replicas > 1:
        parser.error("--replicas démarre ses propres serveurs : sans --url.")
    if not 1 <= args.max_viewers <= MAX_VIEWERS:
        parser.error(f"--max-viewers {args.max_viewers} : entre 1 et {MAX_VIEWERS}.")
    if not STAGE_S[0] <= args.duration <= STAGE_S[1]:
        parser.error(f"--duration {args.duration:g} : entre {STAGE_S[0]:g} et {STAGE_S[1]:g} secondes.")
    if not stages(args.max_viewers, args.viewers) or any(n < 1 for n in args.viewers or ()):
        parser.error("--viewers : des nombres de spectateurs entre 1 et --max-viewers.")
    if args.kill_replica_after is not None:
        if args.replicas < 2 or len(stages(args.max_viewers, args.viewers)) != 1:
            parser.error("--kill-replica-after : avec --replicas 2 ou plus et un seul nombre de --viewers.")
        if not 0 < args.kill_replica_after < args.duration:
            parser.error(
                f"--kill-replica-after {args.kill_replica_after:g} : entre 0 et --duration secondes."
            )
    return args


def measure(deployed: Deployment, replicas: int, args: argparse.Namespace, truth: Truth) -> list[Stage]:
    """The stages on one configuration, until one passes the p95 limit or has an error."""
    results: list[Stage] = []
    server = deployed.processes
    idle = server.rss_kb() if server else None
    for viewers in stages(args.max_viewers, args.viewers):
        clients = {client_address(number) for number in range(viewers)}
        logged_before = len(deployed.proxy.upstreams()) if deployed.proxy else 0
        kill = None
        if args.kill_replica_after is not None:
            kill = Kill(args.kill_replica_after, partial(deployed.kill_busiest, logged_before, clients))
        stage = run_stage(
            deployed.url,
            viewers,
            args.duration,
            seed=args.seed,
            truth=truth,
            server=server,
            idle_kb=idle,
            kill=kill,
        )
        stage.replicas = replicas
        results.append(stage)
        print(line(stage), flush=True)
        if deployed.proxy:
            stage.per_replica = deployed.spread(deployed.proxy.upstreams()[logged_before:], clients)
            print(
                f"spread: {', '.join(map(str, stage.per_replica.values()))} viewers per replica", flush=True
            )
        if stage.killed:
            print(failover_line(stage), flush=True)
        p95 = stage.percentile(95)
        if stage.errors or (p95 is not None and p95 > P95_LIMIT_MS):
            break
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    truth = Truth.read()
    results: list[Stage] = []
    try:
        # One start-up for every configuration: --quick's single replica is the first of the two.
        with deployment(max(args.configurations), args.url, args.pid) as deployed:
            for backend in deployed.backends:
                warm_up(backend, truth)
            for replicas in args.configurations:
                alone = replicas == 1 and len(deployed.servers) > 1
                results += measure(deployed.alone() if alone else deployed, replicas, args, truth)
    except CapacityError as err:
        print(err, file=sys.stderr)
        return 2
    print(table(results))
    for stage in results:
        for error in stage.errors[:10]:
            print(f"{stage.viewers} spectateurs, {stage.replicas} répliques : {error}")
    if args.output:
        figures = {
            "load_average": os.getloadavg(),
            "cores": os.cpu_count(),
            "stages": [s.summary() for s in results],
        }
        write_atomically(args.output, json.dumps(figures, indent=2, ensure_ascii=False) + "\n")
    return 1 if any(stage.errors for stage in results) else 0


if __name__ == "__main__":
    sys.exit(main())
