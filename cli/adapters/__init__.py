"""The only code that touches files, git, DVC and subprocesses."""
