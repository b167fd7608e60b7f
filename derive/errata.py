"""``python -m derive.errata``, the documented command name; the code is
:mod:`derive.lecture.errata`."""

if __name__ == "__main__":
    from derive.engine.console import entry

    entry(
        "derive.lecture.errata:main",
        prog="python -m derive.errata",
        flags="derive.lecture.commands:read_errata_flags",
    )
else:
    from derive.lecture.errata import *  # noqa: F403
    from derive.lecture.errata import main  # noqa: F401
