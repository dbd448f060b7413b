"""``python -m gemini_ops.cli``: the same as the ``gemini-ops`` script."""

from gemini_ops.cli import main

main()
