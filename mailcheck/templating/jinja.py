"""Jinja2 campaigns: variables found by walking the AST, rendering in a sandbox.

``jinja2.meta.find_undeclared_variables`` reports root names only and ignores fallbacks and
guards, so the AST is walked: ``default``/``d`` filters (a true second argument covers ""),
``x or 'y'``, ``a if a else b`` and ``{% if x %}`` bodies (not their else), Unisender's
``{{Name|уважаемый подписчик}}``; loop targets,
``{% set %}`` names and macro parameters are template locals, not recipient variables.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import regex
from jinja2 import BaseLoader, ChainableUndefined, Environment, TemplateNotFound, Undefined, nodes
from jinja2.compiler import CodeGenerator, Frame
from jinja2.exceptions import TemplateError as Jinja2Error
from jinja2.exceptions import TemplateSyntaxError
from jinja2.runtime import Context
from jinja2.sandbox import SandboxedEnvironment

from mailcheck.i18n import N_, t
from mailcheck.templating import budget, partials
from mailcheck.templating.core import (
    IsSystem,
    MistakeFailure,
    NotUnderstood,
    TemplateError,
    Use,
    unflatten,
)


class _Blank(ChainableUndefined):
    """Undefined that renders "" and survives attribute access, indexing and calls."""

    def __call__(self, *args: object, **kwargs: object) -> _Blank:  # type: ignore[override]
        return self


class _BudgetedCode(CodeGenerator):
    """Generated code that pays the render budget (:mod:`mailcheck.templating.budget`): each
    loop iteration, and each string built with ``~``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._loop_iterables: set[int] = set()

    def visit_For(self, node: nodes.For, frame: Frame) -> None:
        self._loop_iterables.add(id(node.iter))
        super().visit_For(node, frame)

    def visit(self, node: nodes.Node, *args: Any, **kwargs: Any) -> Any:
        if id(node) not in self._loop_iterables:
            return super().visit(node, *args, **kwargs)
        self.write("environment.budget_iterate(")
        super().visit(node, *args, **kwargs)
        self.write(")")
        return None

    def _output_child_to_const(self, node: nodes.Expr, frame: Frame, finalize: Any) -> str:
        # jinja2 evaluates constant output while compiling ("{{ 'a' | center(10**9) }}"),
        # outside any render and its budget: only literal text is constant here
        if not isinstance(node, nodes.TemplateData):
            raise nodes.Impossible()
        result: str = super()._output_child_to_const(node, frame, finalize)
        return result

    def visit_Concat(self, node: nodes.Concat, frame: Frame) -> None:
        self.write("environment.budget_sized(")
        super().visit_Concat(node, frame)
        self.write(")")


# A width or precision of eight digits or more in a format string: "%099999999d", "{:>1e9}"
_HUGE_WIDTH = re.compile(r"\d{8,}")


class _BudgetedEnvironment(SandboxedEnvironment):
    """The sandbox, with its hooks spending the render budget: every call (macros included:
    depth), the operators that multiply (``*``, ``**``, ``+``, ``%``), format strings."""

    code_generator_class = _BudgetedCode
    budget_iterate = staticmethod(budget.iterate)
    budget_sized = staticmethod(budget.sized)
    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        spent = budget.current()
        if spent is None:
            return super().call(__context, __obj, *args, **kwargs)
        spent.tick(0)
        spent.deeper()
        try:
            return spent.sized(super().call(__context, __obj, *args, **kwargs))
        finally:
            spent.back()

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        spent = budget.current()
        if spent is not None:
            _check_binop(spent, operator, left, right)
        result = super().call_binop(context, operator, left, right)
        return result if spent is None else spent.sized(result)

    def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
        wrapped = super().wrap_str_format(value)
        if wrapped is None:
            return None
        fmt: str = value.__self__

        def checked(*args: Any, **kwargs: Any) -> str:
            spent = budget.current()
            if spent is not None and (
                _HUGE_WIDTH.search(fmt)
                or any(_huge(a, spent) for a in [*args, *kwargs.values()])  # "{:>{w}}"
            ):
                raise budget.OverBudget(budget.too_long(spent.limits))
            assert wrapped is not None
            return budget.sized(wrapped(*args, **kwargs))

        return checked


