"""The ``--format json`` shape (a public contract: version 1)."""

from __future__ import annotations

import json

from mailcheck.reports import listed

from mailcheck.model import CampaignResult
from mailcheck.suppression import comment_at


def as_dict(
    results: list[CampaignResult], *, strict: bool = False, quiet: bool = False
) -> dict[str, object]:
    # "ok" is the verdict the exit code gives (--strict: warnings fail); the summary counts
    # every finding, the ones --quiet does not list too
    return {
        "version": 1,
        "campaigns": [
            {
                "id": r.campaign.id,
                "source": r.campaign.source,
                "client": r.campaign.client,
                "ok": r.passed(strict),
                # (beyond the contract's keys) found and not read (INP002): "ok" says only
                # that nothing was found wrong in it
                "skipped": r.skipped,
                "findings": [f.to_json() for f in listed(r, quiet)],
                # (beyond the contract's keys) the file read as the text part: campaign.toml's
                # `text`, or the HTML's same-stem .txt; null for none, or a saved message's part
                "text_file": r.campaign.text_file,
                "suppressions": [
                    {
                        "codes": list(s.codes),
                        "scope": s.scope,
                        "location": comment_at(r.campaign, s),
                        "suppressed": [f.to_json() for f in hidden],
                    }
                    for s, hidden in r.suppressed
                ],
            }
            for r in results
        ],
        "summary": {
            "campaigns": len(results),
            "errors": sum(r.errors for r in results),
            "warnings": sum(r.warnings for r in results),
            # (beyond the contract's keys) how many of "campaigns" were found and not read
            "skipped": sum(r.skipped for r in results),
        },
    }


def render(
    results: list[CampaignResult],
    *,
    colour: bool = False,
    strict: bool = False,
    quiet: bool = False,
) -> str:
    data = as_dict(results, strict=strict, quiet=quiet)
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
