"""``python -m derive.errata``, the documented command name."""

from derive.lecture.errata import *  # noqa: F403
from derive.lecture.errata import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.errata")
