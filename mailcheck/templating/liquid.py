"""Liquid campaigns (Braze, Customer.io, Shopify, Klaviyo) with python-liquid 1.x.

Variables are found by walking python-liquid's parse tree: the ``default`` filter covers nil,
false and empty (Klaviyo's ``{{ x|default:'y' }}`` parses the same), ``{% if x %}`` and
``{% if x != blank %}`` bodies guard x, as does ``{% unless x == blank %}``. ESP tags that are
not Liquid (Klaviyo's ``{% unsubscribe %}``, Braze's ``{% connected_content %}``) parse as inline
tags: the link ones render a system placeholder link, the rest render nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TextIO

import regex
from liquid import Environment
from liquid.ast import BlockNode, Node
from liquid.builtin.literal import LiteralNode
from liquid.builtin.tags.case_tag import CaseNode
from liquid.builtin.tags.for_tag import ForNode
from liquid.builtin.tags.if_tag import IfNode
from liquid.builtin.tags.include_tag import IncludeNode
from liquid.builtin.tags.render_tag import RenderNode
from liquid.builtin.tags.tablerow_tag import TablerowNode
from liquid.builtin.tags.unless_tag import UnlessNode
from liquid.context import Context
from liquid.exceptions import (
    ContextDepthError,
    LiquidSyntaxError,
    LoopIterationLimitError,
    ResourceLimitError,
)
from liquid.exceptions import Error as LiquidError
from liquid.expression import (
    Blank,
    BooleanExpression,
    Empty,
    Expression,
    FilteredExpression,
    Identifier,
    IdentifierPathElement,
    InfixExpression,
    IntegerLiteral,
    Nil,
    StringLiteral,
)
from liquid.loaders import BaseLoader, TemplateSource
from liquid.stream import TokenStream
from liquid.tag import Tag
from liquid.token import TOKEN_EXPRESSION, TOKEN_TAG

from mailcheck.i18n import t
from mailcheck.templating import budget, partials
from mailcheck.templating.core import IsSystem, SendAborted, TemplateError, Use, unflatten
from mailcheck.templating.system import placeholder

_TAG_NAME = regex.compile(r"\{%-?\s*([A-Za-z_]\w*)")
_BRAZE_ATTRIBUTE = regex.compile(r"\$\{([A-Za-z_][\w.]*)\}")
_CURLY_TAG = regex.compile(r"\{\{.*?\}\}\}?|\{%.*?%\}", regex.S)
# Klaviyo's tags that write a whole link ("Template tag reference"); its {% unsubscribe_link %}
# is the address alone, written in an href as <a href="{% unsubscribe_link %}"> (the *_link and
# *_url tags below)
_LINK_TAGS = {
    "unsubscribe": "Unsubscribe",
    "manage_preferences": "Manage preferences",
    "web_view": "View in browser",
}
_NOT_TAGS = {"else", "elsif", "when", "empty"}


class DjangoEmpty(str):
    """An empty value as Klaviyo's Django language reads it, for python-liquid to render: it
    prints nothing, is false in ``{% if x %}`` and equals "" (``x != ''`` and ``x != blank``
    are false). Liquid's own "" is true in an if, and nil (what such a value was made before)
    is no "" to python-liquid, so ``{% if x != '' %}``, which guards x in Django, did not.
    python-liquid reads an if's truth as ``x not in (False, None)``: hence the equalities."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        return other is None or other is False or str.__eq__(self, other) is True

    def __ne__(self, other: object) -> bool:
        return not self.__eq__(other)

    __hash__ = str.__hash__


DJANGO_EMPTY = DjangoEmpty()


# Filters that give a value in place of an empty one: Liquid's default, and Klaviyo's
# missing_product_image (its stand-in picture for a product without one)
_FALLBACK_FILTERS = frozenset({"default", "missing_product_image"})


# Braze's tag that cancels the message for the recipient it renders for
_ABORT = "abort_message"


class _EspNode(Node):
    """An ESP's own inline tag: renders a fixed text (or cancels the send)."""

    __slots__ = ("name", "text", "tok")

    def __init__(self, tok: Any, text: str, name: str = "") -> None:
        self.tok = tok
        self.text = text
        self.name = name

    def render_to_output(self, context: Context, buffer: TextIO) -> bool | None:
        if self.name == _ABORT:
            raise SendAborted(self.name)
        buffer.write(self.text)
        return None

    def children(self) -> list[Any]:
        return []


