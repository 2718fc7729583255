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
read as a tag written wrong. The tags a count of the blocks leaves unpaired are tried first
(jinja2 names the end of the template for a block never closed, not its opening tag), then
those nearest the line the engine names; the engine's parse decides. Where several tags would
do (``{% if a %}…{% if b %}…{% endif %}``), whichever is taken, no fix guards a use the
reading calls certain and unguarded (at worst the reading guards one the fix will not, and a
finding waits for the fix): the certain findings stand. When no single
tag's removal lets the engine read the part (two errors, a tag the dialect's pattern does not
find), nothing is salvaged, as before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import regex

from mailcheck.i18n import t
from mailcheck.templating.core import IsSystem, Parsed, TemplateError
from mailcheck.templating.dialect import Dialect

Kind = Literal["opens", "closes", "inline"]

# Each try is a parse of the whole part (jinja2 compiles it: ~0.1 s for a 60 KB template), so
# a part no one tag explains costs at most this many parses
MAX_TRIES = 12
# ... and only a part of an ordinary template's size is tried: each parse of a part with tens of
# thousands of tags takes seconds (50,000 Velocity "#if(" never closed: ~3.4 s a parse, 12 tries
# ~40 s). A count, not a clock, so that the findings do not depend on the machine's load.
MAX_TAGS = 5_000

# A tag's first word after its delimiters ("{%-", "{{", "[%", "@{", "*|", "<?php", "<?=").
# PHP's braces go with it: "<?php } else { ?>" is an else, "<?php } ?>" a closing tag.
_LEAD = regex.compile(r"^[^\w/#^]*(?:php\b[\s}]*)?")
_BLOCKS = (
    r"if|unless|for|foreach|each|with|case|capture|raw|comment|block|macro|call|filter"
    r"|tablerow|paginate|while|switch|autoescape|trans|set|range|define|form|schema|style"
    r"|javascript|verbatim|spaceless|embed|apply|sandbox|interested"
)
_CLOSES = regex.compile(rf"(?:/|end(?![a-z])|end[_:\s]?(?:{_BLOCKS})\b)", regex.I)
_MIDDLE = regex.compile(r"(?:else|elif|elsif|elseif)(?![a-z])", regex.I)
_OPENS = regex.compile(rf"(?:[#^]|(?:{_BLOCKS})\b)", regex.I)

Role = Literal["open", "close", "middle", "inline"]


def _role(tag: str) -> Role:
    """What ``tag`` does to the blocks around it, read from its first word."""
    word = _LEAD.sub("", tag, count=1)
    bare = word.removeprefix("#")  # Velocity's "#end", "#else"
    # PHP's "<?php } ?>" is a brace alone
    if not word.strip(" ?>%}]|*") or _CLOSES.match(bare):
        return "close"
    if _MIDDLE.match(bare):
        return "middle"
    if _OPENS.match(word) and not (word[:3].lower() == "set" and "=" in word):
        return "open"
    return "inline"


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

    def at_opening(self, error: TemplateError, engine: str) -> TemplateError:
        """``error`` at the line of the tag never closed, when that is what this tag is and
        the engine named another line: jinja2 names where it stopped looking for the closing
        tag (the end of the template, or the tag it ran into), which tells the author nothing
        of which block to close. A tag written wrong, or an engine that names the opening tag
        already (Liquid, Handlebars), keeps the engine's own words."""
        if self.kind != "opens" or error.line == self.line:
            return error
        flat = " ".join(self.tag.split())  # the tag on one line, as a finding quotes it
        tag = flat if len(flat) <= 80 else flat[:79] + "…"
        message = (
            t(
                "{tag} is never closed ({engine} stopped at line {line})",
                tag=tag,
                engine=engine,
                line=error.line,
            )
            if error.line
            else t("{tag} is never closed", tag=tag)
        )
        return TemplateError(message, self.line, error.file)


def kind_of(tag: str) -> Kind:
    """Whether ``tag`` opens a block, closes one (or starts its ``else``), or is neither."""
    role = _role(tag)
    return "opens" if role == "open" else "inline" if role == "inline" else "closes"


def _unbalanced(found: list[tuple[int, str]]) -> list[int]:
    """The tags a count of the blocks leaves unpaired (by index, in order): each closing or
    ``else`` tag with no block open, each opening tag never closed. Blocks are counted, not
    named: a guess at which tag to try first, which the engine's parse then confirms."""
    open_at: list[int] = []
    stray: list[int] = []
    for i, (_, tag) in enumerate(found):
        role = _role(tag)
        if role == "open":
            open_at.append(i)
        elif role == "close" and open_at:
            open_at.pop()
        elif role != "inline" and not open_at:
            stray.append(i)
    return sorted(stray + open_at)


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
    if not found or len(found) > MAX_TAGS:
        return None
    lines = [failing.count("\n", 0, at) + 1 for at, _ in found]
    near = error.line or 1
    first = _unbalanced(found)
    rest = sorted(set(range(len(found))) - set(first), key=lambda i: (abs(lines[i] - near), i))
    for i in [*first, *rest][:MAX_TRIES]:
        at, tag = found[i]
        # the tag's characters blanked: every other tag keeps its line and column
        blank = regex.sub(r"[^\n]", " ", tag)
        try:
            parsed = parse(failing[:at] + blank + failing[at + len(tag) :], is_system)
        except Exception:  # refused still (or the engine fails on a text cut so): not this tag
            continue
        return Salvaged(parsed if isinstance(shown, str) else shown, tag, lines[i], kind_of(tag))
    return None