def _huge(value: object, spent: budget.Budget) -> bool:
    return isinstance(value, int) and abs(value) > spent.limits.render_bytes


def _check_binop(spent: budget.Budget, operator: str, left: Any, right: Any) -> None:
    """Refuse, before it runs, an operation whose result would exceed the budget."""
    limit = spent.limits.render_bytes
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, str | list | tuple) and isinstance(n, int) and len(seq) * n > limit:
                raise budget.OverBudget(budget.too_long(spent.limits))
    elif operator == "**" and isinstance(left, int) and isinstance(right, int):
        if abs(left) > 1 and right * max(abs(left).bit_length(), 1) > limit:
            raise budget.OverBudget(budget.too_long(spent.limits))
    elif operator == "%" and isinstance(left, str) and _HUGE_WIDTH.search(left):
        raise budget.OverBudget(budget.too_long(spent.limits))


# optimized=False: jinja2 would otherwise fold constant expressions while compiling, outside
# any render and its budget (see _BudgetedCode._output_child_to_const)
class _CampaignTemplates(BaseLoader):
    """``{% extends/include/import "x" %}``: the campaign's own file of that name
    (:mod:`mailcheck.templating.partials`); a template that names one it does not have is not
    understood (PER007)."""

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str | None, Callable[[], bool] | None]:
        files = partials.current()
        source = files.source(template) if files is not None else None
        if source is None:
            raise TemplateNotFound(template)
        return _rewrite_unisender(source), None, lambda: False


def _environment(kind: type[_BudgetedEnvironment]) -> _BudgetedEnvironment:
    # cache_size 0: the environment serves every campaign, and "base.html" is each one's own
    return kind(
        autoescape=False,
        undefined=_Blank,
        keep_trailing_newline=True,
        optimized=False,
        loader=_CampaignTemplates(),
        cache_size=0,
    )


_ENV = _environment(_BudgetedEnvironment)
_ENV.filters = {name: budget.guard_filter(f) for name, f in _ENV.filters.items()}
_BUILTIN_NAMES = frozenset(
    {
        "loop",
        "range",
        "dict",
        "lipsum",
        "cycler",
        "joiner",
        "namespace",
        "self",
        "caller",
        "varargs",
        "kwargs",
        "super",
        "true",
        "false",
        "none",
        "True",
        "False",
        "None",
    }
)
_DEFAULT_FILTERS = ("default", "d")
_LENGTHY_FILTERS = ("length", "count", "trim", "string", "striptags")


@dataclass(frozen=True)
class _Fallback:
    text: str
    covers_empty: bool
    in_links: bool = True  # False: the ESP ignores it inside a URL (Unisender)
    # it stands for the variable itself, no filter or call between ({{ x | default('y', true) }},
    # not {{ x | upper | default('y', true) }}, where None is "NONE" and "" is "")
    direct: bool = False


@dataclass(frozen=True)
class _Scope:
    guards: frozenset[str] = frozenset()


@dataclass(frozen=True)
class _Read:
    """How the template reads an expression's value: what a dict's method read for a field
    (``order.items``) does there. ``how``: "printed" ({{ order.items }}, also through a filter
    that prints its text, ``default``, ``upper``), "loop" (a loop's list), "test" (a
    condition), "filter" (a filter that cannot take a method: ``filter`` names it), "other"."""

    how: str
    filter: str = ""


_PRINTED = _Read("printed")
_LOOP = _Read("loop")
_TEST = _Read("test")
_OTHER = _Read("other")

