"""Mailchimp merge tags: ``*|FNAME|*``, ``*|IF:FNAME|*…*|ELSE:|*…*|END:IF|*``, ``*|IFNOT:…|*``.

Mailchimp has no inline fallback (defaults live in the audience settings, invisible in the
HTML), so only an IF block around a tag counts as a guard. Tag names are matched against sample
keys case-insensitively (a CSV header is often "fname").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import quote

import regex

from mailcheck.i18n import t
from mailcheck.templating.core import IsSystem, TemplateError, Use
from mailcheck.templating.tags import unclosed_tag

_TAG = regex.compile(r"\*\|([^|*\n]{1,200}?)\|\*")
_CONDITION = regex.compile(r"^\s*([A-Za-z0-9_:]+?)\s*(!=|<>|>=|<=|=|>|<)\s*(.*?)\s*$")
_MODIFIERS = ("TITLE:", "UPPER:", "LOWER:", "URL:")
_OPENERS = ("*|",)


@dataclass
class _Var:
    name: str
    modifier: str
    line: int


@dataclass
class _Branch:
    name: str
    op: str | None
    operand: str
    negate: bool
    body: list[object] = field(default_factory=list)


@dataclass
class _If:
    line: int
    branches: list[_Branch] = field(default_factory=list)
    otherwise: list[object] | None = None


def _condition(text: str, negate: bool) -> _Branch:
    m = _CONDITION.match(text)
    if m:
        return _Branch(m.group(1).upper(), m.group(2), m.group(3).strip("'\""), negate)
    return _Branch(text.strip().upper(), None, "", negate)


class MailchimpTemplate:
    """A parsed template part in Mailchimp's merge language."""

    def __init__(self, source: str, is_system: IsSystem) -> None:
        self.is_system = is_system
        self.body: list[object] = []
        self.uses: list[Use] = []
        stack: list[tuple[_If, list[object]]] = []  # open IF blocks and the list to add to
        current = self.body
        pos = 0
        line, counted = 1, 0  # lines counted on from the previous tag, not from the top
        for m in _TAG.finditer(source):
            line += source.count("\n", counted, m.start())
            counted = m.start()
            if m.start() > pos:
                text = source[pos : m.start()]
                # "*|FNAME|!" is no tag: the recipient reads it as written
                unclosed_tag(text, _OPENERS, line - text.count("\n"))
                current.append(text)
            pos = m.end()
            tag = m.group(1).strip()
            upper = tag.upper()
            if upper.startswith(("IF:", "IFNOT:")):
                negate = upper.startswith("IFNOT:")
                block = _If(line, [_condition(tag.split(":", 1)[1], negate)])
                current.append(block)
                stack.append((block, current))
                current = block.branches[0].body
            elif upper.startswith("ELSEIF:"):
                if not stack or stack[-1][0].otherwise is not None:
                    raise TemplateError(
                        t("{tag} outside an '*|IF:…|*' block", tag=f"'*|{tag}|*'"), line
                    )
                branch = _condition(tag.split(":", 1)[1], False)
                stack[-1][0].branches.append(branch)
                current = branch.body
            elif upper in ("ELSE:", "ELSE"):
                if not stack or stack[-1][0].otherwise is not None:
                    raise TemplateError(
                        t("{tag} outside an '*|IF:…|*' block", tag=f"'*|{tag}|*'"), line
                    )
                stack[-1][0].otherwise = []
                current = stack[-1][0].otherwise
            elif upper in ("END:IF", "END:IFNOT"):
                if not stack:
                    raise TemplateError(
                        t("{tag} without an opening '*|IF:…|*'", tag=f"'*|{tag}|*'"), line
                    )
                current = stack.pop()[1]
            elif upper.startswith(("INTERESTED:", "END:INTERESTED")):
                continue  # interest-group blocks: shown to some recipients, no variables
            elif upper.startswith("END:") or upper == "SURVEY":
                # the end of a content block Mailchimp fills itself (*|END:RSSITEMS|*,
                # *|END:FEEDBLOCK|*, *|END:POLL|*, a survey's *|SURVEY|* … *|END:|*): prints
                # nothing, names no variable
                continue
            else:
                name = tag
                modifier = ""
                for mod in _MODIFIERS:
                    if upper.startswith(mod):
                        modifier, name = mod[:-1], tag[len(mod) :]
                        break
                current.append(_Var(name.strip(), modifier, line))
        if stack:
            block = stack[-1][0]
            raise TemplateError(
                t(
                    "{tag} is never closed with '*|END:IF|*'",
                    tag=f"'*|IF:{block.branches[0].name}|*'",
                ),
                block.line,
            )
        if pos < len(source):
            unclosed_tag(source[pos:], _OPENERS, line + source.count("\n", counted, pos))
            current.append(source[pos:])
        self._collect(self.body, frozenset())

    def _collect(self, body: list[object], guards: frozenset[str]) -> None:
        for item in body:
            if isinstance(item, _Var):
                self._use(item.name, item.line, guarded=item.name.upper() in guards)
            elif isinstance(item, _If):
                earlier: set[str] = set()
                for branch in item.branches:
                    self._use(branch.name, item.line, guarded=True)
                    sure = (
                        {branch.name}
                        if not branch.negate and branch.op in (None, "!=", "<>")
                        else set()
                    )
                    self._collect(branch.body, guards | sure)
                    if branch.negate and branch.op is None:
                        earlier.add(branch.name)
                if item.otherwise is not None:
                    self._collect(item.otherwise, guards | earlier)

    def _use(self, name: str, line: int, *, guarded: bool) -> None:
        self.uses.append(Use(name=name, line=line, guarded=guarded))

    def render(self, values: Mapping[str, object]) -> str:
        folded = {k.upper(): v for k, v in values.items()}
        out: list[str] = []
        self._render(self.body, folded, out)
        return "".join(out)

    def _render(self, body: list[object], values: Mapping[str, object], out: list[str]) -> None:
        for item in body:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, _Var):
                value = values.get(item.name.upper())
                text = "" if value is None else str(value)
                if item.modifier == "UPPER":
                    text = text.upper()
                elif item.modifier == "LOWER":
                    text = text.lower()
                elif item.modifier == "TITLE":
                    text = text.title()
                elif item.modifier == "URL":
                    text = quote(text)
                out.append(text)
            elif isinstance(item, _If):
                for branch in item.branches:
                    if _holds(branch, values):
                        self._render(branch.body, values, out)
                        break
                else:
                    if item.otherwise is not None:
                        self._render(item.otherwise, values, out)


def _holds(branch: _Branch, values: Mapping[str, object]) -> bool:
    value = values.get(branch.name)
    text = "" if value is None else str(value)
    result = _compare(text, branch.op, branch.operand) if branch.op else bool(text.strip())
    return not result if branch.negate else result


def _compare(left: str, op: str, right: str) -> bool:
    try:
        a: float | str = float(left)
        b: float | str = float(right)
    except ValueError:
        a, b = left.lower(), right.lower()
    if op == "=":
        return a == b
    if op in ("!=", "<>"):
        return a != b
    if isinstance(a, float) and isinstance(b, float):
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}.get(op, False)
    if isinstance(a, str) and isinstance(b, str):
        return {">": a > b, "<": a < b, ">=": a >= b, "<=": a <= b}.get(op, False)
    return False


def parse(source: str, is_system: IsSystem) -> MailchimpTemplate:
    return MailchimpTemplate(source, is_system)
