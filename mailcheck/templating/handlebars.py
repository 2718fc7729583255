"""Handlebars (SendGrid, Iterable) and Mustachio (Postmark): a small parser and renderer.

Supported: ``{{x}}``, ``{{{x}}}``, ``{{#if x}}…{{else}}…{{/if}}`` (and ``{{else if y}}``),
``{{#unless}}``, ``{{#each list}}`` (``this``, ``@index``, ``../x`` inside), ``{{#with}}``,
Mustache sections ``{{#x}}…{{/x}}`` and ``{{^x}}``, SendGrid's comparison blocks, the fallback
helpers ``{{insert x "default=y"}}`` and ``{{defaultIfEmpty x "y"}}``, comments and partials
(rendered empty). Values are not HTML-escaped: the HTML source is rendered as written, as the
other dialects do. Unbalanced blocks are syntax errors with the line of the offending tag.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import regex

from mailcheck.i18n import t
from mailcheck.templating import partials, written
from mailcheck.templating.core import IsSystem, TemplateError, Use, unflatten

_ARG = regex.compile(
    r"""\s*(?:([A-Za-z_][\w-]*)=)?"""
    r"""("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|(?P<paren>\((?:[^()]|(?&paren))*\))|[^\s()]+)"""
)
_NUMBER = regex.compile(r"^-?\d+(?:\.\d+)?$")
# Characters Handlebars never accepts in an identifier (outside [segment literals]): a tag
# holding one (``{{ name | upcase }}``, ``{{ price * 2 }}``) is refused by the engine.
_NOT_IN_ID = regex.compile(r"""[|{}!#%&*+,;<=>^`~]""")
_BLOCK_PARAMS = regex.compile(r"\s+as\s+\|[^|]*\|$")
_CONDITION_BLOCKS = {"if", "unless", "equals", "notEquals", "greaterThan", "lessThan", "and", "or"}
# Other ESPs' names for the same comparisons: Mailgun's {{#equal a "b"}} ("Handlebars Template
# Engine": if, unless, each, with, equal), Iterable's {{#ifEq a b}}, {{#ifGt a b}} …
_ALIASES = {
    "equal": "equals",
    "ifEq": "equals",
    "ifNotEq": "notEquals",
    "ifGt": "greaterThan",
    "ifGte": "greaterThanOrEqual",
    "ifLt": "lessThan",
    "ifLte": "lessThanOrEqual",
}
_FALLBACK_HELPERS = {"insert", "defaultIfEmpty", "default"}
# Partials within partials parsed at most this deep
_PARTIAL_DEPTH = 8


@dataclass(frozen=True)
class _Lit:
    value: object


@dataclass(frozen=True)
class _Path:
    parts: tuple[str, ...]
    depth: int = 0  # number of "../"
    data: bool = False  # @index, @key, @root…
    explicit_this: bool = False


@dataclass(frozen=True)
class _Sub:
    name: str
    params: tuple[object, ...]


_Expr = _Lit | _Path | _Sub


class _Section(str):
    """The scope of a Mustache section ``{{#user}}…{{/user}}``: the variable it names."""


@dataclass
class _Mustache:
    name: str  # a helper name when params are given, else ""
    params: list[_Expr]
    hash: dict[str, _Expr]
    line: int
    file: str = ""  # the campaign's partial it is written in (``line`` is that file's)


@dataclass
class _Block:
    name: str
    params: list[_Expr]
    line: int
    inverted: bool = False  # {{^x}}
    tag: str = ""  # the opening tag as written
    body: list[object] = field(default_factory=list)
    inverse: list[object] | None = None
    chained: bool = False  # opened by {{else if …}}: closed with its parent
    file: str = ""  # the campaign's partial it is written in (``line`` is that file's)


