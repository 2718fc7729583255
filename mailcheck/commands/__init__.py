"""Sub-commands of the ``mailcheck`` CLI, one module each."""
