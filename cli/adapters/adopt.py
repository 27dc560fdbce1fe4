"""The IO of ``mlvc init`` beyond reading the table (``files.read_table``, the one reader):
replace several files all at once.

:func:`publish` writes every file to a temporary beside its target first and renames
them over their targets only when all are written: a failure or an interrupt before
the renames leaves every target as it was.
"""

from __future__ import annotations

import os
from pathlib import Path

from cli.adapters.files import output_target


def publish(files: dict[Path, bytes], *, remove: tuple[Path, ...] = ()) -> None:
    """Replace every file of ``files`` with its bytes: all written first, then all renamed.

    Then ``remove`` the outputs the new project no longer declares (files or folders);
    they are regenerated data, so a failure there loses nothing.
    """
    import shutil
    import tempfile

    staged: list[tuple[Path, Path]] = []
    try:
        for path, data in files.items():
            target = output_target(path)
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            staged.append((Path(name), target))
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            Path(name).chmod(0o644)
        for temporary, target in staged:
            temporary.replace(target)
    except BaseException:
        for temporary, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for path in remove:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
