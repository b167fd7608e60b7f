"""``python -m derive.stepcheck``, the documented command name."""

from derive.homework.stepcheck import *  # noqa: F403
from derive.homework.stepcheck import main

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(main, prog="python -m derive.stepcheck")
