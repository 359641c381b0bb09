"""Warm server rerun time with AppTest, in its own process: `python -m bench.apptest REPS` prints JSON.

Each app is run once (cold), then timed reruns with no change, the apps taken in turn.
"""

from __future__ import annotations

import json
import os
import sys
import time

from streamlit.testing.v1 import AppTest

from bench.servers import APP_NAMES, ENV, SCRIPTS


def warm_reruns(reps: int) -> dict[str, list[float]]:
    os.environ.update(ENV)
    tests = {name: AppTest.from_file(str(SCRIPTS[name]), default_timeout=60) for name in APP_NAMES}
    for at in tests.values():  # the dashboard's first run draws its first screen; the next, everything
        at.run().run()
    times: dict[str, list[float]] = {name: [] for name in APP_NAMES}
    for _ in range(reps):
        for name, at in tests.items():
            start = time.perf_counter()
            at.run()
            times[name].append((time.perf_counter() - start) * 1000)
            if at.exception:
                raise RuntimeError(f"{name}: {at.exception[0].message}")
    return times


if __name__ == "__main__":
    print(json.dumps(warm_reruns(int(sys.argv[1]))))