def _parse_expr(token: str) -> _Expr:
    if token.startswith("(") and token.endswith(")"):
        name, params, _ = _split_args(token[1:-1])
        return _Sub(name, tuple(params))
    if len(token) >= 2 and token[0] == token[-1] and token[0] in "\"'":
        return _Lit(token[1:-1])
    if _NUMBER.match(token):
        return _Lit(float(token) if "." in token else int(token))
    if token in ("true", "false"):
        return _Lit(token == "true")
    if token in ("null", "undefined"):
        return _Lit(None)
    return _path(token)


def _path(token: str) -> _Path:
    depth = 0
    while token.startswith("../"):
        depth += 1
        token = token[3:]
    data = token.startswith("@")
    if data:
        token = token[1:]
    explicit = token == "this" or token.startswith(("this.", "this/", "./"))
    if explicit:
        token = token[4:] if token.startswith("this") else token[2:]
        token = token.lstrip("./")
    parts = tuple(p.strip("[]") for p in regex.split(r"[./](?![^\[]*\])", token) if p)
    return _Path(parts, depth, data, explicit)


def _split_args(text: str, line: int = 0) -> tuple[str, list[_Expr], dict[str, _Expr]]:
    """``helper a "b" key=c`` -> ("helper", [a, "b"], {"key": c}).

    What Handlebars would refuse to parse (an unclosed "(", an operator) is a TemplateError
    at ``line``: the ESP refuses the template, so PER004.
    """
    params: list[_Expr] = []
    hashes: dict[str, _Expr] = {}
    name = ""
    pos = 0
    text = _BLOCK_PARAMS.sub("", text.strip())  # {{#each items as |item|}}: names, not values
    while pos < len(text):
        m = _ARG.match(text, pos)
        if not m or m.end() == pos:
            if text[pos:].strip():
                raise TemplateError(
                    t(
                        "cannot read “{part}” in {tag}",
                        part=text[pos:].strip(),
                        tag=f"'{{{{{text}}}}}'",
                    ),
                    line,
                )
            break
        pos = m.end()
        key, token = m.group(1), m.group(2)
        if token[0] not in "\"'(" and _NOT_IN_ID.search(regex.sub(r"\[[^\]]*\]", "", token)):
            raise TemplateError(
                t("“{token}” is not a name in {tag}", token=token, tag=f"'{{{{{text}}}}}'"), line
            )
        if not name and key is None and not params:
            name = token
        elif key is not None:
            hashes[key] = _parse_expr(token)
        else:
            params.append(_parse_expr(token))
    return name, params, hashes