# Filters whose output is the text of their value: the method's text is printed through them
_TEXT_FILTERS = frozenset(
    {
        *_DEFAULT_FILTERS,  # the method is never empty: the fallback never shows
        "string",
        "upper",
        "lower",
        "title",
        "capitalize",
        "trim",
        "e",
        "escape",
        "forceescape",
        "safe",
        "format",
        "center",
        "pprint",
        "urlencode",
        "urlize",
    }
)
# Filters that fail on a method (no length, not iterable, no number): the render stops there
_FAILING_FILTERS = frozenset(
    {
        "length",
        "count",
        "first",
        "last",
        "join",
        "list",
        "sort",
        "dictsort",
        "sum",
        "min",
        "max",
        "random",
        "reverse",
        "truncate",
        "wordwrap",
        "indent",
        "tojson",
        "abs",
        "round",
        "filesizeformat",
        "batch",
        "slice",
        "groupby",
        "xmlattr",
    }
)


# Unisender writes a fallback after a bar: {{Name|уважаемый подписчик}}. Where the text after
# the bar is not a Jinja filter it is that fallback (it covers empty values, but not in links).
_UNISENDER = regex.compile(r"\{\{\s*([A-Za-z_][\w.]*)\s*\|\s*([^{}|\n]*?)\s*\}\}")
UNISENDER_FILTER = "unisender_default"


def _unisender_default(value: object, fallback: str = "") -> object:
    if isinstance(value, Undefined) or value is None or value == "" or value is False:
        return fallback
    return value


_ENV.filters[UNISENDER_FILTER] = budget.guard_filter(_unisender_default)


