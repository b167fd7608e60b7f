"""``python -m derive.crossentropy``, the documented command name."""

from derive.lecture.crossentropy import *  # noqa: F403
from derive.lecture.crossentropy import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.crossentropy")