class HandlebarsTemplate:
    """A parsed Handlebars/Mustachio template part."""

    def __init__(self, source: str, is_system: IsSystem) -> None:
        self.is_system = is_system
        self.partials: list[str] = []  # {{> footer}}: filled by the ESP or the build
        self.partials_at: list[tuple[str, int]] = []  # each of their tags: (name, line)
        self._reading: list[str] = []  # the campaign's partials being parsed into this one
        self.body = self._parse(source)
        self.uses: list[Use] = []
        # blocks of helpers mailcheck does not know (line, tag): what they print is not
        # verified (PER007)
        self.unread: list[tuple[int, str]] = []
        self._collect(self.body, [""], frozenset())

    # -- parsing ---------------------------------------------------------------------------

    def _parse(self, source: str) -> list[object]:
        root: list[object] = []
        stack: list[_Block] = []
        current = root
        pos = 0
        line = 1

        def target() -> list[object]:
            if not stack:
                return root
            top = stack[-1]
            return top.inverse if top.inverse is not None else top.body

        while True:
            start = source.find("{{", pos)
            if start < 0:
                if pos < len(source):
                    current.append(source[pos:])
                break
            if start > pos:
                current.append(source[pos:start])
            line += source.count("\n", pos, start)
            if source.startswith("{{!--", start) or source.startswith("{{~!--", start):
                end = source.find("--}}", start)
                close = 4
            elif source.startswith("{{{", start):
                end = source.find("}}}", start + 3)
                close = 3
            else:
                end = source.find("}}", start + 2)
                close = 2
            if end < 0:
                raise TemplateError(
                    t("{open} is never closed with {close}", open="'{{'", close="'}}'"), line
                )
            raw = close == 3
            inner = source[start + close : end] if raw else source[start + 2 : end]
            tag_line = line
            line += source.count("\n", start, end + close)
            pos = end + close
            inner = inner.strip().strip("~").strip()
            if raw:
                inner = inner.strip("{}").strip()
            if not inner or inner.startswith("!"):
                continue
            kind = inner[0]
            if kind == "#" or (kind == "^" and inner[1:].strip()):
                name, params, _ = _split_args(inner[1:], tag_line)
                if not name:
                    raise TemplateError(
                        t("{tag} opens a block without a name", tag=f"'{{{{{inner}}}}}'"), tag_line
                    )
                block = _Block(name, params, tag_line, inverted=kind == "^", tag=f"{{{{{inner}}}}}")
                current.append(block)
                stack.append(block)
                current = block.body
            elif kind == "/":
                name = inner[1:].strip()
                while stack and stack[-1].chained:
                    stack.pop()
                if not stack:
                    raise TemplateError(
                        t("unexpected {tag}: no block is open", tag=f"'{{{{/{name}}}}}'"), tag_line
                    )
                top = stack.pop()
                if name != top.name:
                    raise TemplateError(
                        t(
                            "{tag} closes {block} opened on line {line}",
                            tag=f"'{{{{/{name}}}}}'",
                            block=f"'{{{{#{top.name}}}}}'",
                            line=top.line,
                        ),
                        tag_line,
                    )
                current = target()
            elif inner == "^" or inner == "else" or inner.startswith("else "):
                if not stack or stack[-1].inverse is not None:
                    raise TemplateError(
                        t("{tag} outside a block", tag=f"'{{{{{inner}}}}}'"), tag_line
                    )
                stack[-1].inverse = []
                current = stack[-1].inverse
                rest = inner[4:].strip() if inner.startswith("else") else ""
                if rest:  # {{else if x}}: a block nested in the inverse, closed with its parent
                    name, params, _ = _split_args(rest, tag_line)
                    chained = _Block(name, params, tag_line, chained=True)
                    current.append(chained)
                    stack.append(chained)
                    current = chained.body
            elif kind == ">":
                words = inner[1:].split()
                name = words[0].strip("\"'") if words else ""
                # a partial the campaign has is parsed in place (one given a context or
                # parameters, {{> card item}}, would need its names bound: it stays unread)
                found = self._own_partial(name) if name and len(words) == 1 else None
                if found is not None:
                    current.extend(found)
                elif name:
                    if name not in self.partials:
                        self.partials.append(name)
                    if not self._reading:  # (a line inside a partial is the partial's)
                        self.partials_at.append((name, tag_line))
            else:
                if kind == "&":
                    inner = inner[1:].strip()
                name, params, hashes = _split_args(inner, tag_line)
                if params or hashes:
                    current.append(_Mustache(name, params, hashes, tag_line))
                else:
                    current.append(_Mustache("", [_parse_expr(name)], {}, tag_line))
        if stack:
            open_block = next((b for b in reversed(stack) if not b.chained), stack[-1])
            raise TemplateError(
                t(
                    "{block} opened here is never closed with {tag}",
                    block=f"'{{{{#{open_block.name}}}}}'",
                    tag=f"'{{{{/{open_block.name}}}}}'",
                ),
                open_block.line,
            )
        return root

    # -- analysis --------------------------------------------------------------------------

    def _own_partial(self, name: str) -> list[object] | None:
        """The campaign's partial ``name`` parsed, its tags marked as that file's (their lines
        are the partial's, not the template's); None when the campaign has no such file."""
        files = partials.current()
        source = files.source(name) if files is not None else None
        if source is None or name in self._reading or len(self._reading) >= _PARTIAL_DEPTH:
            return None
        self._reading.append(name)
        try:
            body = self._parse(source)
        except TemplateError as exc:
            # the ESP's build refuses it too (PER004), at the file's own line
            if not exc.file:
                exc.file = partials.label(name)
            raise
        finally:
            self._reading.pop()
        _in_file(body, partials.label(name))
        return body

    def _resolve(self, path: _Path, scopes: Sequence[str | None]) -> str | None:
        """The recipient variable a path names; None for loop items and data variables."""
        if path.data:
            if path.parts and path.parts[0] == "root" and len(path.parts) > 1:
                return ".".join(path.parts[1:])
            return None
        index = len(scopes) - 1 - path.depth
        if index < 0:
            return None
        prefix = scopes[index]
        if prefix is None:
            return None
        if (
            isinstance(prefix, _Section)
            and path.parts
            and not path.depth
            and not path.explicit_this
            and prefix.rsplit(".", 1)[-1] == path.parts[0]
        ):
            # {{#name}} {{name}}{{/name}}: Mustache looks "name" up the context stack, and a
            # section's value rarely holds a key of its own name: it is the section's value
            return ".".join([prefix, *path.parts[1:]])
        joined = ".".join(path.parts)
        if not joined:
            return prefix or None
        return f"{prefix}.{joined}" if prefix else joined

    def _use(
        self,
        expr: _Expr,
        at: _Mustache | _Block,
        scopes: Sequence[str | None],
        guards: frozenset[str],
        *,
        guarded: bool = False,
        fallback: str | None = None,
    ) -> None:
        """A use of ``expr``, written in the tag ``at``."""
        if isinstance(expr, _Sub):
            for p in expr.params:
                if isinstance(p, _Lit | _Path | _Sub):
                    self._use(p, at, scopes, guards)
            return
        if not isinstance(expr, _Path):
            return
        name = self._resolve(expr, scopes)
        if name is None:
            return
        self.uses.append(
            Use(
                name=name,
                line=at.line,
                file=at.file,
                has_fallback=fallback is not None,
                fallback_covers_empty=True,
                guarded=guarded or name in guards,
                fallback=fallback,
            )
        )

    def _collect(
        self, body: list[object], scopes: list[str | None], guards: frozenset[str]
    ) -> None:
        for at, item in enumerate(body):
            if isinstance(item, _Mustache):
                beside = self._inverse_beside(body, at, scopes)
                self._collect_mustache(item, scopes, guards, beside)
            elif isinstance(item, _Block):
                self._collect_block(item, scopes, guards)

    def _inverse_beside(self, body: list[object], at: int, scopes: list[str | None]) -> str | None:
        """The fallback text of the variable ``body[at]`` prints, when a block that shows only
        where it is empty stands right beside it (spaces alone between): an inverted section
        or an {{#unless}} of the same variable, with no else — ``Hi {{name}}{{^name}}there
        {{/name}},``, ``Hi {{name}}{{#unless name}}there{{/unless}},``, the sentence reading
        "Hi there," without the value, as the sections around it (``{{#name}}…{{/name}}
        {{^name}}…{{/name}}``) do. The text it prints ("" when it prints only tags), or None."""
        item = body[at]
        if not isinstance(item, _Mustache) or item.name or len(item.params) != 1:
            return None
        printed = item.params[0]
        if not isinstance(printed, _Path):
            return None
        name = self._resolve(printed, scopes)
        if name is None:
            return None
        for step in (1, -1):
            i = at + step
            # (a marker of the written lines, :mod:`.written`, is no text: it never stands
            # between them)
            while (
                0 <= i < len(body)
                and isinstance(body[i], str)
                and not written.unmarked(str(body[i])).strip()
            ):
                i += step
            block = body[i] if 0 <= i < len(body) else None
            if not isinstance(block, _Block) or block.inverse is not None:
                continue
            if block.inverted and not block.params:
                tested = self._resolve(_path(block.name), scopes)
            elif block.name == "unless" and len(block.params) == 1:
                first = block.params[0]
                tested = self._resolve(first, scopes) if isinstance(first, _Path) else None
            else:
                continue
            if tested == name:
                text = "".join(p for p in block.body if isinstance(p, str))
                return " ".join(written.unmarked(text).split())
        return None

    def _collect_mustache(
        self,
        item: _Mustache,
        scopes: list[str | None],
        guards: frozenset[str],
        beside: str | None = None,
    ) -> None:
        if beside is not None:  # the inverted section beside it is its fallback
            self._use(item.params[0], item, scopes, guards, fallback=beside)
            return
        if item.name in _FALLBACK_HELPERS and item.params:
            fallback = _fallback_text(item)
            self._use(item.params[0], item, scopes, guards, fallback=fallback)
            for p in item.params[1:]:
                self._use(p, item, scopes, guards)
            return
        for p in [*item.params, *item.hash.values()]:
            self._use(p, item, scopes, guards)

    def _collect_block(
        self, block: _Block, scopes: list[str | None], guards: frozenset[str]
    ) -> None:
        first = block.params[0] if block.params else None
        names = {self._resolve(p, scopes) for p in block.params if isinstance(p, _Path)}
        names.discard(None)
        tested = frozenset(n for n in names if n)
        for p in block.params:
            # a block tests its names; {{#each}} over nothing prints nothing (or its else)
            self._use(p, block, scopes, guards, guarded=True)
        inverse = block.inverse or []
        name = _ALIASES.get(block.name, block.name)
        if name in ("if", "and") and not block.inverted:
            self._collect(block.body, scopes, guards | tested)
            self._collect(inverse, scopes, guards)
        elif name in ("equals", "notEquals", "greaterThan") and not block.inverted:
            # {{#equals code "1234"}}: code is filled where the body shows; {{#notEquals code
            # ""}} too; {{#greaterThan points 5}}: a number over 5 is never empty
            sure = _compared_filled(name, block.params)
            first_name = self._resolve(first, scopes) if isinstance(first, _Path) else None
            inner = guards | {first_name} if sure and first_name else guards
            self._collect(block.body, scopes, inner)
            self._collect(inverse, scopes, guards)
        elif block.name == "unless":
            self._collect(block.body, scopes, guards)
            self._collect(inverse, scopes, guards | tested)
        elif name in _CONDITION_BLOCKS or name in _ALIASES.values():
            self._collect(block.body, scopes, guards)
            self._collect(inverse, scopes, guards)
        elif block.params and block.name not in ("each", "with"):
            # an ESP helper mailcheck does not know, given arguments ({{#minInList items
            # "price"}}): never a Mustache section (a section takes none), and it may change
            # the context, so the names in its body are not taken for the recipient's: the
            # body is not verified, and the campaign says so
            self.unread.append((0 if block.file else block.line, block.tag))
            self._collect(block.body, [*scopes, None], frozenset())
            self._collect(inverse, scopes, guards)
        elif block.name == "each":
            self._collect(block.body, [*scopes, None], frozenset())
            self._collect(inverse, scopes, guards)
        elif block.name == "with" and isinstance(first, _Path):
            self._collect(block.body, [*scopes, self._resolve(first, scopes)], guards | tested)
            self._collect(inverse, scopes, guards)
        else:  # a Mustache section named by a variable: {{#user}}…{{/user}}, {{^user}}
            section = self._resolve(_path(block.name), scopes)
            self._use(_path(block.name), block, scopes, guards, guarded=True)
            if block.inverted:
                self._collect(block.body, scopes, guards)
                self._collect(inverse, scopes, guards | {section} if section else guards)
            else:
                inner = guards | {section} if section else guards
                scope = _Section(section) if section is not None else None
                self._collect(block.body, [*scopes, scope], inner)
                self._collect(inverse, scopes, guards)

    # -- rendering -------------------------------------------------------------------------

    def render(self, values: Mapping[str, object]) -> str:
        out: list[str] = []
        try:
            _Renderer(unflatten(values)).body(self.body, out)
        except RecursionError:
            raise TemplateError(t("rendering failed: blocks nested too deeply")) from None
        return "".join(out)


