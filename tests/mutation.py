"""What `make mutation` found, module by module: `python -m tests.mutation` (mutmut's environment),
from the results mutmut keeps in mutants/ (one `<file>.meta` per mutated file).

Killed counts as caught; so does a timeout (the mutant made a test run far longer than it does).
A survivor is a mutant no test noticed; « no tests »: no test calls its function; « not tested »:
the run stopped before it (`make mutation` resumes there). The score is over the tested mutants.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

from mutmut.stats import status_by_exit_code

RESULTS_DIR = Path("mutants")
SOURCE_PATHS = ("territoires", "geocode")
COLUMNS = ("killed", "timeout", "survived", "no tests", "other", "not tested")
CAUGHT = ("killed", "timeout")
# A function reached only through a shared fixture, and a test that relies on it: the recording
# must attribute that test to it (tests/recording.py).
THROUGH_FIXTURE = (
    "territoires.mapping.x_base_map",
    "tests/core/test_mapping.py::test_the_furniture_gets_the_palette_legend_and_french_names",
)


def recording_problem(stats: Path) -> str | None:
    """Why mutmut's recording run missed the tests that reach code through shared fixtures, if it did."""
    function, test = THROUGH_FIXTURE
    recorded = json.loads(stats.read_text(encoding="utf-8"))["tests_by_mangled_function_name"]
    if test in recorded.get(function, ()):
        return None
    return (
        f"{stats} : le test {test} n'est pas relié à {function}. L'enregistrement de mutmut ne voit "
        "plus les tests qui passent par une fixture partagée (tests/recording.py) : leurs mutants "
        "survivraient à tort. Vérifiez la version de mutmut et tests/recording.py."
    )


def statuses(meta: Path) -> Counter[str]:
    exit_codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    found: Counter[str] = Counter()
    for code in exit_codes.values():
        status = "not tested" if code is None else status_by_exit_code[code]
        found[status if status in COLUMNS else "other"] += 1
    return found


def score(found: Counter[str]) -> str:
    tested = sum(found.values()) - found["not tested"]
    return f"{100 * sum(found[s] for s in CAUGHT) / tested:.1f} %" if tested else "—"


def main() -> int:
    metas = sorted(p for source in SOURCE_PATHS for p in (RESULTS_DIR / source).glob("*.py.meta"))
    if not metas:
        print(f"Aucun résultat dans {RESULTS_DIR}/ : lancez « make mutation ».", file=sys.stderr)
        return 1
    if problem := recording_problem(RESULTS_DIR / "mutmut-stats.json"):
        print(problem, file=sys.stderr)
        return 1
    per_file = {str(meta.relative_to(RESULTS_DIR)).removesuffix(".meta"): statuses(meta) for meta in metas}
    rows = {name: counts for name, counts in per_file.items() if counts}  # files with no function: none
    rows["total"] = sum(rows.values(), Counter())
    width = max(map(len, rows))
    print(f"{'module':<{width}}", *(f"{c:>10}" for c in COLUMNS), f"{'score':>8}")
    for name, found in rows.items():
        print(f"{name:<{width}}", *(f"{found[c]:>10}" for c in COLUMNS), f"{score(found):>8}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