def _esp_tag(tag_name: str) -> type[Tag]:
    url = placeholder(tag_name if tag_name.endswith("_url") else f"{tag_name}_url")

    class EspTag(Tag):
        name = tag_name
        block = False

        def parse(self, stream: TokenStream) -> Node:
            tok = stream.current
            label = _LINK_TAGS.get(tag_name)
            if stream.peek.type == TOKEN_EXPRESSION:
                stream.next_token()
                given = stream.current.value.strip().strip("'\"")
                label = given or label
            if tag_name in _LINK_TAGS:
                return _EspNode(tok, f'<a href="{url}">{label}</a>')
            if tag_name.endswith("_url") or tag_name.endswith("_link"):
                return _EspNode(tok, url)
            return _EspNode(tok, "", tag_name)

    return EspTag


class _CampaignPartials(BaseLoader):
    """``{% render 'footer' %}``/``{% include %}``: the campaign's own file of that name
    (:mod:`mailcheck.templating.partials`), else a partial the ESP supplies at send time
    (Keila's layouts render the campaign's body this way), which renders empty here."""

    def get_source(self, env: Environment, template_name: str) -> TemplateSource:
        files = partials.current()
        text = files.source(template_name) if files is not None else None
        return TemplateSource(text or "", template_name, None)


class _BudgetedEnvironment(Environment):
    """python-liquid's own resource limits, taken from the render budget in progress
    (:mod:`mailcheck.templating.budget`); its filters check the budget too."""

    def parse(self, source: str) -> Any:
        # python-liquid 1.13's case tag skips what stands between `case` and its first `when`
        # until it meets a tag, and never stops at the end of the template: `{% case x %}`
        # with no tag after it would hang the whole run. The engine's own tokens tell it first.
        if "case" in source:
            last_case = None
            for token in self.tokenizer()(source):
                if token.type == TOKEN_TAG:
                    last_case = token.linenum if token.value == "case" else None
            if last_case is not None:
                raise LiquidSyntaxError(
                    "expected tag with value 'endcase', found eof with value ''", linenum=last_case
                )
        return super().parse(source)

    # class attributes in python-liquid; here read from the render in progress
    @property
    def loop_iteration_limit(self) -> int | None:  # type: ignore[override]
        spent = budget.current()
        return spent.limits.loop_iterations if spent else None

    @property
    def output_stream_limit(self) -> int | None:  # type: ignore[override]
        spent = budget.current()
        return spent.limits.render_bytes if spent else None

    @property
    def local_namespace_limit(self) -> int | None:  # type: ignore[override]
        spent = budget.current()
        return spent.limits.render_bytes if spent else None

    @property
    def context_depth_limit(self) -> int:  # type: ignore[override]
        spent = budget.current()
        return spent.limits.recursion_depth if spent else 30


def _missing_product_image(value: object) -> object:
    return value if value not in (None, "", False) else placeholder("missing_product_image_url")


def _title(value: object) -> str:
    return str(value).title() if value is not None else ""


def _as_is(value: object, *_args: object) -> object:
    return value


# Klaviyo's filters that Liquid lacks (Klaviyo: "Glossary of variable filters")
_KLAVIYO_FILTERS = {
    "missing_product_image": _missing_product_image,
    "title": _title,
    "lower": lambda value: str(value).lower() if value is not None else "",
    "upper": lambda value: str(value).upper() if value is not None else "",
    "length": lambda value: len(value) if isinstance(value, str | list | dict) else 0,
}
# Klaviyo's editors "support most built-in Django filters" (the glossary): those Liquid lacks
# that only format a value are rendered as the value itself (a price |floatformat:2 is the
# price), which is all mailcheck reads of it (empty or not, and the text around). Unknown to
# Liquid, they failed every render: "could not verify", and no sample was rendered.
_DJANGO_FORMATTING = (
    "addslashes", "center", "cut", "escapejs", "filesizeformat", "floatformat",
    "force_escape", "iriencode", "linebreaks", "linebreaksbr", "linenumbers", "ljust",
    "phone2numeric", "rjust", "safe", "slugify", "stringformat", "striptags", "time",
    "truncatechars", "truncatechars_html", "truncatewords", "truncatewords_html", "urlize",
    "urlizetrunc", "wordwrap",
)  # fmt: skip


