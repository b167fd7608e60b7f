"""``python -m derive.quadratic``, the documented command name; the code is
:mod:`derive.lecture.quadratic`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(
        "derive.lecture.quadratic:main",
        prog="python -m derive.quadratic",
        flags="derive.lecture.commands:read_flags",
    )
else:
    from derive.lecture.quadratic import *  # noqa: F403
    from derive.lecture.quadratic import main  # noqa: F401
