"""The ``--format`` choices, in a leaf module so that ``mlvc --help`` need not load renderers."""

from __future__ import annotations

from enum import StrEnum


class OutputFormat(StrEnum):
    """Formats every command accepts with ``--format``."""

    text = "text"
    json = "json"


class ReportFormat(StrEnum):
    """Formats of commands whose reports also go into pull requests and CI logs."""

    text = "text"
    json = "json"
    markdown = "markdown"
    github = "github"  # GitHub Actions workflow annotations (::error file=...::message)
