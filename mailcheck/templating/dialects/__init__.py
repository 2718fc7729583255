"""The built-in dialects, one module each, registered under ``mailcheck.dialects``.

Each module defines ``DIALECT`` and names, in its docstring, the platform documentation (by
page title) its system variables and unsubscribe tags come from. The modules are light (regular
expressions and names only): an engine is imported when a template is first parsed.
"""
