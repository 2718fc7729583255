"""Babel extraction for rule modules: their marked messages and what each rule shows the
client: its one-line title (``short=``, else its docstring's first sentence) and "How to fix"
(its text for every campaign and each template language's subsection, one msgid each).

Used by ``scripts/i18n`` and the catalogue tests (method ``mailcheck.i18n_extract:
extract_rule_module`` over ``checks/*.py``, see ``mailcheck/locale/babel.cfg``). Docstrings are
read from the source (no import), and their msgids are computed by the same functions the
report uses at run time, so they match.
"""

from __future__ import annotations

import ast
import io
from collections.abc import Collection, Iterator, Mapping
from typing import IO, Any

from mailcheck.rules import fix_parts, summary_of


def _is_rule_decorator(node: ast.expr) -> bool:
    func = node.func if isinstance(node, ast.Call) else None
    return (isinstance(func, ast.Name) and func.id == "rule") or (
        isinstance(func, ast.Attribute) and func.attr == "rule"
    )


def extract_rule_module(
    fileobj: IO[bytes],
    keywords: Mapping[str, Any],
    comment_tags: Collection[str],
    options: Mapping[str, Any],
) -> Iterator[tuple[Any, ...]]:
    from babel.messages.extract import extract_python

    source = fileobj.read()
    yield from extract_python(io.BytesIO(source), keywords, comment_tags, options)  # type: ignore[arg-type]
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if not any(_is_rule_decorator(d) for d in node.decorator_list):
            continue
        doc = ast.get_docstring(node) or ""
        shorts = [_short(d) for d in node.decorator_list if _is_rule_decorator(d)]
        common, subsections = fix_parts(doc)
        fixes = (common, *(text for _, text in subsections))
        for text in (*shorts, summary_of(doc), *fixes):
            if text:
                yield node.lineno, "gettext", text, ["rule documentation"]


def _short(decorator: ast.expr) -> str:
    """The ``short="…"`` a ``@rule(…)`` decorator gives (a string literal), else ""."""
    for keyword in decorator.keywords if isinstance(decorator, ast.Call) else ():
        value = keyword.value
        if keyword.arg == "short" and isinstance(value, ast.Constant):
            return str(value.value)
    return ""
