"""What exactly was launched: a hash over a campaign's source files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from mailcheck.config import LimitsConfig
from mailcheck.confined import RefusedInput, read_file
from mailcheck.model import Campaign


def content_hash(campaign: Campaign, *, narrowed: str = "") -> str:
    """sha256 (hex) over the files the campaign was loaded from, each framed by role and length.

    The loader records them (manifest, html, text, samples; or the .eml/.html itself) and so
    does the renderer for the partials the template pulls in, so the hash covers exactly what
    was checked, including the html file the loader chose by default. ``narrowed`` (the
    launch's own --select/--ignore) is hashed too: fewer checks, another launch.
    """
    digest = hashlib.sha256()
    if narrowed:
        digest.update(f"narrowed\0{narrowed}\0".encode())
    for role, name in campaign.source_files or [("file", campaign.source)]:
        try:  # never a FIFO, a device or a file of any size: as the loader reads them
            data = read_file(Path(name), root=None, limit=LimitsConfig().message_bytes)
        except RefusedInput:
            digest.update(f"{role}\0missing\0".encode())
            continue
        digest.update(f"{role}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
