"""Thin Typer commands: parse options, call one ``cli.api`` function, render, exit."""
