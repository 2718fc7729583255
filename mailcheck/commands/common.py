"""Options and helpers shared by the sub-commands that run checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailcheck.config import Config, ConfigError, load_config

if TYPE_CHECKING:
    from mailcheck.engine import Batch

FORMATS = ("text", "json", "sarif", "junit", "github")


def add_check_options(p: argparse.ArgumentParser, formats: tuple[str, ...] = FORMATS) -> None:
    p.add_argument("paths", nargs="+", metavar="PATH", help="campaign dirs, .eml or .html files")
    p.add_argument("--format", choices=formats, default="text", help="output format (text)")
    p.add_argument("--output", "-o", metavar="FILE", help="write the output here, not stdout")
    p.add_argument("--offline", action="store_true", help="no network: skip link and DNS rules")
    p.add_argument(
        "--no-cache",
        action="store_true",
        help="ask every link and DNS name again (the caches in .mailcheck/ get the new answers)",
    )
    p.add_argument("--select", metavar="CODES", help="comma-separated codes or prefixes to run")
    p.add_argument("--ignore", metavar="CODES", help="comma-separated codes or prefixes to skip")
    add_language_option(p)


def add_language_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        metavar="LANG",
        help="language of what the client reads: en or ru (default: [report] language)",
    )


def config_from_args(args: argparse.Namespace) -> Config:
    cfg = load_config(explicit=Path(args.config) if getattr(args, "config", None) else None)
    overrides: dict[str, object] = {}
    for key in ("select", "ignore"):
        value = getattr(args, key, None)
        if value:
            overrides[key] = [c.strip() for c in value.split(",") if c.strip()]
    if getattr(args, "offline", False):
        overrides["links"] = {"offline": True}
    if getattr(args, "lang", None):
        from mailcheck.i18n import LanguageError, check_language

        try:
            overrides["report"] = {"language": check_language(args.lang)}
        except LanguageError as exc:
            raise ConfigError(f"--lang: {exc}") from None
    return cfg.merged(overrides) if overrides else cfg


def write_output(text: str, output: str | None) -> None:
    if output:
        Path(output).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
        sys.stdout.flush()


def use_colour(output: str | None) -> bool:
    import os

    if output or os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty() or bool(os.environ.get("FORCE_COLOR"))


def run_checks(args: argparse.Namespace, config: Config, *, keep_documents: bool = True) -> Batch:
    """Check the PATHs of a check-like command: network unless offline, progress on a tty.

    ``keep_documents=False``: results without bodies and parsed documents
    (:func:`mailcheck.engine.lightened`), for commands that only print findings.
    """
    from mailcheck.engine import run

    return run(
        args.paths,
        config,
        offline=config.links.offline,
        use_cache=not args.no_cache,
        progress=sys.stderr.isatty(),
        keep_documents=keep_documents,
    )
