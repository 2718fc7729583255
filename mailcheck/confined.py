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

from mailcheck.i18n import N_, t

# Opening never blocks (a FIFO without a writer) and never takes a terminal as ours.
_OPEN_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
_CHUNK = 1 << 20


# What a file is to the campaign, as messages name it ("html file 'x' not found")
MESSAGE = N_("message")
FILE = N_("file")


class RefusedInput(Exception):
    """A file that is not read; the message is the reason shown to the user."""


def read_file(path: Path, *, root: Path | None, limit: int, label: str = FILE) -> bytes:
    """The bytes of ``path``, refusing anything but a regular file of at most ``limit`` bytes
    that (when ``root`` is given) resolves to a place inside ``root``.

    ``label`` names the file's role in messages ("html file 'x' …"). ``root`` is None for a
    file the user named on the command line: their choice, still no FIFO or device.
    """
    name = path.name if root is None else _shown(path, root)
    if "\0" in str(path):  # no file system takes one: say so rather than fail on it
        raise RefusedInput(
            t("{label} name {name} holds a NUL character", label=label, name=repr(name))
        )
    try:
        real = path.resolve(strict=True)
    except FileNotFoundError:
        raise RefusedInput(t("{label} '{name}' not found", label=label, name=name)) from None
    except (OSError, RuntimeError) as exc:  # a symlink loop, a permission denied on the way
        raise RefusedInput(_unreadable(label, name, exc)) from None
    # ``real`` has no symlink and no "..": when it lies below ``root`` as written, ``root`` is
    # a real directory already, and resolving it (a system call per component, for each of a
    # campaign's files) would give it back unchanged
    if root is not None and not (real.is_relative_to(root) or real.is_relative_to(root.resolve())):
        raise RefusedInput(
            t(
                "{label} '{name}' is outside the campaign's directory: a campaign may only read "
                "its own files (after symlinks are resolved); nothing was read",
                label=label,
                name=name,
            )
        )
    try:
        fd = os.open(real, _OPEN_FLAGS | getattr(os, "O_NOFOLLOW", 0))
    except OSError as exc:
        raise RefusedInput(_unreadable(label, name, exc)) from None
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):  # asked before os.fdopen, which refuses a directory itself
        os.close(fd)
        raise RefusedInput(
            t(
                "{label} '{name}' is {kind}, not a regular file; nothing was read",
                label=label,
                name=name,
                kind=_kind(mode),
            )
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
                raise RefusedInput(_unreadable(label, name, exc)) from None
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


def _unreadable(label: str, name: str, exc: BaseException) -> str:
    return t("cannot read {label} '{name}': {reason}", label=label, name=name, reason=_reason(exc))


def _too_big(label: str, name: str, limit: int) -> str:
    return t(
        "{label} '{name}' is larger than {size} (the limit of [limits] {setting}); nothing was "
        "read",
        label=label,
        name=name,
        size=_size(limit),
        setting="message-bytes" if label == MESSAGE else "file-bytes",
    )


def _size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:g} MB"
    if n >= 1_000:
        return f"{n / 1_000:g} KB"
    return f"{n} bytes"


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return t("a directory")
    if stat.S_ISFIFO(mode):
        return t("a FIFO (named pipe)")
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return t("a device")
    if stat.S_ISSOCK(mode):
        return t("a socket")
    return t("a special file")


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    if isinstance(exc, RuntimeError):
        return t("symlink loop")
    return str(exc)
