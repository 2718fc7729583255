"""Reading a campaign's files as untrusted input: inside its directory, regular, size-capped.

A campaign is written by clients and freelancers and checked in CI, whose report goes to the
client. So a file a campaign names (``html``, ``text``, ``samples``) must, after every symlink
is resolved, lie inside the campaign's directory; it must be a regular file (not a FIFO that
blocks forever, not ``/dev/zero`` that never ends); and it may not exceed a size cap. Whatever
breaks a rule is refused before a byte is read, with the reason (INP001).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

# Opening never blocks (a FIFO without a writer) and never takes a terminal as ours.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


class RefusedInput(Exception):
    """A file that is not read; the message is the reason shown to the user."""


def read_file(path: Path, *, root: Path | None, limit: int, label: str = "file") -> bytes:
    """The bytes of ``path``, refusing anything but a regular file of at most ``limit`` bytes
    that (when ``root`` is given) resolves to a place inside ``root``.

    ``label`` names the file's role in messages ("html file 'x' …"). ``root`` is None for a
    file the user named on the command line: their choice, still no FIFO or device.
    """
    name = path.name if root is None else _shown(path, root)
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise RefusedInput(f"{label} '{name}' not found") from None
    except (OSError, RuntimeError) as exc:  # a symlink loop, a permission denied on the way
        raise RefusedInput(f"cannot read {label} '{name}': {_reason(exc)}") from None
    if root is not None and not real.is_relative_to(root.resolve()):
        raise RefusedInput(
            f"{label} '{name}' is outside the campaign's directory: a campaign may only read "
            "its own files (after symlinks are resolved); nothing was read"
        )
    try:
        fd = os.open(real, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise RefusedInput(f"cannot read {label} '{name}': {_reason(exc)}") from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # asked before os.fdopen, which refuses a directory itself
        os.close(fd)
        raise RefusedInput(
            f"{label} '{name}' is {_kind(mode)}, not a regular file; nothing was read"
        )
    with os.fdopen(fd, "rb", buffering=0) as fh:
        size = os.fstat(fd).st_size
        if size > limit:
            raise RefusedInput(_too_big(label, name, limit))
        chunks: list[bytes] = []
        got = 0
        # st_size can lie (procfs says 0, a file may grow): read at most one byte past the cap
        while got <= limit:
            try:
                chunk = fh.read(min(_CHUNK, limit + 1 - got))
            except OSError as exc:
                raise RefusedInput(f"cannot read {label} '{name}': {_reason(exc)}") from None
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
        if got > limit:
            raise RefusedInput(_too_big(label, name, limit))
        return b"".join(chunks)


def _shown(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)


def _too_big(label: str, name: str, limit: int) -> str:
    return (
        f"{label} '{name}' is larger than {_size(limit)} (the limit of [limits] "
        f"{'message-bytes' if label == 'message' else 'file-bytes'}); nothing was read"
    )


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} KB"
    return f"{n} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a special file"


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, RuntimeError):
        return "symlink loop"
    return str(exc)
