"""docs/internals.md names, for each undocumented behaviour relied on, tests that exist."""

from __future__ import annotations

import re

from territoires import PROJECT_DIR

INTERNALS = PROJECT_DIR / "docs" / "internals.md"


def test_every_test_the_internals_list_names_exists() -> None:
    text = INTERNALS.read_text(encoding="utf-8")
    named = re.findall(r"`(tests/[\w/]+\.py)(?:::(\w+))?`", text)
    assert len(named) >= 8
    for path, name in named:
        source = (PROJECT_DIR / path).read_text(encoding="utf-8")
        assert not name or f"def {name}(" in source, (path, name)
    # And the short forms `test_…` in the same cells, which name tests of the file named before them.
    for name in re.findall(r"(?<![:\w])`(test_\w+)`", text):
        assert any(f"def {name}(" in (PROJECT_DIR / path).read_text(encoding="utf-8") for path, _ in named), (
            name
        )
