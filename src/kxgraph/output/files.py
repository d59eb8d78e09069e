"""The one way kxgraph writes a file: ``atomic_write``, all or nothing, never through a link.

Every writer (views, exports, ``generate -o``, ``report -o``, rejects files) goes through it:

- the data goes to a temporary file created exclusively (``O_EXCL``, an unpredictable name from
  ``tempfile.mkstemp``) in the target's own folder, is flushed to disk (``fsync``), and is then
  renamed over the target, so a reader sees the old file or the new one, never half of one;
- a pre-planted file or link at any name the writer might use is never opened or followed;
- the target must be a regular file or a new path: a device, a fifo or a folder is refused;
- a symbolic link is refused too (not replaced, not written through): whoever made the link
  meant its target, and replacing the link silently would break their setup, while writing
  through it is how a planted link overwrites a victim file. Name the target itself;
- a target that is also one of the command's ``inputs`` is refused, so that
  ``--rejects sheet.xlsx`` cannot overwrite the spreadsheet being imported.
"""

from __future__ import annotations

import io
import os
import stat
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Iterable, Iterator

from kxgraph.errors import WriteError


def check_target(path: str | Path, *, inputs: Iterable[str | Path] = ()) -> Path:
    """Return ``path`` if kxgraph may replace it with a file; raise ``WriteError`` if not."""
    path = Path(path)
    try:
        info = os.lstat(path)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    if info is not None:
        if stat.S_ISLNK(info.st_mode):
            raise WriteError(f"{path}: is a symbolic link; kxgraph does not write through links, "
                             "name the file itself")
        if not stat.S_ISREG(info.st_mode):
            kind = "a folder" if stat.S_ISDIR(info.st_mode) else "not a regular file (a device or fifo)"
            raise WriteError(f"{path}: is {kind}; give the name of a file to write")
    for source in inputs:
        if _same(path, Path(source)):
            raise WriteError(f"{path}: is also an input of this command; write to another file")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise WriteError(f"{path}: cannot write: no folder {parent}")
    return path


def _same(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare the names
        return os.path.abspath(a) == os.path.abspath(b)


@contextmanager
def atomic_write(path: str | Path, *, binary: bool = False, encoding: str = "utf-8",
                 newline: str | None = None, inputs: Iterable[str | Path] = ()) -> Iterator[IO]:
    """Open a temporary file for writing; on success it replaces ``path`` in one rename.

    On any error the temporary file is removed and ``path`` is left as it was. ``OSError`` comes
    out as ``WriteError``.

    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "out.txt"
    >>> with atomic_write(target) as out:
    ...     _ = out.write("太原")
    >>> target.read_text(encoding="utf-8")
    '太原'
    """
    path = check_target(path, inputs=inputs)
    parent = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as exc:
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        try:
            if hasattr(os, "fchmod"):  # mkstemp makes it 0600; give it the permissions a file gets
                os.fchmod(fd, _mode(path))
            raw = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            raise
        with raw:
            handle = raw if binary else io.TextIOWrapper(raw, encoding=encoding, newline=newline,
                                                          write_through=True)
            yield handle
            handle.flush()
            os.fsync(raw.fileno())
        check_target(path, inputs=inputs)  # not swapped for a link or a device meanwhile
        os.replace(tmp, path)
        _sync_folder(parent)
    except OSError as exc:
        _remove(tmp)
        raise WriteError(f"{path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        _remove(tmp)
        raise


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8",
               inputs: Iterable[str | Path] = ()) -> Path:
    """Write ``text`` to ``path`` with ``atomic_write``; return the path."""
    with atomic_write(path, encoding=encoding, newline="", inputs=inputs) as out:
        out.write(text)
    return Path(path)


def _mode(path: Path) -> int:
    """Keep an existing file's permissions; a new file gets the usual ones (0666 less the umask)."""
    try:
        return stat.S_IMODE(os.stat(path).st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def _remove(tmp: str) -> None:
    try:
        os.unlink(tmp)
    except OSError:
        pass


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (not possible everywhere, e.g. on Windows: then skipped)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


__all__ = ["atomic_write", "check_target", "write_text"]
