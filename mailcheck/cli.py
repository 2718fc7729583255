"""The ``mailcheck`` command line: a thin dispatcher over ``mailcheck.commands``.

Each sub-command lives in its own module with ``HELP``, ``configure(parser)`` and
``run(args) -> int``. Modules import their heavy dependencies inside ``run`` so that
``mailcheck --version`` and ``mailcheck rules`` start fast.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import signal
import sys
from collections.abc import Sequence
from types import ModuleType

from mailcheck import __version__

COMMANDS = [
    "check",
    "rules",
    "rule",
    "dialects",
    "spf",
    "domain",
    "report",
    "launch",
    "launches",
    "incident",
    "monitor",
    "kpi",
]

EPILOG = """\
exit codes: 0 no errors, 1 errors found (or warnings with --strict), 2 usage or configuration error

examples:
  mailcheck check campaigns/                 lint every campaign below campaigns/
  mailcheck check --offline --format json .  no network; machine-readable output
  mailcheck rule PER002                      what a rule finds and how to fix it
  mailcheck dialects campaigns/              which template language each campaign is read as
"""


def _command_modules(names: Sequence[str]) -> list[tuple[str, ModuleType]]:
    found = []
    for name in names:
        try:
            module = importlib.import_module(f"mailcheck.commands.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"mailcheck.commands.{name}":
                raise
            continue
        found.append((name, module))
    return found


def build_parser(commands: Sequence[str] = COMMANDS) -> argparse.ArgumentParser:
    """The command line with these sub-commands (by default all). Only the modules of the
    ones named are imported: ``mailcheck check`` does not pay for ``launch``'s store."""
    parser = argparse.ArgumentParser(
        prog="mailcheck",
        description="Pre-send QA linter for e-mail campaigns.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"mailcheck {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in _command_modules(commands):
        p = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", module.HELP),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if getattr(module, "READS_CONFIG", True):  # offered only where it is read
            p.add_argument(
                "--config", metavar="FILE", help="use this mailcheck.toml or pyproject.toml"
            )
        module.configure(p)
        p.set_defaults(handler=module.run, command_parser=p)
    return parser


def _unrecognised(unknown: list[str], parser: argparse.ArgumentParser) -> str:
    """argparse's "unrecognized arguments", with the closest option of the command for each
    one that looks like a misspelt option (``--ofline``: did you mean --offline?)."""
    import difflib

    options = [o for action in parser._actions for o in action.option_strings]
    said = []
    for arg in unknown:
        close = difflib.get_close_matches(arg.split("=", 1)[0], options, n=1, cutoff=0.75)
        said.append(f"{arg} (did you mean {close[0]}?)" if arg.startswith("-") and close else arg)
    return "unrecognized arguments: " + " ".join(said)


def _terminated(signum: int, _frame: object) -> None:
    raise SystemExit(128 + signum)


def main(argv: Sequence[str] | None = None) -> int:
    args_given = list(sys.argv[1:] if argv is None else argv)
    # The sub-command is the first word that is not an option (top-level options take no value).
    named = next((a for a in args_given if not a.startswith("-")), None)
    if named in COMMANDS:
        parser = build_parser([named])
    elif named is None and "--version" in args_given:
        parser = build_parser([])  # the version needs no sub-command
    else:
        parser = build_parser()  # help, or an unknown command: the list of them all
    args, unknown = parser.parse_known_args(args_given)
    if unknown:  # said with the command's own usage, not the list of commands
        command_parser = getattr(args, "command_parser", None) or parser
        command_parser.error(_unrecognised(unknown, command_parser))
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    from mailcheck.commands.common import OutputError, silence_stdout
    from mailcheck.config import ConfigError
    from mailcheck.engine import UsageError

    # a terminal or a CI log that cannot show a character gets it escaped, never a failed
    # command (a launch already recorded must not report an error for "ё" on an ASCII log)
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")

    # SIGTERM (a cancelled CI job) unwinds like Ctrl-C, so worker processes are stopped
    with contextlib.suppress(ValueError):  # not the main thread (called as a library)
        signal.signal(signal.SIGTERM, _terminated)
    try:
        code: int = args.handler(args)
        return code
    except (ConfigError, UsageError, OutputError) as exc:
        print(f"mailcheck: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("mailcheck: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # stdout went away (a reader that stopped): not "errors found"
        silence_stdout()
        if args.command in _READING_COMMANDS:
            return 0  # `mailcheck rules | head`: the reader had what it wanted
        # a check's or a launch's verdict was not all written: never a quiet success
        print("mailcheck: error: cannot write the output: broken pipe", file=sys.stderr)
        return 2
    finally:
        _report_plugin_problems()


# Commands that only show documentation: a reader that stops early loses nothing.
_READING_COMMANDS = frozenset({"rules", "rule"})


def _report_plugin_problems() -> None:
    """Every command that loaded the rules says what went wrong with a plugin (on stderr):
    a broken plugin fails nothing else, but it must never go unnoticed."""
    from mailcheck.registry import loaded, warn_problems

    registry = loaded()
    if registry is not None:
        warn_problems(registry)
