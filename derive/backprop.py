"""``python -m derive.backprop``, the documented command name; the code is
:mod:`derive.lecture.backprop`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(
        "derive.lecture.backprop:main",
        prog="python -m derive.backprop",
        flags="derive.lecture.commands:read_flags",
    )
else:
    from derive.lecture.backprop import *  # noqa: F403
    from derive.lecture.backprop import main  # noqa: F401
