"""``python -m derive.rebuild``, the documented command name; the code is
:mod:`derive.lecture.rebuild`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry("derive.lecture.rebuild:main", prog="python -m derive.rebuild")
else:
    from derive.lecture.rebuild import *  # noqa: F403
    from derive.lecture.rebuild import main  # noqa: F401
