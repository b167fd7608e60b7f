"""``python -m derive.check``, the documented command name; the code is
:mod:`derive.homework.check`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry("derive.homework.check:main", prog="python -m derive.check")
else:
    from derive.homework.check import *  # noqa: F403
    from derive.homework.check import main  # noqa: F401
