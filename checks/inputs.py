"""INP: inputs that cannot be read."""

from __future__ import annotations

from collections.abc import Iterator

from mailcheck.model import Severity
from mailcheck.rules import Context, Problem, rule


@rule(
    "INP001", "input-unreadable", Severity.ERROR, short="input cannot be read or parsed (says why)"
)
def input_unreadable(ctx: Context) -> Iterator[Problem]:
    """## What it does
    Reports an input that cannot be read or parsed, and says why: binary garbage, broken
    MIME, invalid TOML, a missing HTML file, an undecodable charset.

    ## Why it matters
    A campaign that cannot be read cannot be checked, and a launch gate must not pass what it
    could not look at. The other inputs of the batch are still checked.

    ## Example
    A `campaign.toml` that names `html = "email.html"` when the directory has no such file.

    ## How to fix
    Fix the file as the message says: save it as UTF-8 or a declared charset, fix the TOML
    syntax, or point `html =` at the right file.
    """
    if ctx.campaign.load_error:
        yield Problem(ctx.campaign.load_error, location=ctx.campaign.source)
