"""Counts an app's script runs on the server side without touching the app.

Each app is started through a generated wrapper script that calls `run_counted`: it runs the
app's code and logs a line when each run starts and another when it ends (duration, how).
"""

from __future__ import annotations

import builtins
import time
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

# Compiled once per server process, as Streamlit does for its main script: a recompilation at
# every run would add milliseconds the app itself does not cost.
_CODE: dict[str, CodeType] = {}


def _log(log: str, line: str) -> None:
    with Path(log).open("a", encoding="utf-8") as out:
        out.write(line + "\n")


def run_counted(script: str, log: str) -> None:
    code = _CODE.get(script)
    if code is None:
        code = _CODE[script] = compile(Path(script).read_bytes(), script, "exec")
    _log(log, "start")
    start = time.perf_counter()
    ended = "ok"
    why = ""
    try:
        # A fresh namespace named __main__ per run, as Streamlit gives its main script.
        exec(code, {"__name__": "__main__", "__file__": script, "__builtins__": builtins})
    except BaseException as err:  # Streamlit's RerunException and StopException end a run too
        ended = type(err).__name__
        why = " ".join(str(err).split())[:300]
        raise
    finally:
        _log(log, f"end {(time.perf_counter() - start) * 1000:.3f} {ended} {why}".rstrip())


@dataclass(frozen=True)
class Runs:
    started: int
    durations_ms: tuple[float, ...]  # of the runs that ended normally
    ended: int

    @property
    def running(self) -> bool:
        return self.started > self.ended


def read_runs(log: Path) -> Runs:
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        lines = []
    ends = [line.split() for line in lines if line.startswith("end ")]
    return Runs(
        started=sum(1 for line in lines if line == "start"),
        durations_ms=tuple(float(parts[1]) for parts in ends if parts[2] == "ok"),
        ended=len(ends),
    )
