"""``python -m cli`` runs the mlvc command."""

from cli.app import app

app(prog_name="mlvc")
