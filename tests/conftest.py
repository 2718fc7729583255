"""Shared pytest set-up: keep this minimal, several test modules share it."""

pytest_plugins = ["pytester"]