# Shopify's Liquid filters that only format a value ("Liquid filters" reference: money,
# media, HTML and string filters), rendered as the value itself for the same reason
_SHOPIFY_FORMATTING = (
    "money", "money_with_currency", "money_without_currency", "money_without_trailing_zeros",
    "img_url", "image_url", "asset_url", "asset_img_url", "file_url", "file_img_url",
    "product_img_url", "collection_img_url", "shopify_asset_url", "format_address", "handle",
    "handleize", "weight_with_unit", "link_to", "image_tag", "json",
)  # fmt: skip
_FORMATTING_BY_PLATFORM = {"klaviyo": _DJANGO_FORMATTING, "shopify": _SHOPIFY_FORMATTING}


@functools.lru_cache(maxsize=64)
def _environment(extra_tags: frozenset[str], platform: str | None = None) -> Environment:
    # cache_size 0: the environment serves every campaign, and "footer" is each one's own
    env = _BudgetedEnvironment(autoescape=False, loader=_CampaignPartials(), cache_size=0)
    if platform == "klaviyo":
        env.filters.update(_KLAVIYO_FILTERS)
    for name in _FORMATTING_BY_PLATFORM.get(platform or "", ()):
        env.filters.setdefault(name, _as_is)
    env.filters = {name: budget.guard_filter(f) for name, f in env.filters.items()}
    for name in sorted(extra_tags):
        env.add_tag(_esp_tag(name))
    return env


_BASE_TAGS = frozenset(_environment(frozenset()).tags)


def _prepare(source: str) -> str:
    """Braze's ``{{${first_name}}}`` attribute syntax as plain Liquid names."""
    if "${" not in source:
        return source
    return _CURLY_TAG.sub(lambda m: _BRAZE_ATTRIBUTE.sub(r"\1", m.group(0)), source)


@dataclass(frozen=True)
class _Fallback:
    text: str


class LiquidTemplate:
    """A parsed Liquid template part."""

    def __init__(self, source: str, is_system: IsSystem) -> None:
        source = _prepare(source)
        unknown = frozenset(
            n
            for n in _TAG_NAME.findall(source)
            if n not in _BASE_TAGS and not n.startswith("end") and n not in _NOT_TAGS
        )
        try:
            # the engine's SystemNames knows the ESP (a bare callable, as in tests: none)
            platform = getattr(is_system, "platform", None)
            self._template = _environment(unknown, platform).from_string(source)
        except LiquidError as exc:
            line = getattr(exc, "linenum", None) or 0
            message = getattr(exc, "message", None) or str(exc)
            message = regex.sub(r",? on line \d+$", "", str(message))
            raise TemplateError(message, int(line)) from None
        walker = _Walker(is_system, self._template.env)
        for stmt in self._template.tree.statements:
            walker.collect_locals(stmt)
        walker.statements(self._template.tree.statements, frozenset(), top=True)
        self.uses = walker.uses
        self.may_abort = _ABORT in unknown  # {% abort_message %}: it may cancel the message
        self.aborts_unless = frozenset(walker.aborts_unless)  # … whenever these are blank
        files = partials.current()  # the ones the campaign has are rendered: not "unread"
        self.partials = [
            name for name in walker.partials if files is None or files.source(name) is None
        ]
        self.partials_at = walker.partials_at
        self.literal = _literal(self._template.tree.statements)

    def render(self, values: Mapping[str, object]) -> str:
        try:
            return str(self._template.render(**unflatten(values)))
        except ResourceLimitError as exc:
            raise _over_budget(exc) from None
        except SendAborted:
            raise
        except Exception as exc:  # a template's own run-time error
            over = budget.cause(exc)  # a filter's OverBudget, wrapped in a FilterError
            if over is not None:
                raise over from None
            raise TemplateError(t("rendering failed: {why}", why=str(exc))) from None


def _literal(statements: list[Node]) -> str | None:
    """What a template of text alone renders (None for one with any tag). Within a budget
    python-liquid writes to a stream that reads every line break as "\\n": a text with a
    carriage return is left to a render."""
    if not all(isinstance(node, LiteralNode) for node in statements):
        return None
    text = "".join(node.tok.value for node in statements if isinstance(node, LiteralNode))
    return None if "\r" in text else text


def _over_budget(exc: ResourceLimitError) -> budget.OverBudget:
    spent = budget.current()
    if spent is None:  # not rendering under a budget: python-liquid's default depth
        return budget.OverBudget(str(exc))
    limits = spent.limits
    if isinstance(exc, LoopIterationLimitError):
        return budget.OverBudget(budget.too_many_iterations(limits))
    if isinstance(exc, ContextDepthError):
        return budget.OverBudget(budget.too_deep(limits))
    return budget.OverBudget(budget.too_long(limits))


