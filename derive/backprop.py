"""``python -m derive.backprop``, the documented command name."""

from derive.lecture.backprop import *  # noqa: F403
from derive.lecture.backprop import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.backprop")