class _KeyedEnvironment(_BudgetedEnvironment):
    """Jinja as the author of ``order.items`` means it: a dict's key before its method of
    that name (:data:`_DICT_METHODS`). For Jinja2, only to tell whether a failed render fails
    for those names alone (:meth:`JinjaTemplate.render`), never what recipients get; for a
    platform whose engine reads the key first (:data:`KEY_FIRST_PLATFORMS`), what they get."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, dict) and attribute in _DICT_METHODS:
            return obj[attribute] if attribute in obj else self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def call(self, context: Context, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        # a dict's method called, where the dict has no key of that name: the method, as
        # HubL's {% for key, value in order.items() %} means it (read as a value, it is none)
        if isinstance(obj, Undefined):
            owner, name = obj._undefined_obj, obj._undefined_name
            if isinstance(owner, dict) and name in _DICT_METHODS and name not in owner:
                obj = super().getattr(owner, name)
        return super().call(context, obj, *args, **kwargs)


_KEYED_ENV = _environment(_KeyedEnvironment)
_KEYED_ENV.filters = dict(_ENV.filters)

# Platforms whose engine reads Jinja's syntax but a dict's key before its attribute: HubSpot's
# HubL runs on Jinjava, where {% for item in order.items %} loops over the field "items". Their
# templates render in the keyed environment from the start, as the platform renders them.
KEY_FIRST_PLATFORMS = frozenset({"hubspot"})


def _rewrite_unisender(source: str) -> str:
    def fallback(m: regex.Match[str]) -> str:
        text = m.group(2)
        name = text.split("(", 1)[0].strip()
        if name in _ENV.filters:
            # a real filter ({{ name|title }}), or a broken call of one
            # ({{ name|default('x' }}) that Jinja must refuse as the ESP will: PER004
            return m.group(0)
        literal = json.dumps(text, ensure_ascii=False)
        return "{{ " + m.group(1) + " | " + UNISENDER_FILTER + "(" + literal + ") }}"

    return _UNISENDER.sub(fallback, source) if "|" in source else source


class JinjaTemplate:
    """A parsed Jinja2 template part."""

    def __init__(self, source: str, is_system: IsSystem) -> None:
        # the platform's engine reads order.items as the key (HubL): so does the render
        key_first = getattr(is_system, "platform", None) in KEY_FIRST_PLATFORMS
        try:
            ast = _ENV.parse(_rewrite_unisender(source))
            self._template = (_KEYED_ENV if key_first else _ENV).from_string(ast)
        except TemplateSyntaxError as exc:
            raise TemplateError(exc.message or str(exc), exc.lineno or 0) from None
        except Jinja2Error as exc:  # e.g. an unknown filter or test at compile time
            raise TemplateError(str(exc)) from None
        walker = _Walker(ast, is_system)  # NotUnderstood for a file the campaign lacks
        walker.statement(ast, _Scope())
        self.uses = walker.uses
        self.mistakes = walker.mistakes
        self.keyed_uses = walker.keyed_uses
        self.literal = _literal(ast)
        # with a mistake the render may take another path (the keyed reading): none claimed
        self.falsy_alike = frozenset() if walker.mistakes else walker.falsy_alike()
        # read with a dict's keys first, on demand: does a failed render fail for a mistake?
        # (rendered so already where the platform reads them so: its failure is its own)
        self._ast = ast if walker.mistakes and not key_first else None

    def _keyed_failure(self, values: Mapping[str, object]) -> str | None:
        """With the mistakes (``order.items``) read as the author means them, the dict's key
        and not its method: "" when the template renders so, else why it still fails (None
        where that is not known: no mistake, or the budget spent)."""
        if self._ast is None:
            return None
        try:
            _KEYED_ENV.from_string(self._ast).render(unflatten(values))
        except (budget.OverBudget, RecursionError, MemoryError):
            return None
        except Exception as exc:  # a failure of its own (division by zero …)
            return str(exc)
        return ""

    def render(self, values: Mapping[str, object]) -> str:
        spent = budget.current()
        try:
            if spent is None:
                return self._template.render(unflatten(values))
            out: list[str] = []
            size = 0
            for chunk in self._template.generate(unflatten(values)):
                size += len(chunk)
                if size > spent.limits.render_bytes:
                    raise budget.OverBudget(budget.too_long(spent.limits))
                out.append(chunk)
            return "".join(out)
        except budget.OverBudget:
            raise
        except RecursionError:
            # an include or import that pulls itself in again: jinja2 counts no depth of its
            # own, Python's limit stops it. Over the depth budget (PER008), as a Liquid
            # {% render %} loop is, not a run-time error of the template (PER004)
            if spent is None:
                raise TemplateError(
                    t("rendering failed: {why}", why=t("nested too deeply"))
                ) from None
            raise budget.OverBudget(budget.too_deep(spent.limits)) from None
        except Exception as exc:  # a template's own run-time error (division by zero …)
            keyed = self._keyed_failure(values)
            if keyed == "":
                # {% for i in order.items %} iterates the method: the mistake's (PER004) own
                raise MistakeFailure(t("rendering failed: {why}", why=str(exc))) from None
            # what fails beside the mistakes (said already) is the reason to give
            raise TemplateError(t("rendering failed: {why}", why=keyed or str(exc))) from None


# What pulls another template file into this one, and the verb a message says it with
_OTHER_FILES: dict[type[nodes.Node], str] = {
    nodes.Extends: N_("it extends {name}, a template file mailcheck does not read"),
    nodes.Include: N_("it includes {name}, a template file mailcheck does not read"),
    nodes.Import: N_("it imports {name}, a template file mailcheck does not read"),
    nodes.FromImport: N_("it imports from {name}, a template file mailcheck does not read"),
}


def _file_named(node: nodes.Node) -> str | None:
    """The template file an extends/include/import names, when it is a literal."""
    name = getattr(node, "template", None)
    value = name.value if isinstance(name, nodes.Const) else None
    return value if isinstance(value, str) else None


def _campaign_file(name: str) -> str | None:
    files = partials.current()
    return files.source(name) if files is not None else None


def _literal(ast: nodes.Template) -> str | None:
    """What a template of text alone renders (None for one with any tag): its text as the
    lexer left it (line breaks made "\\n"), which is what the generated code yields."""
    if not ast.body:
        return ""
    output = ast.body[0]
    if len(ast.body) != 1 or not isinstance(output, nodes.Output):
        return None
    if not all(isinstance(child, nodes.TemplateData) for child in output.nodes):
        return None
    return "".join(child.data for child in output.nodes if isinstance(child, nodes.TemplateData))


def parse(source: str, is_system: IsSystem) -> JinjaTemplate:
    return JinjaTemplate(source, is_system)


def _path(node: nodes.Node) -> str | None:
    """``user.first_name`` for Name/Getattr/Getitem chains; None for anything else."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        base = _path(node.node)
        return f"{base}.{node.attr}" if base else None
    if isinstance(node, nodes.Getitem):
        base = _path(node.node)
        if base is None:
            return None
        if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
            return f"{base}.{node.arg.value}"
        return base  # items[0], items[i]: the container is the variable
    return None


