"""Pure logic: data in, data out. No git, no files, no typer."""
