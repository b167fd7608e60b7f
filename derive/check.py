"""``python -m derive.check``, the documented command name."""

from derive.homework.check import *  # noqa: F403
from derive.homework.check import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.check")