# The methods of a dict that Jinja's sandbox lets a template print: "order.items" is the method,
# whatever the data's "items" field holds (the mutating ones it refuses at run time)
_DICT_METHODS = frozenset({"items", "keys", "values", "get", "copy"})


def _dict_method(node: nodes.Node) -> nodes.Getattr | None:
    """The first ``.items``-like attribute in a Name/Getattr/Getitem chain, printed as a
    value (not called): ``order.items``, ``order.items.0``; never ``order['items']``."""
    found = None
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getattr) and node.attr in _DICT_METHODS:
            found = node
        node = node.node
    return found if isinstance(node, nodes.Name) else None


def _plain(node: nodes.Node) -> bool:
    """A variable's own value: a name, its attributes and keys (``user.name``,
    ``user['name']``), never an index or key computed (``items[i]``)."""
    while isinstance(node, nodes.Getattr | nodes.Getitem):
        if isinstance(node, nodes.Getitem) and not (
            isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str)
        ):
            return False
        node = node.node
    return isinstance(node, nodes.Name)


def _const_text(node: nodes.Node | None) -> str:
    if isinstance(node, nodes.Const):
        return "" if node.value is None else str(node.value)
    if isinstance(node, nodes.TemplateData):
        return node.data
    return ""


def _truthy(test: nodes.Node) -> set[str]:
    """Variables that are non-empty whenever ``test`` is true."""
    path = _path(test)
    if path is not None:
        return {path}
    if isinstance(test, nodes.And):
        return _truthy(test.left) | _truthy(test.right)
    if isinstance(test, nodes.Or):
        return _truthy(test.left) & _truthy(test.right)
    if isinstance(test, nodes.Filter) and test.name in _LENGTHY_FILTERS and test.node is not None:
        return _truthy(test.node)
    if isinstance(test, nodes.Test) and test.name == "defined":
        return _truthy(test.node)
    if isinstance(test, nodes.Compare) and len(test.ops) == 1:
        op = test.ops[0]
        empty = isinstance(op.expr, nodes.Const) and op.expr.value in ("", None, 0)
        if (op.op == "ne" and empty) or (
            op.op in ("gt", "ge") and isinstance(op.expr, nodes.Const) and op.expr.value in (0, 1)
        ):
            return _truthy(test.expr)
    return set()


# Template files within template files walked at most this deep (the render budget bounds it)
_FILE_DEPTH = 8