def _in_file(body: list[object], file: str) -> None:
    """Mark the tags of a partial's ``body`` as written in ``file`` (those of a partial it
    pulls in keep their own)."""
    for item in body:
        if isinstance(item, _Mustache | _Block) and not item.file:
            item.file = file
        if isinstance(item, _Block):
            _in_file(item.body, file)
            _in_file(item.inverse or [], file)


def _compared_filled(name: str, params: list[_Expr]) -> bool:
    """Whether the block's body shows only when its first argument is not empty."""
    if len(params) < 2 or not isinstance(params[1], _Lit):
        return False
    other = params[1].value
    if name == "equals":
        return (
            isinstance(other, str | int | float)
            and not isinstance(other, bool)
            and (str(other) != "")
        )
    if name == "notEquals":
        return other == "" or other is None
    if name == "greaterThan":
        return isinstance(other, int | float) and not isinstance(other, bool)
    return False


def _fallback_text(item: _Mustache) -> str:
    for p in item.params[1:]:
        if isinstance(p, _Lit) and isinstance(p.value, str):
            text = p.value
            return text.split("=", 1)[1] if text.startswith("default=") else text
    value = item.hash.get("default")
    return str(value.value) if isinstance(value, _Lit) else ""


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return bool(value)
    if isinstance(value, list | tuple | dict):
        return bool(value)
    return value is not None and value is not False and value != 0


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(_text(v) for v in value)
    return str(value)


