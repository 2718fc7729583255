"""What one render may cost: time, output size, loop iterations, call depth.

A campaign is untrusted input: ``{{ 'a' * 10**9 }}``, nested ``range(100000)`` loops, a macro
that calls itself twice, Liquid's ``(1..1000000000)`` or ``append`` doubling would otherwise run
for minutes and take gigabytes. Every dialect's render goes through :func:`budgeted` (see
``mailcheck.templating.render``), which sets a :class:`Budget` for that one render; the engines'
own hooks spend it (jinja2's sandbox: calls, operators, filters, loops; python-liquid: its loop,
output and context limits, filters; the hand-written dialects: :func:`tick` in their loops).
Over budget raises :class:`OverBudget`: the campaign gets a finding (PER008), the batch goes on.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, TypeVar

from mailcheck.config import LimitsConfig
from mailcheck.templating.core import TemplateError

T = TypeVar("T")


class OverBudget(TemplateError):
    """A render that went over its budget; the message says which limit and where to set it.

    A TemplateError, so that code which gives up on a failed render gives up on this one too;
    the places that report render failures report this one as PER008, not PER004.
    """


@dataclass
class Budget:
    limits: LimitsConfig
    deadline: float = field(default=0.0)
    campaign_wide: bool = False  # the deadline is the campaign's (all its renders together)
    iterations: int = 0
    depth: int = 0

    @property
    def late(self) -> str:
        """What passing the deadline means ("one render took more than 2 s")."""
        if self.campaign_wide:
            return (
                f"rendering the campaign's variants took more than "
                f"{self.limits.campaign_render_seconds:g} s ([limits] campaign-render-seconds)"
            )
        return (
            f"one render took more than {self.limits.render_seconds:g} s ([limits] render-seconds)"
        )

    def tick(self, n: int = 1) -> None:
        self.iterations += n
        if self.iterations > self.limits.loop_iterations:
            raise OverBudget(too_many_iterations(self.limits))
        if time.monotonic() > self.deadline:
            raise OverBudget(self.late)

    def sized(self, value: T) -> T:
        """``value`` unless it is a string (or sequence) longer than the output budget."""
        if isinstance(value, str | bytes | list | tuple | range) and (
            len(value) > self.limits.render_bytes
        ):
            raise OverBudget(too_long(self.limits))
        return value

    def deeper(self) -> None:
        self.depth += 1
        if self.depth > self.limits.recursion_depth:
            raise OverBudget(too_deep(self.limits))

    def back(self) -> None:
        self.depth -= 1


def too_many_iterations(limits: LimitsConfig) -> str:
    return (
        f"more than {limits.loop_iterations:,} loop iterations in one render "
        "([limits] loop-iterations)"
    )


def too_deep(limits: LimitsConfig) -> str:
    return (
        f"calls nested more than {limits.recursion_depth} deep in one render "
        "([limits] recursion-depth)"
    )


def cause(exc: BaseException) -> OverBudget | None:
    """The :class:`OverBudget` behind ``exc``, when an engine wrapped it in its own error."""
    seen: BaseException | None = exc
    for _ in range(10):
        if seen is None:
            return None
        if isinstance(seen, OverBudget):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None


def too_long(limits: LimitsConfig) -> str:
    return f"one render built more than {limits.render_bytes:,} characters ([limits] render-bytes)"


_current: ContextVar[Budget | None] = ContextVar("mailcheck_render_budget", default=None)
# When all renders of the campaign being rendered must end (monotonic clock).
_campaign_deadline: ContextVar[float | None] = ContextVar(
    "mailcheck_campaign_deadline", default=None
)


@contextmanager
def campaign(limits: LimitsConfig) -> Iterator[None]:
    """All renders of one campaign together stay within ``campaign-render-seconds``: a template
    just under the per-render limit must not cost that for each of its hundreds of renders."""
    token = _campaign_deadline.set(time.monotonic() + limits.campaign_render_seconds)
    try:
        yield
    finally:
        _campaign_deadline.reset(token)


def current() -> Budget | None:
    """The budget of the render in progress (None outside :func:`budgeted`)."""
    return _current.get()


def tick(n: int = 1) -> None:
    """Spend ``n`` loop iterations (and check the clock) of the render in progress."""
    budget = _current.get()
    if budget is not None:
        budget.tick(n)


def sized(value: T) -> T:
    budget = _current.get()
    return value if budget is None else budget.sized(value)


def iterate(iterable: Iterable[T]) -> Iterator[T]:
    """``iterable``, each item paid for with one iteration of the budget."""
    budget = _current.get()
    if budget is None:
        yield from iterable
        return
    for item in iterable:
        budget.tick()
        yield item


def _fresh(limits: LimitsConfig) -> Budget:
    """The budget of one render: its own time, or what is left of the campaign's."""
    deadline = time.monotonic() + limits.render_seconds
    overall = _campaign_deadline.get()
    if overall is not None and overall < deadline:
        return Budget(limits, deadline=overall, campaign_wide=True)
    return Budget(limits, deadline=deadline)


def budgeted(
    render: Callable[[Mapping[str, object]], str], limits: LimitsConfig
) -> Callable[[Mapping[str, object]], str]:
    """``render`` with a fresh budget for each call; over budget raises :class:`OverBudget`.

    Python's own limits count too: a recursion the engine does not count (RecursionError) and
    an allocation that fails (MemoryError) are over budget, not a crash.
    """

    @functools.wraps(render)
    def run(values: Mapping[str, object]) -> str:
        # a plain try/finally, not a context manager: a campaign renders hundreds of times
        budget = _fresh(limits)
        token = _current.set(budget)
        try:
            budget.tick(0)  # the campaign's time may be spent already
            try:
                out = render(values)
            except OverBudget:
                raise
            except TemplateError as exc:  # the dialect wrapped our OverBudget in its own error
                raise cause(exc) or exc from None
            except RecursionError:
                raise OverBudget(too_deep(limits)) from None
            except MemoryError:
                raise OverBudget(too_long(limits)) from None
            budget.sized(out)
            budget.tick(0)  # the clock, once more
            return out
        finally:
            _current.reset(token)

    return run


def guard_filter(func: Callable[..., Any]) -> Callable[..., Any]:
    """A template filter that checks the clock, refuses widths and counts beyond the output
    budget before it runs (``center(10**9)``, ``replace`` that multiplies), and its result
    after."""

    @functools.wraps(func)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        budget = _current.get()
        if budget is None:
            return func(*args, **kwargs)
        budget.tick(0)
        limit = budget.limits.render_bytes
        for arg in [*args, *kwargs.values()]:
            if isinstance(arg, int) and not isinstance(arg, bool) and abs(arg) > limit:
                raise OverBudget(too_long(budget.limits))
        if func.__name__ == "replace":
            _check_replace(args, budget)
        return budget.sized(func(*args, **kwargs))

    return guarded


def _check_replace(args: tuple[Any, ...], budget: Budget) -> None:
    # replace(value, old, new): the result can be len(new) times the input; estimate it first
    strings = [a for a in args if isinstance(a, str)]
    if len(strings) >= 3:
        value, old, new = strings[:3]
        count = value.count(old) if old else len(value) + 1
        if len(value) + count * (len(new) - len(old)) > budget.limits.render_bytes:
            raise OverBudget(too_long(budget.limits))
