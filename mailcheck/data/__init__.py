"""Data files read with importlib.resources: word lists and platform tags, kept out of code."""