def _number(value: object) -> float | None:
    try:
        return float(_text(value))
    except ValueError:
        return None


def _guessed_word(item: _Mustache) -> str:
    """What an empty tag prints where mailcheck only guesses the context: its name's last
    part, a plain word (``{{user.first_name}}`` -> "first_name")."""
    first = item.params[0] if item.params else None
    name = item.name or (".".join(first.parts) if isinstance(first, _Path) else "")
    return name.rsplit(".", 1)[-1] or "value"


class _Renderer:
    def __init__(self, root: dict[str, object]) -> None:
        self.stack: list[object] = [root]
        self.data: list[Mapping[str, object]] = [{"root": root}]
        # inside the body of a helper mailcheck does not know: what it prints there is a guess
        # (the helper may change the context, or never show the body), so an empty value prints
        # a plain word, never a broken "Привет, !" claimed for a sample (PER007 says so)
        self.unsure = 0

    def lookup(self, path: _Path) -> object:
        if path.data:
            if path.parts and path.parts[0] == "root":
                return self._walk(self.stack[0], path.parts[1:])
            key = path.parts[0] if path.parts else ""
            for data in reversed(self.data):
                if key in data:
                    return self._walk(data[key], path.parts[1:])
            return None
        index = len(self.stack) - 1 - path.depth
        if index < 0:
            return None
        if not path.parts:
            return self.stack[index]
        frames = (
            [self.stack[index]]
            if path.explicit_this or path.depth
            else list(reversed(self.stack[: index + 1]))
        )
        for frame in frames:  # Mustache looks names up the context stack
            if isinstance(frame, Mapping) and path.parts[0] in frame:
                return self._walk(frame, path.parts)
        return None

    @staticmethod
    def _walk(value: object, parts: Sequence[str]) -> object:
        for part in parts:
            if isinstance(value, Mapping):
                value = value.get(part)
            elif isinstance(value, list | tuple) and part.isdigit() and int(part) < len(value):
                value = value[int(part)]
            else:
                return None
        return value

    def value(self, expr: object) -> object:
        if isinstance(expr, _Lit):
            return expr.value
        if isinstance(expr, _Path):
            return self.lookup(expr)
        if isinstance(expr, _Sub):
            return self.helper(expr.name, list(expr.params), {})
        return None

    def helper(self, name: str, params: list[object], hashes: Mapping[str, object]) -> object:
        args = [self.value(p) for p in params]
        if name in _FALLBACK_HELPERS and args:
            text = _text(args[0])
            if text.strip():
                return args[0]
            fake = _Mustache(
                name,
                [p for p in params if isinstance(p, _Lit | _Path | _Sub)],
                {k: v for k, v in hashes.items() if isinstance(v, _Lit)},
                0,
            )
            return _fallback_text(fake)
        if name == "length" and args:
            v = args[0]
            return len(v) if isinstance(v, list | tuple | dict | str) else 0
        if name in _CONDITION_BLOCKS:
            return self.condition(name, args)
        # An ESP helper we do not know (formatDate …): show its first argument unchanged.
        return args[0] if args else None

    @staticmethod
    def condition(name: str, args: list[object]) -> bool:
        first = args[0] if args else None
        second = args[1] if len(args) > 1 else None
        if name == "if":
            return _truthy(first)
        if name == "unless":
            return not _truthy(first)
        if name == "equals":
            return _text(first) == _text(second)
        if name == "notEquals":
            return _text(first) != _text(second)
        if name in ("greaterThan", "lessThan", "greaterThanOrEqual", "lessThanOrEqual"):
            a, b = _number(first), _number(second)
            if a is None or b is None:
                return False
            return {
                "greaterThan": a > b,
                "lessThan": a < b,
                "greaterThanOrEqual": a >= b,
                "lessThanOrEqual": a <= b,
            }[name]
        if name == "and":
            return all(_truthy(a) for a in args)
        return any(_truthy(a) for a in args)  # or

    def body(self, body: list[object], out: list[str]) -> None:
        for item in body:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, _Mustache):
                if item.name:
                    result = self.helper(item.name, list(item.params), item.hash)
                else:
                    result = self.value(item.params[0])
                text = _text(result)
                if self.unsure and not text.strip():
                    text = _guessed_word(item)
                out.append(text)
            elif isinstance(item, _Block):
                self.block(item, out)

    def block(self, block: _Block, out: list[str]) -> None:
        inverse = block.inverse or []
        args = [self.value(p) for p in block.params]
        name = _ALIASES.get(block.name, block.name)
        if name in _CONDITION_BLOCKS or name in _ALIASES.values():
            self.body(block.body if self.condition(name, args) else inverse, out)
            return
        if block.name == "each":
            items = args[0] if args else None
            self.each(items, block.body, inverse, out)
            return
        if block.params and block.name not in ("each", "with"):
            # an ESP helper mailcheck does not know, given arguments: its body is shown as a
            # condition on its first argument would show it (never read as a section name)
            self.unsure += 1
            self.body(block.body if _truthy(args[0]) else inverse, out)
            self.unsure -= 1
            return
        if block.name == "with":
            context = args[0] if args else None
            if _truthy(context):
                self.stack.append(context)
                self.body(block.body, out)
                self.stack.pop()
            else:
                self.body(inverse, out)
            return
        value = self.lookup(_path(block.name))
        if block.inverted:
            self.body(inverse if _truthy(value) else block.body, out)
        elif isinstance(value, list | tuple):
            self.each(value, block.body, inverse, out)
        elif _truthy(value):
            self.stack.append(value if isinstance(value, Mapping) else self.stack[-1])
            self.body(block.body, out)
            self.stack.pop()
        else:
            self.body(inverse, out)

    def each(
        self, items: object, body: list[object], inverse: list[object], out: list[str]
    ) -> None:
        pairs: list[tuple[object, object]]
        if isinstance(items, Mapping):
            pairs = list(items.items())
        elif isinstance(items, list | tuple):
            pairs = list(enumerate(items))
        else:
            pairs = []
        if not pairs:
            self.body(inverse, out)
            return
        for i, (key, item) in enumerate(pairs[:1000]):
            self.stack.append(item)
            self.data.append({"index": i, "key": key, "first": i == 0, "last": i == len(pairs) - 1})
            self.body(body, out)
            self.data.pop()
            self.stack.pop()


def parse(source: str, is_system: IsSystem) -> HandlebarsTemplate:
    return HandlebarsTemplate(source, is_system)
