"""What exactly was launched: a hash over a campaign's source files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mailcheck.model import Campaign


def content_hash(campaign: Campaign) -> str:
    """sha256 (hex) over the files the campaign was loaded from, each framed by role and length.

    The loader records them (manifest, html, text, samples; or the .eml/.html itself), so the
    hash covers exactly what was checked, including the html file the loader chose by default.
    """
    digest = hashlib.sha256()
    for role, name in campaign.source_files or [("file", campaign.source)]:
        try:
            data = Path(name).read_bytes()
        except OSError:
            digest.update(f"{role}\0missing\0".encode())
            continue
        digest.update(f"{role}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
