"""What exactly was launched: a hash over a campaign's source files."""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path

from mailcheck.model import Campaign

MANIFEST = "campaign.toml"


def campaign_files(campaign: Campaign) -> list[tuple[str, Path]]:
    """(role, path) of every source file the campaign is made of, in a fixed order.

    A campaign.toml directory: the manifest and the html, text and samples files it names
    (the html defaults to the directory's only *.html); an .eml or .html: the file itself.
    """
    source = Path(campaign.source)
    if campaign.kind != "toml":
        return [("file", source)]
    manifest = source / MANIFEST if source.is_dir() else source
    directory = manifest.parent
    files = [("manifest", manifest)]
    try:
        data = tomllib.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return files  # an unreadable manifest is INP001; its bytes still identify it
    html = data.get("html")
    if not isinstance(html, str):
        found = sorted(p.name for p in directory.glob("*.htm*") if p.suffix in (".html", ".htm"))
        html = found[0] if len(found) == 1 else None
    named = (("html", html), ("text", data.get("text")), ("samples", data.get("samples")))
    for role, name in named:
        if isinstance(name, str) and name:
            files.append((role, directory / name))
    return files


def content_hash(campaign: Campaign) -> str:
    """sha256 (hex) over the campaign's source files, each framed by its role and length."""
    digest = hashlib.sha256()
    for role, path in campaign_files(campaign):
        try:
            data = path.read_bytes()
        except OSError:
            digest.update(f"{role}\0missing\0".encode())
            continue
        digest.update(f"{role}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
