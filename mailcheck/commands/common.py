"""Options and helpers shared by the sub-commands that run checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailcheck.config import Config, ConfigError, load_config
from mailcheck.progress import show_progress
from mailcheck.text import printable

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from mailcheck.engine import Batch, Keep, Source
    from mailcheck.model import CampaignResult

FORMATS = ("text", "json", "sarif", "junit", "github")


def add_check_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="campaign dirs, .eml/.emlx or .html files"
    )
    p.add_argument("--format", choices=formats, default="text", help="output format (text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the output here, not stdout")
    add_run_options(p)


def add_run_options(p: argparse.ArgumentParser) -> None:
    """What runs and how: the options of every command that checks campaigns."""
    p.add_argument("--offline", action="store_true", help="no network: skip link and DNS rules")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="ask every link and DNS name again (the caches in .mailcheck/ get the new answers)",
    )
    p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    p.add_argument(
        "--strict-plugins",
        action="store_true",
        help="exit 2 when a rule plugin fails to load or is refused (for CI)",
    )
    add_language_option(p)


def add_language_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        metavar="LANG",
        help="language of what the client reads: en or ru (default: [report] language)",
    )


def config_from_args(args: argparse.Namespace) -> Config:
    """The configuration of the command's first PATH (the working directory without one),
    with the flags applied; every other path checked finds its own (hierarchical, as ruff)."""
    overrides: dict[str, object] = {}
    for key in ("select", "ignore"):
        value = getattr(args, key, None)
        if value is None:
            continue
        codes = [c.strip() for c in value.split(",") if c.strip()]
        # `--ignore ""` (a script's variable left empty) is a mistake, as `ignore = [""]` is;
        # an empty --select is one too, which the configuration says (no rule would run)
        if not codes and key == "ignore":
            raise ConfigError(f"--ignore {value!r} names no rule")
        overrides[key] = codes
    if getattr(args, "offline", False):
        overrides["links"] = {"offline": True}
    if getattr(args, "lang", None) is not None:
        from mailcheck.i18n import LanguageError, check_language

        try:
            overrides["report"] = {"language": check_language(args.lang)}
        except LanguageError as exc:
            raise ConfigError(f"--lang: {exc}") from None
    if getattr(args, "strict_plugins", False):
        overrides["strict-plugins"] = True
    paths = getattr(args, "paths", None) or []
    return load_config(
        start=Path(paths[0]) if paths else None,
        explicit=Path(args.config) if getattr(args, "config", None) else None,
        overrides=overrides,
    )


def client_name(value: str) -> str:
    """``--client``'s value (argparse type): a name, never empty ("" read as "every client"
    would put all of them in one client's report)."""
    if not value.strip():
        raise argparse.ArgumentTypeError("the client name is empty")
    return value.strip()  # "acme " is acme (a launch records its client so too)


def say_database(config: Config) -> None:
    """Name the database a command reads or writes (on stderr): with hierarchical config,
    which one is used depends on the path, so it is said every time."""
    from mailcheck.config import shown_url

    print(
        f"mailcheck: database: {shown_url(config.db_url)} (from {config.db_source})",
        file=sys.stderr,
    )


class OutputError(Exception):
    """The output could not be written: one line on stderr, exit 2 (never "errors found")."""


def write_output(text: str | Iterable[str], output: str | None) -> None:
    """``text`` (or its parts, written as they come) to the file ``output`` (``-`` or None:
    stdout); failure is :class:`OutputError`."""
    # printable: a message may quote a file name's bytes that are not UTF-8 (the campaign's
    # own names are made printable when found; a reason from the file system may not be)
    parts = map(printable, [text] if isinstance(text, str) else text)
    if output and output != "-":
        _write_file(parts, Path(output))
        return
    stream = sys.stdout
    if stream is None:  # started with stdout closed (>&-)
        raise OutputError("cannot write the output: standard output is closed")
    try:
        stream.writelines(parts)
        stream.flush()
    except BrokenPipeError:  # the reader stopped (`| head`): main() exits quietly
        silence_stdout()
        raise
    except (OSError, ValueError) as exc:
        silence_stdout()
        raise OutputError(f"cannot write the output: {_reason(exc)}") from None


