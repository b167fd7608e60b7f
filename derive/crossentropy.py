"""``python -m derive.crossentropy``, the documented command name; the code is
:mod:`derive.lecture.crossentropy`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(
        "derive.lecture.crossentropy:main",
        prog="python -m derive.crossentropy",
        flags="derive.lecture.commands:read_flags",
    )
else:
    from derive.lecture.crossentropy import *  # noqa: F403
    from derive.lecture.crossentropy import main  # noqa: F401
