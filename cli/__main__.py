"""``python -m cli`` runs the mlvc command."""

from cli.app import main

main()
