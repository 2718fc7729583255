"""What a template part its engine refuses (PER004) still says about its variables.

One syntax error used to switch off every other personalisation finding of the campaign: the
greeting above an unclosed ``{% if %}`` lost its PER001. The engine refuses the part, but the
error is usually one tag: an opening tag whose block is never closed, a closing tag with no
block, a tag written wrong (``{{ code | default('нет' }}``). Without that one tag the engine
reads the rest, and the rest is what the author wrote.

What is certain then depends on the fix the author will make, which mailcheck cannot know:

* a tag written wrong is fixed where it stands: every other use reads as it will once fixed;
* an opening tag never closed will be closed somewhere after it, or removed: the uses before
  it are certain, those after it may end up inside its block (guarded by it, looped over,
  commented out), so they are not verified;
* a closing tag (or an ``else``) with no block will be removed, or its opening tag added
  somewhere before it: the uses after it are certain, those before it are not verified.

Which kind the tag is, mailcheck reads from its first word, as every dialect here writes its
blocks (``if``/``for``/``each``/``#``, ``end…``/``/``/``else``); a tag with no such word is
read as a tag written wrong. When no single tag's removal lets the engine read the part (two
errors, a tag the dialect's pattern does not find), nothing is salvaged, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import regex

from mailcheck.templating.core import IsSystem, Parsed, TemplateError
from mailcheck.templating.dialect import Dialect

Kind = Literal["opens", "closes", "inline"]

# Tags tried, nearest to the line the engine names first: enough for the blocks of a real
# e-mail around that line, and each try is a parse of the whole part
MAX_TRIES = 40

# A tag's first word after its delimiters ("{%-", "{{", "[%", "@{", "*|", "<?php", "<?=").
_LEAD = regex.compile(r"^[^\w/#^]*(?:php\b\s*)?")
_CLOSES = regex.compile(
    r"(?:/|end(?![a-z])|end[_:\s]?(?:if|for|each|unless|case|capture|raw|comment|with|block"
    r"|macro|call|filter|set|foreach|while|switch|tablerow|paginate|autoescape|trans)\b"
    r"|else|elif|elsif|elseif)",
    regex.I,
)
_OPENS = regex.compile(
    r"(?:[#^]|(?:if|unless|for|foreach|each|with|case|capture|raw|comment|block|macro|call"
    r"|filter|tablerow|paginate|while|switch|autoescape|trans|interested|range|define|set)\b)",
    regex.I,
)


@dataclass(frozen=True)
class Salvaged:
    """A refused part read without its one broken tag."""

    parsed: Parsed  # the part without ``tag``: its uses are the part's
    tag: str  # the broken tag as written
    line: int  # its line in the part
    kind: Kind

    def unsure(self, line: int) -> bool:
        """Whether a use at ``line`` may read otherwise once the tag is fixed."""
        if self.kind == "opens":
            return line >= self.line
        if self.kind == "closes":
            return line <= self.line
        return False


def kind_of(tag: str) -> Kind:
    """Whether ``tag`` opens a block, closes one (or starts its ``else``), or is neither."""
    word = _LEAD.sub("", tag, count=1)
    # Velocity's "#end", "#else" close as "end" does; PHP's "<?php } ?>" is a brace alone
    if not word.strip(" ?>%}]|*") or _CLOSES.match(word.removeprefix("#")):
        return "closes"
    if _OPENS.match(word) and not (word[:3].lower() == "set" and "=" in word):
        return "opens"
    return "inline"


def salvage(
    parse: Callable[[str, IsSystem], Parsed],
    failing: str,
    shown: Parsed | str,
    is_system: IsSystem,
    dialect: Dialect,
    error: TemplateError,
) -> Salvaged | None:
    """The part read without the one tag of ``failing`` (the text the engine refused) whose
    removal lets the engine read it; None when no such tag is found.

    ``shown``: the part as its variables are read (HTML comments blanked), parsed already when
    only ``failing`` (the whole file, comments too) was refused, else the same text as
    ``failing``. A refusal inside one of the campaign's partials is that file's, and a fix
    there may change anything of the part that pulls it in: nothing is salvaged."""
    if error.file:
        return None
    found = dialect.leftovers(failing)
    if not found:
        return None
    lines = [failing.count("\n", 0, at) + 1 for at, _ in found]
    near = error.line or 1
    order = sorted(range(len(found)), key=lambda i: (abs(lines[i] - near), i))
    for i in order[:MAX_TRIES]:
        at, tag = found[i]
        # the tag's characters blanked: every other tag keeps its line and column
        blank = regex.sub(r"[^\n]", " ", tag)
        try:
            parsed = parse(failing[:at] + blank + failing[at + len(tag) :], is_system)
        except Exception:  # refused still (or the engine fails on a text cut so): not this tag
            continue
        return Salvaged(parsed if isinstance(shown, str) else shown, tag, lines[i], kind_of(tag))
    return None
