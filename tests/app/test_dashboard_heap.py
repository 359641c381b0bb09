"""The heap is frozen once, after the first run that draws the whole page (carte.cache.freeze_heap_once),
never again: a session's first run draws the first screen only, and the map asks for the next.

In a process of its own: the freeze happens once per process, and in pytest's the other app tests'
runs would already have made it, whatever this test checks.
"""

from __future__ import annotations

import json
import subprocess
import sys

from tests.app.conftest import DASHBOARD, TIMEOUT_S

RUNS = f"""
import gc, json
from streamlit.testing.v1 import AppTest
counts, shown = [gc.get_freeze_count()], []
app = AppTest.from_file({DASHBOARD!r}, default_timeout={TIMEOUT_S})
for _ in range(2):  # the first screen, then the whole page
    app.run()
    counts.append(gc.get_freeze_count())
for regions in (["53"], ["53", "94"], []):  # Bretagne, then Corse too, then everything: real changes
    app.multiselect(key="regions").set_value(regions).run()
    assert not app.exception, app.exception
    counts.append(gc.get_freeze_count())
    shown.append([e.value for e in app.html if 'class="counts"' in e.value][0])
print(json.dumps({{"counts": counts, "shown": shown}}))
"""


def test_the_first_whole_page_freezes_the_heap_and_later_runs_leave_their_garbage_collectable() -> None:
    done = subprocess.run(
        [sys.executable, "-c", RUNS], capture_output=True, text=True, timeout=4 * TIMEOUT_S, check=False
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.splitlines()[-1])
    # The later runs were filter changes: Bretagne's 4 laureates, then 5 with Corse, then all 55.
    assert ["<dd>4 / 55</dd>" in s for s in result["shown"]] == [True, False, False]
    assert ["<dd>5 / 55</dd>" in s for s in result["shown"]] == [False, True, False]
    assert ["<dd>55 / 55</dd>" in s for s in result["shown"]] == [False, False, True]
    before, first_screen, first, *later = result["counts"]
    assert before == 0
    assert first_screen == 0  # what the whole page's first run makes, its caches, is frozen too
    assert first > 0
    # Frozen objects freed by reference counting leave the count; another freeze would add a run's.
    assert max(later) <= first, (first, later)
