"""Reading the page's table (territoires.exports.table_html) as a browser reads it."""

from __future__ import annotations

from html.parser import HTMLParser


class TableReader(HTMLParser):
    """The cells of an HTML table, row by row, as a browser reads their text, and their attributes;
    and every tag met."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[str]] = []
        self.attributes: list[list[dict[str, str | None]]] = []
        self.tags: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
            self.attributes.append([])
        elif tag in ("td", "th"):
            self.rows[-1].append("")
            self.attributes[-1].append(dict(attrs))

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data


def table_cells(markup: str) -> list[list[str]]:
    """The headings' row, then one row of cell texts per town."""
    reader = TableReader()
    reader.feed(markup)
    return reader.rows
