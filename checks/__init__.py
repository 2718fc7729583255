"""Built-in rules, one module per family; installed as mailcheck.checks."""
