"""Escaping shared by the renderers: Markdown table cells and GitHub annotation messages."""

from __future__ import annotations


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: GFM splits cells at every ``|`` not written ``\\|``
    (code spans included) and ends the row at a line end."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


# The most characters of one data value a report quotes: enough to recognise it; a
# report line stays readable however large the cell (a 30 MB string, a binary blob).
QUOTED_CHARS = 80


def quoted(text: str, limit: int = QUOTED_CHARS) -> str:
    """``text`` cut to ``limit`` characters, its full length named when cut."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text):,} characters)"
