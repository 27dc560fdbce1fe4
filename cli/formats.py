"""The ``--format`` choices, in a leaf module so that ``mlvc --help`` need not load renderers.

One enum for every command; each command offers the formats its result renders in
(:data:`cli.render.RENDERERS`), and ``md`` is the same as ``markdown`` wherever
markdown is offered.
"""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """An output format of ``--format``."""

    text = "text"  # for people
    json = "json"  # for machines
    markdown = "markdown"  # pull-request comments and job summaries
    md = "md"  # the same as markdown
    github = "github"  # GitHub Actions workflow annotations (::error file=...::message)

    @property
    def canonical(self) -> Format:
        """The format this name stands for (``md`` stands for ``markdown``)."""
        return Format.markdown if self is Format.md else self


# What a command offers; the aliases follow from the formats (md with markdown).
TEXT_JSON = (Format.text, Format.json)
TEXT_JSON_MARKDOWN = (Format.text, Format.json, Format.markdown, Format.md)
EVERY = (Format.text, Format.json, Format.markdown, Format.md, Format.github)
