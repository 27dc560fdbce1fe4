"""Escaping shared by the renderers: Markdown table cells and GitHub annotation messages."""

from __future__ import annotations


def md_cell(text: object) -> str:
    """Text for one Markdown table cell: GFM splits cells at every ``|`` not written ``\\|``
    (code spans included) and ends the row at a line end."""
    return str(text).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def escape_annotation(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
