"""mlvc: data-and-model versioning toolkit layered on Git and DVC."""

__version__ = "0.1.0"
