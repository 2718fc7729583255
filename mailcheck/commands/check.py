"""``mailcheck check``: lint campaigns."""

from __future__ import annotations

import argparse

from mailcheck.commands.common import (
    add_check_options,
    config_from_args,
    refuse_overwriting_inputs,
    run_checks,
    use_colour,
    write_output,
)

HELP = "lint campaigns (campaign.toml dirs, .eml, .html)"
DESCRIPTION = """\
Lint e-mail campaigns before they are sent.

PATH may be a campaign directory (with campaign.toml), an .eml test send, an .html file, or
any directory: mailcheck finds every campaign below it. Configuration comes from the nearest
mailcheck.toml or [tool.mailcheck] in pyproject.toml; flags override it.

exit codes: 0 no errors (warnings allowed), 1 errors (or warnings with --strict), 2 usage error"""


def configure(p: argparse.ArgumentParser) -> None:
    add_check_options(p)
    p.add_argument("--strict", action="store_true", help="exit 1 on warnings too")


def exit_code(errors: int, warnings: int, strict: bool) -> int:
    return 1 if errors or (strict and warnings) else 0


def run(args: argparse.Namespace) -> int:
    from mailcheck.reports import render

    config = config_from_args(args)
    refuse_overwriting_inputs(args.output, args.paths)  # before the work, not after
    # the writers only name campaigns: light results, cheaper to collect from the workers
    batch = run_checks(args, config, keep_documents=False)
    results = batch.results
    refuse_overwriting_inputs(args.output, args.paths, results)
    write_output(
        render(
            args.format,
            results,
            colour=use_colour(args.output),
            language=config.report.language,
        ),
        args.output,
    )
    errors = sum(r.errors for r in results)
    warnings = sum(r.warnings for r in results)
    return exit_code(errors, warnings, args.strict)
