"""The ``--format json`` shape (a public contract: version 1)."""

from __future__ import annotations

import json

from mailcheck.model import CampaignResult


def as_dict(results: list[CampaignResult]) -> dict[str, object]:
    return {
        "version": 1,
        "campaigns": [
            {
                "id": r.campaign.id,
                "source": r.campaign.source,
                "client": r.campaign.client,
                "ok": r.ok,
                "findings": [f.to_json() for f in r.findings],
                "suppressions": [
                    {
                        "codes": list(s.codes),
                        "scope": s.scope,
                        "location": f"{r.campaign.html_label or 'html'}:{s.line}",
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
        },
    }


def render(results: list[CampaignResult], *, colour: bool = False) -> str:
    return json.dumps(as_dict(results), ensure_ascii=False, indent=2) + "\n"
