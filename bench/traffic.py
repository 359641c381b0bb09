"""What a page receives: websocket frames (all, and those carrying the map) and the map iframe's HTTP;
and from its frames, the script runs it asks for.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from playwright import async_api, sync_api
from playwright.sync_api import Page, Request, WebSocket
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

MAP_COMPONENT = "streamlit_folium.st_folium"


def is_map_message(frame: bytes) -> bool:
    """A ForwardMsg that adds or updates the folium component (its script, HTML and args)."""
    msg = ForwardMsg()
    try:
        msg.ParseFromString(frame)
    except Exception:  # not a ForwardMsg: counted in the total only
        return False
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return False
    element = msg.delta.new_element
    return element.WhichOneof("type") == "component_instance" and (
        element.component_instance.component_name == MAP_COMPONENT
    )


@dataclass
class Payload:
    ws_bytes: int = 0  # every websocket frame the page received
    ws_map_bytes: int = 0  # the part of those that carries the map component
    map_http_bytes: int = 0  # HTTP responses (headers + body as received) loaded by the map iframe
    map_http_files: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        """What the page receives for the map: all websocket frames plus the iframe's HTTP."""
        return self.ws_bytes + self.map_http_bytes

    def as_dict(self) -> dict[str, int]:
        return {
            "total_bytes": self.total,
            "ws_bytes": self.ws_bytes,
            "ws_map_bytes": self.ws_map_bytes,
            "map_http_bytes": self.map_http_bytes,
        }


class Traffic:
    """Counts what the page receives; `take()` returns the counts since the previous call."""

    def __init__(self, page: Page) -> None:
        self._page = page
        self._ws = 0
        self._ws_map = 0
        self._requests: list[Request] = []
        page.on("websocket", self._on_websocket)
        page.on("requestfinished", self._on_request)

    def _on_websocket(self, ws: WebSocket) -> None:
        ws.on("framereceived", self._on_frame)

    def _on_frame(self, payload: str | bytes) -> None:
        data = payload.encode() if isinstance(payload, str) else payload
        self._ws += len(data)
        if is_map_message(data):
            self._ws_map += len(data)

    def _on_request(self, request: Request) -> None:
        if request.frame != self._page.main_frame:  # the map's iframe is the page's only one
            self._requests.append(request)

    def take(self) -> Payload:
        # sizes() is read here, not in the handler: the sync API must not block inside one.
        http = 0
        files = []
        for request in self._requests:
            sizes = request.sizes()
            http += max(sizes["responseBodySize"], 0) + max(sizes["responseHeadersSize"], 0)
            files.append(request.url.split("?")[0].rsplit("/", 1)[-1])
        payload = Payload(self._ws, self._ws_map, http, files)
        self._ws = self._ws_map = 0
        self._requests = []
        return payload


class PageRuns:
    """The script runs one page asks for, read from its websocket frames.

    The server's run log mixes the sessions, and the page shows a run only once the server has begun
    it: a rerun request still waiting for its run shows nowhere else. A key pressed then sends a
    second request, and Streamlit's browser cache drops, as the first run ends, a message the second
    run's answer refers to ("Cached ForwardMsg MISS"): the page stops following the server.
    """

    def __init__(self) -> None:
        self.requests = 0  # rerun requests sent
        self.waiting = False  # the last request has no finished run begun after it yet
        self._begun = False  # a run has begun since the last request

    def watch(self, socket: sync_api.WebSocket | async_api.WebSocket) -> None:
        socket.on("framesent", self.frame_sent)
        socket.on("framereceived", self.frame_received)

    def answered(self, since: int, requests: int) -> bool:
        """`requests` rerun requests sent since there were `since`, and a run begun after the last one
        has ended."""
        return self.requests - since >= requests and not self.waiting

    def frame_sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and BackMsg.FromString(payload).WhichOneof("type") == "rerun_script":
            self.requests += 1
            self.waiting, self._begun = True, False

    def frame_received(self, payload: str | bytes) -> None:
        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg.FromString(payload)
        kind = msg.WhichOneof("type")
        if kind == "new_session":  # sent as each run begins
            self._begun = True
        elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
            self.waiting = self.waiting and not self._begun