def _write_file(parts: Iterable[str], path: Path) -> None:
    """The whole output or none of it: the parts (a report is rendered as it is written) go to
    a temporary file beside ``path`` that replaces it at the end, so a rendering that fails
    half-way leaves neither half a file nor a destroyed earlier one. What is not a regular
    file (``/dev/stdout``, a FIFO) is written directly."""
    import os

    direct = path.exists() and not path.is_file()
    target = path if direct else path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        with open(target, "w", encoding="utf-8") as file:
            file.writelines(parts)  # any other error of the rendering passes through as it is
        if not direct:
            os.replace(target, path)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {_reason(exc)}") from None
    finally:
        if not direct:
            target.unlink(missing_ok=True)


def silence_stdout() -> None:
    """Point stdout at /dev/null, so that Python's flush at exit does not fail a second time
    (with a traceback) on what could not be written."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def refuse_overwriting_inputs(
    output: str | None,
    paths: Iterable[str],
    results: Iterable[CampaignResult] = (),
    *,
    database: str | None = None,
) -> None:
    """A UsageError, before any work, when ``-o`` cannot be written (a directory, a folder
    that does not exist) or names a file this run reads or keeps: a PATH, a campaign's file,
    the incident log at ``database`` (a URL)."""
    if not output or output == "-":
        return
    from mailcheck.engine import UsageError

    given = Path(output)
    target = given.resolve()
    inputs = [Path(p) for p in paths]
    if replaced_report(output) is None:
        inputs += [Path(name) for r in results for _, name in r.campaign.source_files]
    for path in inputs:
        if path.resolve() == target:
            raise UsageError(
                f"--output {output} is an input of this run ({path}); refusing to overwrite it"
            )
    # said now, not once the work (a launch's record) is done: as writing it would say it
    if given.is_dir():
        raise OutputError(f"cannot write {output}: is a directory")
    if not given.parent.is_dir():
        raise OutputError(f"cannot write {output}: no such file or directory")
    if database is None:
        return
    from mailcheck.store.db import database_file  # SQLAlchemy: only for commands with a log

    log = database_file(database)
    if log is not None:
        kept = [log, *(log.with_name(log.name + end) for end in ("-wal", "-shm", "-journal"))]
        if any(path.resolve() == target for path in kept):
            raise UsageError(
                f"--output {output} is the incident database; refusing to overwrite it"
            )


def replaced_report(output: str | None) -> Path | None:
    """The file ``-o`` names, when it is a page mailcheck wrote: a walk finds it but does not
    read it (INP002), and a new report may replace it (`mailcheck report .` run again writes
    where it wrote the last time)."""
    if not output or output == "-":
        return None
    from mailcheck.loaders import is_mailcheck_report

    try:
        with open(output, "rb") as page:
            return Path(output).resolve() if is_mailcheck_report(page.read(2048)) else None
    except OSError:
        return None


def use_colour(output: str | None) -> bool:
    """Colour on a terminal only; never with NO_COLOR set or on a dumb terminal."""
    import os

    if output or os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    stdout = sys.stdout  # None when started with stdout closed
    return (stdout is not None and stdout.isatty()) or bool(os.environ.get("FORCE_COLOR"))


def run_checks(
    args: argparse.Namespace,
    config: Config,
    *,
    keep: Keep | None = None,
    quiet: bool = False,
    cached_links: bool = True,
    sources: Sequence[Source] | None = None,
) -> Batch:
    """Check the PATHs of a check-like command: each campaign with the network unless its
    config is offline, progress on a tty.

    ``keep``: what the command reads of each result (:func:`mailcheck.engine.lightened` for
    commands that only print findings); None keeps whole campaigns. ``cached_links=False``
    asks every link again (DNS answers may still come from the cache). ``sources``: the
    inputs found below the PATHs to check (None: all of them).
    """
    from mailcheck.engine import run

    # each campaign online or not as its own closest config says (--offline: every config)
    return run(
        args.paths,
        config,
        use_cache=not args.no_cache,
        cached_links=cached_links,
        progress=not quiet and show_progress(),
        keep=keep,
        sources=sources,
    )