def parse(source: str, is_system: IsSystem) -> LiquidTemplate:
    return LiquidTemplate(source, is_system)


def _children(obj: Node | Expression) -> list[Any]:
    try:
        return list(obj.children())
    except NotImplementedError:
        return []


def _path(expr: Expression) -> str | None:
    if not isinstance(expr, Identifier):
        return None
    parts: list[str] = []
    for element in expr.path:
        if isinstance(element, IdentifierPathElement) and isinstance(element.value, str):
            parts.append(element.value)
        else:
            break  # items[0], items[i]: the container is the variable
    return ".".join(parts) or None


def _is_empty_literal(expr: Expression) -> bool:
    return isinstance(expr, Blank | Empty | Nil) or (
        isinstance(expr, StringLiteral) and expr.value == ""
    )


def _unwrap(expr: Expression) -> Expression:
    while isinstance(expr, BooleanExpression):
        expr = expr.expression
    return expr


def _size_of(expr: Expression) -> str | None:
    path = _path(expr)
    if path and path.endswith(".size"):
        return path[: -len(".size")]
    return None


def _truthy(expr: Expression) -> set[str]:
    """Variables that are non-blank whenever ``expr`` is true."""
    expr = _unwrap(expr)
    path = _path(expr)
    if path is not None:
        return {_size_of(expr) or path}
    if isinstance(expr, InfixExpression):
        if expr.operator == "and":
            return _truthy(expr.left) | _truthy(expr.right)
        if expr.operator == "or":
            return _truthy(expr.left) & _truthy(expr.right)
        left = _path(expr.left)
        if left and expr.operator in ("!=", "<>") and _is_empty_literal(expr.right):
            return {left}
        if (
            left
            and expr.operator == ">"
            and isinstance(expr.right, IntegerLiteral)
            and expr.right.value == 0
        ):
            return {_size_of(expr.left) or left}
    return set()


def _falsy(expr: Expression) -> set[str]:
    """Variables that are non-blank whenever ``expr`` is false (``unless`` conditions)."""
    expr = _unwrap(expr)
    if isinstance(expr, InfixExpression):
        if expr.operator == "or":
            return _falsy(expr.left) | _falsy(expr.right)
        if expr.operator == "and":
            return _falsy(expr.left) & _falsy(expr.right)
        left = _path(expr.left)
        if left and expr.operator == "==" and _is_empty_literal(expr.right):
            return {left}
    return set()


def _aborted_unless_filled(node: Node) -> set[str]:
    """The variables an ``{% if x == blank %}{% abort_message %}{% endif %}`` (no other
    branch) leaves filled for whoever still gets the message."""
    children = _children(node)
    if not isinstance(node, IfNode) or len(children) != 1 or children[0].node is None:
        return set()
    said = [
        n
        for c in _children(children[0].node)
        if (n := c.node) is not None and not (isinstance(n, LiteralNode) and not str(n).strip())
    ]
    aborts = bool(said) and all(isinstance(n, _EspNode) and n.name == _ABORT for n in said)
    return _falsy(children[0].expression) if aborts else set()


# Partials within partials walked at most this deep (the render budget bounds the rest)
_PARTIAL_DEPTH = 8


