"""``python -m derive.quadratic``, the documented command name."""

from derive.lecture.quadratic import *  # noqa: F403
from derive.lecture.quadratic import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.quadratic")
