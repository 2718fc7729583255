"""``mailcheck report``: the client QA report as one self-contained HTML file."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mailcheck.i18n import N_

if TYPE_CHECKING:
    from mailcheck.config import Config
    from mailcheck.model import CampaignResult

HELP = "write the client QA report (one self-contained HTML file)"
DESCRIPTION = """\
Check campaigns and write the QA report an agency sends to its client: the verdict first
(ready to send / N errors), findings with how to fix them, every link with its status,
redirects and UTM parameters, the sender's SPF/DKIM/DMARC records, the subject and preheader
as an inbox shows them, and a sandboxed preview of the e-mail.

The file is self-contained (inline CSS, logo inlined, no request leaves it) and prints well.
Agency name and logo come from [tool.mailcheck.report] (agency, logo) in the configuration.

exit codes: 0 no errors, 1 errors found (the report is written either way), 2 usage error"""

DEFAULT_OUTPUT = "mailcheck-report.html"


def configure(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "paths", nargs="+", metavar="PATH", help="campaign dirs, .eml/.emlx or .html files"
    )
    p.add_argument(
        "--output",
        "-o",
        metavar="FILE",
        default=DEFAULT_OUTPUT,
        help=f"where to write the report ({DEFAULT_OUTPUT}); - for stdout",
    )
    from mailcheck.commands.common import add_run_options

    add_run_options(p)


def run(args: argparse.Namespace) -> int:
    from mailcheck.commands.common import (
        config_from_args,
        refuse_overwriting_inputs,
        replaced_report,
        run_checks,
        write_output,
    )
    from mailcheck.reports.html import for_report, logo_data_uri, report_parts

    config = config_from_args(args)
    _, logo_problem = logo_data_uri(config.report.logo)
    if logo_problem:
        print(f"mailcheck: warning: {logo_problem}; the report has no logo", file=sys.stderr)
    refuse_overwriting_inputs(args.output, args.paths, database=config.db_url)
    replaced = replaced_report(args.output)
    # each campaign kept as the report reads it, its other bodies dropped where it was judged
    batch = run_checks(args, config, keep=for_report)
    refuse_overwriting_inputs(args.output, args.paths, batch.results)
    if replaced is not None:  # the report this one replaces is none of its campaigns
        batch.results = [r for r in batch.results if not _is_file(r, replaced)]
    errors = sum(r.errors for r in batch.results)
    warnings = sum(r.warnings for r in batch.results)
    # written as it is rendered: a large batch's report is never one string in memory
    write_output(
        report_parts(batch.results, batch.facts, config, offline=batch.offline), args.output
    )
    if args.output != "-":
        print(
            _wrote(args.output, batch.results, errors, warnings, config, batch.offline),
            file=sys.stderr,
        )
    return 1 if errors else 0


def _is_file(result: CampaignResult, path: Path) -> bool:
    return any(Path(name).resolve() == path for _, name in result.campaign.source_files)


def _wrote(
    path: str,
    results: list[CampaignResult],
    errors: int,
    warnings: int,
    config: Config,
    offline: bool,
) -> str:
    """What the command says once the file is written, in the report's language."""
    from mailcheck.i18n import translations
    from mailcheck.reports.text import said_checked, said_counts

    language = config.report.language
    tr = translations(language)
    counts = said_counts(errors, warnings, language)
    ready = _READY_OFFLINE if offline else N_("ready to send")
    skipped = sum(r.skipped for r in results)
    return tr.gettext("mailcheck: wrote %(path)s: %(checked)s, %(counts)s%(verdict)s") % {
        "path": path,
        "checked": said_checked(len(results), language, skipped),
        "counts": counts,
        # nothing read is nothing judged ready (the skipped count says why)
        "verdict": "" if errors or skipped == len(results) else " — " + tr.gettext(ready),
    }


# the headline's words: an offline run judged neither links nor the sender's DNS
_READY_OFFLINE = N_("ready to send — links and DNS not verified")