class _Walker:
    def __init__(self, is_system: IsSystem, env: Environment) -> None:
        self.is_system = is_system
        self.uses: list[Use] = []
        self.partials: list[str] = []  # {% render "footer" %}: supplied by the ESP
        self.partials_at: list[tuple[str, int]] = []  # each of their tags: (name, line)
        self.locals: set[str] = {"forloop", "tablerowloop"}
        self.env = env
        self.reading: list[str] = []  # the campaign's partials being walked, outermost first
        self.aborts_unless: set[str] = set()  # the message is cancelled when these are blank

    def collect_locals(self, node: Node) -> None:
        for child in _children(node):
            self.locals.update(child.template_scope or ())
            self.locals.update(child.block_scope or ())
            if child.node is not None:
                self.collect_locals(child.node)

    def node(self, node: Node, guards: frozenset[str]) -> None:
        if isinstance(node, RenderNode | IncludeNode):
            self.partial(node, guards)
        children = _children(node)
        if isinstance(node, IfNode | UnlessNode) and children:
            first = children[0]
            self.expr(first.expression, first.linenum, guards, None, tested=True)
            inside = _truthy if isinstance(node, IfNode) else _falsy
            if first.node is not None:
                self.node(first.node, guards | inside(first.expression))
            # the else branch runs when every test was false: "unless x" has x there, and so
            # has "if x == blank"
            false: set[str] = (
                _truthy(first.expression) if isinstance(node, UnlessNode)
                else _falsy(first.expression)
            )  # fmt: skip
            for child in children[1:]:
                if child.expression is not None:  # elsif
                    self.expr(child.expression, child.linenum, guards, None, tested=True)
                    if child.node is not None:
                        self.node(child.node, guards | _truthy(child.expression))
                    false |= _falsy(child.expression)
                elif child.node is not None:
                    self.node(child.node, guards | false)
            return
        if isinstance(node, BlockNode):  # statements in order (what an abort leaves filled)
            self.statements((c.node for c in children if c.node is not None), guards)
            return
        # a loop over nothing prints nothing, and `case` only compares: their names are
        # tested, not printed (no fallback wanted)
        tested = isinstance(node, ForNode | TablerowNode | CaseNode)
        for child in children:
            if child.expression is not None:
                self.expr(child.expression, child.linenum, guards, None, tested=tested)
            if child.node is not None:
                self.node(child.node, guards)

    def statements(
        self, nodes: Iterable[Node], guards: frozenset[str], *, top: bool = False
    ) -> None:
        """Statements in order: after ``{% if x == blank %}{% abort_message %}{% endif %}``,
        x is filled for every recipient who still gets the message (and, at a template's
        ``top`` level, in every part: ``aborts_unless``)."""
        for stmt in nodes:
            self.node(stmt, guards)
            filled = _aborted_unless_filled(stmt)
            if top:
                self.aborts_unless |= filled
            guards = guards | filled

    def partial(self, node: RenderNode | IncludeNode, guards: frozenset[str]) -> None:
        """Name the partial; when the campaign has its file, walk it too: its variables are
        filled when it renders (a system tag gets its placeholder, a field its sample value),
        and a missing fallback there is as much the campaign's (reported at the partial's
        file and line)."""
        name = node.name
        shown = str(name.value) if isinstance(name, StringLiteral) else str(name)
        if shown not in self.partials:
            self.partials.append(shown)
        files = partials.current()
        source = files.source(shown) if files is not None else None
        if source is None and not self.reading:  # (a line inside a partial is the partial's)
            self.partials_at.append((shown, node.tok.linenum))
        if source is None or shown in self.reading or len(self.reading) >= _PARTIAL_DEPTH:
            return
        try:
            tree = self.env.parse(_prepare(source))
        except LiquidError:
            return  # rendering it fails with the reason (PER004)
        # what the tag hands over ({% render "card", product: p %}) is the partial's own
        handed = {str(key) for key in (node.args or {})}
        if node.alias:
            handed.add(str(node.alias))
        before = set(self.locals)
        self.locals |= handed
        self.reading.append(shown)
        try:
            for stmt in tree.statements:
                self.collect_locals(stmt)
            self.statements(tree.statements, guards, top=True)
        finally:
            self.reading.pop()
            self.locals = before

    def expr(
        self,
        expr: Expression,
        line: int,
        guards: frozenset[str],
        fb: _Fallback | None,
        *,
        tested: bool,
    ) -> None:
        if isinstance(expr, FilteredExpression):
            for f in expr.filters:
                if f.name in _FALLBACK_FILTERS and fb is None:
                    text = f.args[0] if f.args else None
                    fb = _Fallback(str(text.value) if isinstance(text, StringLiteral) else "")
            self.expr(expr.expression, line, guards, fb, tested=tested)
            for f in expr.filters:
                for arg in [*f.args, *f.kwargs.values()]:
                    self.expr(arg, line, guards, None, tested=tested)
            return
        path = _path(expr)
        if path is not None:
            if path.split(".", 1)[0] not in self.locals:
                self.uses.append(
                    Use(
                        name=path,
                        line=line,
                        # a partial's line is that file's own
                        file=partials.label(self.reading[-1]) if self.reading else "",
                        has_fallback=fb is not None,
                        fallback_covers_empty=True,  # Liquid's default fires for nil, false, ""
                        guarded=tested or path in guards,
                        fallback=fb.text if fb else None,
                    )
                )
            for element in getattr(expr, "path", ()):
                if isinstance(element, Identifier):
                    self.expr(element, line, guards, None, tested=tested)
            return
        for child in _children(expr):
            if isinstance(child, Expression):
                self.expr(child, line, guards, None, tested=tested)
