"""``mailcheck check``: lint campaigns."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from mailcheck.commands.common import (
    add_check_options,
    config_from_args,
    refuse_overwriting_inputs,
    run_checks,
    use_colour,
    write_output,
)
from mailcheck.engine import UsageError, lightened
from mailcheck.i18n import DEFAULT_LANGUAGE

if TYPE_CHECKING:
    from pathlib import Path

    from mailcheck.config import Config

HELP = "lint campaigns (campaign.toml dirs, .eml, .html)"
DESCRIPTION = """\
Lint e-mail campaigns before they are sent.

PATH may be a campaign directory (with campaign.toml), an .eml (or Apple Mail .emlx) test send,
an .html file, or any directory: mailcheck finds every campaign below it (saved messages
without an extension too), and says which mail files it does not read (Outlook .msg/.oft,
mboxes, MJML or Inky source to compile first: INP002). Each campaign uses the closest
mailcheck.toml or [tool.mailcheck] in pyproject.toml above it (see --show-settings); flags
override it, and a campaign.toml overrides it for its campaign. Rules are chosen as ruff's,
level by level (config, the configs it extends, campaign.toml, then --select/--ignore): a
level's select replaces the rules chosen so far, its ignore removes from them.

exit codes: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 usage error"""


def configure(p: argparse.ArgumentParser) -> None:
    add_check_options(p)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    p.add_argument(
        "--statistics",
        action="store_true",
        help="print how many findings each rule has (text or json), not the findings",
    )
    p.add_argument(
        "--quiet",
        "-q",
        action="store_true",
        help="errors only: warnings are not printed (still counted for --strict)",
    )
    p.add_argument(
        "--show-settings",
        action="store_true",
        help="print the configuration (and database) that applies to the first PATH (a campaign: "
        "with its campaign.toml's keys), and the configs below it that its campaigns use "
        "instead, then exit",
    )


def exit_code(errors: int, warnings: int, strict: bool) -> int:
    return 1 if errors or (strict and warnings) else 0


def run(args: argparse.Namespace) -> int:
    from mailcheck.reports import render

    config = config_from_args(args)
    if args.show_settings:
        if args.format != "text":
            raise UsageError("--show-settings prints text, not " + args.format)
        write_output(shown_settings(config, args.paths), args.output)
        return 0
    if args.statistics and args.format not in ("text", "json"):
        raise UsageError("--statistics prints text or json, not " + args.format)
    # before the work, not after
    refuse_overwriting_inputs(args.output, args.paths, database=config.db_url)
    # the writers only name campaigns: light results, cheaper to collect from the workers
    batch = run_checks(args, config, keep=lightened, quiet=args.quiet)
    results = batch.results
    refuse_overwriting_inputs(args.output, args.paths, results)
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    colour = use_colour(args.output)
    language = config.report.language
    if args.statistics:
        from mailcheck.reports.statistics import render_statistics

        text = render_statistics(results, fmt=args.format, colour=colour, language=language)
    else:
        text = render(
            args.format,
            results,
            colour=colour,
            language=language,
            strict=args.strict,
            quiet=args.quiet,
        )
    write_output(text, args.output)
    if args.strict and warnings and not errors:  # the summary says "0 errors": why exit 1
        from mailcheck.reports.text import said_warnings

        said = said_warnings(warnings, DEFAULT_LANGUAGE)
        fail = "fails" if warnings == 1 else "fail"
        print(f"mailcheck: --strict: {said} {fail} the run", file=sys.stderr)
    return exit_code(errors, warnings, args.strict)


def shown_settings(config: Config, paths: list[str]) -> str:
    """``--show-settings``: what applies to the first PATH. A campaign directory (or its
    campaign.toml) is judged with its campaign.toml's keys on top of the config file's, so
    those are shown, and said to come from there."""
    from pathlib import Path

    from mailcheck.config import campaign_config, settings_text
    from mailcheck.loaders import MANIFEST, load

    path = Path(paths[0]) if paths else None
    manifest = path / MANIFEST if path is not None and path.name != MANIFEST else path
    if manifest is None or not manifest.is_file():
        return settings_text(config) + _configs_below(config, path)
    campaign = load(manifest, str(manifest), config)
    if not campaign.config_overrides:
        note = f"campaign: {manifest} (sets no setting: the config file's apply)"
        if campaign.load_error is not None and campaign.kind == "toml":
            note = (
                f"campaign: {manifest} could not be read ({campaign.load_error}): "
                "the config file's settings are shown"
            )
        return settings_text(config).replace("\n", f"\n{note}\n", 1)
    keys = ", ".join(campaign.config_overrides)
    flags = [f"--{k}" for k, _ in config.cli_overrides if k in ("select", "ignore")]
    on_top = f"; {' and '.join(flags)} on top" if flags else ""
    note = f"campaign: {manifest} (its campaign.toml overrides: {keys}{on_top})"
    return settings_text(campaign_config(campaign, config)).replace("\n", f"\n{note}\n", 1)


def _configs_below(config: Config, path: Path | None) -> str:
    """The config files below a directory PATH whose campaigns use them, not the one shown
    (each campaign uses its closest config: its network, language, rules)."""
    import os
    from pathlib import Path

    from mailcheck.config import find_config
    from mailcheck.engine import SKIP_DIRS

    if path is None or not path.is_dir() or not config.discover:
        return ""
    found: list[str] = []
    for dirpath, dirnames, _ in os.walk(path):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
        here = Path(dirpath)
        nearest = find_config(here.resolve())  # a mailcheck.toml wins over a pyproject.toml
        if nearest is None or nearest[0].parent != here.resolve() or nearest[0] == config.path:
            continue
        found.append(str(here / nearest[0].name))
    if not found:
        return ""
    listed = "".join(f"  {name}\n" for name in found)
    return (
        f"\nconfigs below {path} that apply to the campaigns below them instead (each campaign "
        f"uses its closest config; --show-settings on their paths shows theirs):\n{listed}"
    )