class _Walker:
    def __init__(self, ast: nodes.Template, is_system: IsSystem) -> None:
        self.is_system = is_system
        self.uses: list[Use] = []
        self.mistakes: list[tuple[int, str, str]] = []  # (line, message, file)
        # the uses as an engine that reads a key before an attribute sees them (HubL, Twig,
        # Liquid, Django: order.items is the field): ``uses`` with the mistakes' names in
        self.keyed_uses: list[Use] = []
        self.locals = set(_BUILTIN_NAMES)
        self.reading: list[str] = []  # the campaign's template files being walked
        # every variable read, and those read somewhere an empty text and None may differ
        self.read: set[str] = set()
        self.unlike: set[str] = set()
        self.local_names(ast)

    def file(self) -> str:
        """The campaign's partial being walked, as findings name it; "" for the part's own."""
        return partials.label(self.reading[-1]) if self.reading else ""

    def falsy_alike(self) -> frozenset[str]:
        """The variables that an empty text and None render alike: every use of each is
        tested for its truth alone, stands where such a test of it keeps it from rendering, or
        has a fallback for any false value (a variable also read as a longer or shorter path,
        "user" beside "user.name", is left out: those uses are not told apart here)."""
        # a path's dotted prefixes looked up in sets, not every pair of paths compared: a
        # template of 800 variables spent 2.9 s here on each parse
        shorter = {path[:i] for path in self.read for i, c in enumerate(path) if c == "."}
        return frozenset(
            path
            for path in self.read - self.unlike
            if path not in shorter
            and not any(path[:i] in self.read for i, c in enumerate(path) if c == ".")
        )

    def local_names(self, ast: nodes.Template) -> None:
        # one walk of the tree for the four kinds (a walk each cost a tenth of the parse)
        for node in ast.find_all((nodes.Name, nodes.Macro, nodes.Import, nodes.FromImport)):
            if isinstance(node, nodes.Name):
                if node.ctx in ("store", "param"):
                    self.locals.add(node.name)
            elif isinstance(node, nodes.Macro):
                self.locals.add(node.name)
            elif isinstance(node, nodes.Import):
                self.locals.add(node.target)
            elif isinstance(node, nodes.FromImport):
                for item in node.names:
                    self.locals.add(item[1] if isinstance(item, tuple) else item)

    def add(
        self,
        path: str,
        line: int,
        scope: _Scope,
        fb: _Fallback | None,
        *,
        guarded: bool = False,
        keyed_only: bool = False,
        falsy_alike: bool = False,
    ) -> None:
        if path.split(".", 1)[0] in self.locals:
            return
        self.read.add(path)
        if not falsy_alike and path not in scope.guards:
            self.unlike.add(path)
        use = Use(
            name=path,
            line=line,
            file=self.file(),  # another file's line is that file's own
            has_fallback=fb is not None,
            fallback_covers_empty=fb.covers_empty if fb else True,
            guarded=guarded or path in scope.guards,
            fallback=fb.text if fb else None,
            fallback_in_links=fb.in_links if fb else True,
        )
        if not keyed_only:
            self.uses.append(use)
        self.keyed_uses.append(use)

    def dict_method(self, path: str, method: nodes.Getattr, line: int, read: _Read) -> None:
        """``order.items``: Jinja looks an attribute up before a key, and every dict has the
        method ``items`` — never the field. What that does depends on how it is ``read``:
        printed, the recipient reads "<built-in method items of dict object at 0x…>" (the HTML
        hides it as an unknown tag: nothing); looped over or through a filter such as
        ``length``, the render fails (no recipient reads the method: the message is not sent
        as written); tested, it is always true."""
        base = _path(method.node) or ""
        fix = f"{base}[{method.attr!r}]{path[len(base) + len(method.attr) + 1 :]}"
        said = {"name": path, "method": method.attr, "fix": fix, "base": base}
        if read.how == "printed":
            message = t(
                "“{name}” is the method {method} that every dict has, not a field “{method}” "
                "(Jinja looks an attribute up before a key): recipients read “<built-in method "
                "{method} of dict object>”, or nothing in the HTML — write {fix}",
                **said,
            )
        elif read.how == "loop":
            message = t(
                "“{name}” is the method {method} that every dict has, not a field “{method}” "
                "(Jinja looks an attribute up before a key): a loop over a method fails, so "
                "rendering stops with an error wherever “{base}” is filled, and those "
                "recipients get no message as written — write {fix}",
                **said,
            )
        elif read.how == "filter":
            message = t(
                "“{name}” is the method {method} that every dict has, not a field “{method}” "
                "(Jinja looks an attribute up before a key): the filter “{filter}” fails on a "
                "method, so rendering stops with an error wherever “{base}” is filled, and "
                "those recipients get no message as written — write {fix}",
                filter=read.filter,
                **said,
            )
        elif read.how == "test":
            message = t(
                "“{name}” is the method {method} that every dict has, not a field “{method}” "
                "(Jinja looks an attribute up before a key): as a condition a method is always "
                "true, whatever the data holds — write {fix}",
                **said,
            )
        else:
            message = t(
                "“{name}” is the method {method} that every dict has, not a field “{method}” "
                "(Jinja looks an attribute up before a key): the template reads the method "
                "there, never the field the data holds — write {fix}",
                **said,
            )
        self.mistakes.append((line, message, self.file()))

    def statement(self, node: nodes.Node, scope: _Scope) -> None:
        if type(node) in _OTHER_FILES:
            self.other_file(node, scope)
        if isinstance(node, nodes.For):
            # a loop over nothing prints nothing (or its else): its list is tested, not printed
            self.test(node.iter, scope, _LOOP)
            if node.test is not None:
                self.test(node.test, scope)
            for child in [*node.body, *node.else_]:
                self.statement(child, scope)
            return
        if isinstance(node, nodes.If):
            self.test(node.test, scope)
            inner = _Scope(scope.guards | _truthy(node.test))
            for child in node.body:
                self.statement(child, inner)
            for elif_ in node.elif_:
                self.statement(elif_, scope)
            for child in node.else_:
                self.statement(child, scope)
            return
        if isinstance(node, nodes.Output):
            for child in node.nodes:
                if not isinstance(child, nodes.TemplateData):
                    self.expr(child, scope, None, _PRINTED)
            return
        for child in node.iter_child_nodes():
            if isinstance(child, nodes.Expr):
                self.expr(child, scope, None)
            else:
                self.statement(child, scope)

    def other_file(self, node: nodes.Node, scope: _Scope) -> None:
        """Walk a template file the campaign has (a base layout, an included footer): its
        variables are filled when it renders, and a missing fallback there is the campaign's.

        A file the campaign does not have (the agency's build or the ESP has it) is
        NotUnderstood (PER007): without it the e-mail cannot be assembled, and jinja2's "not
        found" is not the campaign's syntax error (PER004)."""
        name = _file_named(node)
        source = _campaign_file(name) if name is not None else None
        if source is None:
            shown = f"“{name}”" if name is not None else t("another template")
            files = (name,) if name is not None else (str(shown),)
            said = t(_OTHER_FILES[type(node)], name=shown)
            raise NotUnderstood(said, node.lineno, files, self.file())  # the line's file
        if name is None or name in self.reading or len(self.reading) >= _FILE_DEPTH:
            return
        try:
            ast = _ENV.parse(_rewrite_unisender(source))
        except TemplateSyntaxError as exc:
            # refused as the template itself would be (PER004), at the file's own line
            why, line = exc.message or str(exc), exc.lineno or 0
            raise TemplateError(why, line, file=partials.label(name)) from None
        except Jinja2Error:
            return  # rendering it fails with the reason (PER004)
        self.reading.append(name)
        try:
            self.local_names(ast)
            self.statement(ast, scope)
        finally:
            self.reading.pop()

    def test(self, test: nodes.Node, scope: _Scope, read: _Read = _TEST) -> None:
        """A condition's own variables (or a loop's list: ``read``): testing a variable is
        its guard."""
        before = len(self.uses), len(self.keyed_uses)
        self.expr(test, scope, None, read)
        for uses, start in ((self.uses, before[0]), (self.keyed_uses, before[1])):
            for i in range(start, len(uses)):
                u = uses[i]
                uses[i] = Use(
                    u.name,
                    u.line,
                    u.has_fallback,
                    u.fallback_covers_empty,
                    True,
                    u.fallback,
                    file=u.file,
                )

    def expr(
        self, node: nodes.Node, scope: _Scope, fb: _Fallback | None, read: _Read = _OTHER
    ) -> None:
        """``node``'s variables; ``read``: how the template reads its value (a dict's method
        read for a field is said as what it does there)."""
        path = _path(node)
        if path is not None and (method := _dict_method(node)) is not None:
            self.dict_method(path, method, node.lineno, read)
            self.add(path, node.lineno, scope, fb, keyed_only=True)
            return
        if path is not None:
            # read for its truth alone, or through a fallback for any false value: "" and None
            # render alike here
            alike = _plain(node) and (
                read.how == "test" or (fb is not None and fb.direct and fb.covers_empty)
            )
            self.add(path, node.lineno, scope, fb, falsy_alike=alike)
            if isinstance(node, nodes.Getitem) and not isinstance(node.arg, nodes.Const):
                self.expr(node.arg, scope, None)
            return
        if isinstance(node, nodes.Filter):
            if node.name in _FAILING_FILTERS:
                inner = _Read("filter", node.name)
            elif node.name in _TEXT_FILTERS or node.name == UNISENDER_FILTER:
                inner = read if read.how == "printed" else _OTHER
            else:
                inner = _OTHER
            if node.name == UNISENDER_FILTER:
                text = _const_text(node.args[0]) if node.args else ""
                if node.node is not None:
                    fallback = _Fallback(text, True, in_links=False, direct=_plain(node.node))
                    self.expr(node.node, scope, fallback, inner)
            elif node.name in _DEFAULT_FILTERS:
                covers = False
                if len(node.args) > 1 and isinstance(node.args[1], nodes.Const):
                    covers = bool(node.args[1].value)
                for kw in node.kwargs:
                    if kw.key == "boolean" and isinstance(kw.value, nodes.Const):
                        covers = bool(kw.value.value)
                text = _const_text(node.args[0]) if node.args else ""
                if node.node is not None:
                    # a method is never empty: the fallback never stands in, read as the value
                    fallback = _Fallback(text, covers, direct=_plain(node.node))
                    self.expr(node.node, scope, fallback, read)
            elif node.node is not None:
                self.expr(node.node, scope, fb, inner)
            for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
                self.expr(arg, scope, None)
            return
        if isinstance(node, nodes.Or):
            # a method is true: "order.items or x" is the method, read as the whole is
            either = _Fallback(_const_text(node.right), True, direct=_plain(node.left))
            self.expr(node.left, scope, either, read)
            self.expr(node.right, scope, fb, read)
            return
        if isinstance(node, nodes.CondExpr):
            self.test(node.test, scope)
            self.expr(node.expr1, _Scope(scope.guards | _truthy(node.test)), fb, read)
            if node.expr2 is not None:
                self.expr(node.expr2, scope, fb, read)
            return
        if isinstance(node, nodes.Call):
            callee = _path(node.node)
            if callee is None:  # a call on an expression result: walk the expression
                self.expr(node.node, scope, fb)
            elif isinstance(node.node, nodes.Getattr):  # user.name.upper(): a method of a value
                self.expr(node.node.node, scope, fb)
            # a bare name called is a function (a macro, a helper), not a recipient variable
            for arg in [*node.args, *(kw.value for kw in node.kwargs)]:
                self.expr(arg, scope, None)
            return
        # "not x", "x and y" in a condition are tested as x and y are
        inner = read if read.how == "test" and isinstance(node, nodes.Not | nodes.And) else _OTHER
        for child in node.iter_child_nodes():
            self.expr(child, scope, None, inner)
