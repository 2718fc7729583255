"""Where a finding points in the repository: a repo-relative file and, when known, a line.

CI consumers (SARIF code scanning, GitHub annotations, JUnit) want a path relative to the
repository root and a line number. Findings carry the campaign's source path as the user gave
it and a free-form ``location`` ("subject", "line 12", "email.html:12", …); this module turns
those into what the machine formats need, without guessing when nothing is known.
"""

from __future__ import annotations

import gettext
import os
import re
from pathlib import Path, PurePosixPath

from mailcheck.i18n import N_
from mailcheck.model import Campaign, Finding

# "email.html:12", "email.html:12:5": a file of the campaign and a line in it.
_FILE_LINE = re.compile(r"^(?P<file>[^\s:]+\.(?:html?|txt|toml|eml|csv|json)):(?P<line>\d+)")
# "line 12", "… (line 12)", "html line 12"
_WORD_LINE = re.compile(r"\bline\s+(?P<line>\d+)\b", re.I)


def repo_path(path: str, root: Path | None = None) -> str:
    """``path`` relative to ``root`` (default: the working directory), with forward slashes.

    A path outside the root stays absolute: pointing at the wrong file would be worse.
    """
    base = (root or Path.cwd()).resolve()
    p = Path(path)
    absolute = p if p.is_absolute() else base / p
    try:
        rel = Path(os.path.normpath(absolute)).relative_to(base)
    except ValueError:
        return Path(os.path.normpath(absolute)).as_posix()
    return rel.as_posix()


# The places that are parts of a campaign rather than files, as a reader is told them
PART_NAMES = {
    "subject": N_("subject"),
    "preheader": N_("preheader"),
    "headers": N_("headers"),
    "template": N_("template"),
    "MIME parts": N_("MIME parts"),
    "text/html part": N_("text/html part"),
    "text/plain part": N_("text/plain part"),
    "text part": N_("text part"),
    "List-Unsubscribe header": N_("List-Unsubscribe header"),
    "body": N_("body"),
    "text": N_("text"),
}
# the sample recipient a finding is about ("sample 2 (anna@shop.ru)", a render's label)
_SAMPLE = re.compile(r"sample (?P<index>\d+)(?: \((?P<value>.*)\))?", re.S)
# "email.html:12", "text/html part:12": a file or part and a line (all of a place)
_NAME_LINE = re.compile(r"(?P<name>[^:]+):(?P<line>\d+)")


def compact(places: tuple[str, ...] | list[str], tr: gettext.NullTranslations | None = None) -> str:
    """Places joined for reading, a file (or part) named once per run of its lines:
    ``email.html:12, 15, 20, subject``; with ``tr``, the parts of a campaign ("subject",
    "text/html part:12") in its language (machine outputs keep them as they are)."""
    out: list[str] = []
    previous = None
    for place in places:
        match = _NAME_LINE.fullmatch(place)
        name, line = (match.group("name"), match.group("line")) if match else (place, None)
        if line is not None and name == previous:
            out.append(line)
            continue
        previous = name if line is not None else None
        if tr is not None and name in PART_NAMES:
            name = tr.gettext(PART_NAMES[name])
        elif tr is not None and (sample := _SAMPLE.fullmatch(name)):
            index, value = sample.group("index", "value")
            said = "sample {index}" if value is None else "sample {index} ({value})"
            name = tr.gettext(said).format(index=index, value=value)
        out.append(f"{name}:{line}" if line is not None else name)
    return ", ".join(out)


def finding_file_line(
    campaign: Campaign, finding: Finding, root: Path | None = None
) -> tuple[str, int | None]:
    """The repo-relative file a finding is about and its 1-based line (None when unknown).
    (SARIF's fingerprints are made of this file: it stays the first place's.)"""
    return place_file_line(campaign, finding.location or "", root)


def first_line(campaign: Campaign, finding: Finding) -> tuple[str, int | None]:
    """The file and line of a finding's first place with a line, else of its first place:
    PER001 in the subject and at email.html:3 is at line 3 of email.html."""
    for place in finding.places:
        path, line = place_file_line(campaign, place)
        if line is not None:
            return path, line
    return finding_file_line(campaign, finding)


def place_file_line(
    campaign: Campaign, location: str, root: Path | None = None
) -> tuple[str, int | None]:
    """The repo-relative file and line (None when unknown) of one place of a finding."""
    source = repo_path(campaign.source, root)
    for label in campaign.partial_labels:
        # a partial of the campaign, below its directory ("partials/footer.liquid:12"): that
        # file, whatever its name ends with
        if location == label or location.startswith(f"{label}:"):
            said = location[len(label) + 1 :]
            at = int(said) if said.isdigit() and int(said) else None
            return str(PurePosixPath(source).parent / label), at
    if campaign.file_name and location.startswith(f"{campaign.file_name}:"):
        # a line of a saved message's file, whatever its name ends with (m0129, .emlx)
        said = location[len(campaign.file_name) + 1 :]
        return source, int(said) if said.isdigit() and int(said) else None
    match = _FILE_LINE.match(location)
    if match:
        line = int(match.group("line")) or None
        name = match.group("file")
        if campaign.kind == "toml":
            # a file inside the campaign directory, e.g. the HTML next to campaign.toml
            return str(PurePosixPath(source).parent / name), line
        if PurePosixPath(source).name == PurePosixPath(name).name:
            return source, line
        if name in _files_beside(campaign):
            # the text part kept beside a bare HTML (content.txt): its own file, at its line
            return str(PurePosixPath(source).parent / name), line
        return source, None
    if location in _files_beside(campaign):  # (one that could not be read: INP001)
        return str(PurePosixPath(source).parent / location), None
    word = _WORD_LINE.search(location)
    if word and int(word.group("line")) > 0:
        return source, int(word.group("line"))
    return source, None


def _files_beside(campaign: Campaign) -> set[str]:
    """The files of a bare HTML's campaign beside it, as its findings name them: the .txt of
    its stem (read as its text part, or not read: INP001)."""
    if campaign.kind != "html":
        return set()
    names = {name for name, _ in campaign.files_unread}
    return names | {campaign.text_file} if campaign.text_file else names
