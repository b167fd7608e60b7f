"""``python -m derive.rebuild``, the documented command name."""

from derive.lecture.rebuild import *  # noqa: F403
from derive.lecture.rebuild import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.rebuild")
