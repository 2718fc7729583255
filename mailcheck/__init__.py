"""mailcheck: a pre-send QA linter for e-mail campaigns."""

__version__ = "0.1.0"
