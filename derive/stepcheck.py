"""``python -m derive.stepcheck``, the documented command name; the code is
:mod:`derive.homework.stepcheck`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry("derive.homework.stepcheck:main", prog="python -m derive.stepcheck")
else:
    from derive.homework.stepcheck import *  # noqa: F403
    from derive.homework.stepcheck import main  # noqa: F401
