"""What every command does at its edges: one-line errors, never a traceback.

Every ``python -m …`` command of the toolkit runs its ``main`` through :func:`entry`, which
turns the ways a run can end badly into a message on stderr and a documented exit status:

========================  ======  ====================================================
how it ended              status  message
========================  ======  ====================================================
``main`` returned *n*     *n*     (whatever ``main`` printed)
stdout closed early       *n*     none: ``cmd | head -1`` is a normal way to read output
                          or 141  (141 = 128 + SIGPIPE when ``main`` had not finished)
Ctrl-C                    130     ``PROG: interrupted``
out of memory             2       ``PROG: out of memory (…)``
anything unexpected       3       ``PROG: internal error (TypeName): …``, one line
========================  ======  ====================================================

Argument types shared by the commands (:func:`timeout_seconds`) live here too, so that every
command refuses ``inf``, ``nan`` and negative times the same way.
"""

from __future__ import annotations

import _thread
import argparse
import gc
import importlib
import math
import os
import sys
import time
from collections.abc import Callable, Sequence
from typing import NoReturn

__all__ = [
    "MAX_TIMEOUT",
    "TooLarge",
    "entry",
    "output_path",
    "read_bounded",
    "replaced_path",
    "timeout_seconds",
]

#: the longest time limit a command accepts, seconds (one answer, one step file)
MAX_TIMEOUT = 600.0

#: 128 + SIGPIPE: the shell's status for a writer whose reader went away
EXIT_PIPE = 141
EXIT_INTERRUPTED = 130
EXIT_BAD_INPUT = 2
EXIT_INTERNAL = 3


def timeout_seconds(text: str) -> float:
    """An argparse type: a finite time limit in seconds, 0 < t ≤ :data:`MAX_TIMEOUT`."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not (math.isfinite(value) and 0 < value <= MAX_TIMEOUT):
        raise argparse.ArgumentTypeError(
            f"expected a time limit in seconds, 0 < t ≤ {MAX_TIMEOUT:g}, got {text!r}"
        )
    return value


def output_path(text: str, *, replaced: bool = False) -> str:
    """An argparse type: a file to write. Refused before any work is done: an empty name (it
    is not stdout), a directory, a file in a directory that does not exist or cannot be
    written to (an existing writable file there is written in place), or with ``replaced``
    (:func:`replaced_path`) whose directory is not writable. The write itself still reports
    what only it can find: a full disk …"""
    if not text.strip():
        raise argparse.ArgumentTypeError("expected a file name, got an empty one")
    try:
        target = os.path.realpath(text)  # where the write goes: through symlinks, then ".."
        folder = os.path.dirname(target)
        if os.path.isdir(target):
            raise argparse.ArgumentTypeError(f"{text} is a directory, not a file")
        if not os.path.isdir(folder):
            raise argparse.ArgumentTypeError(f"cannot write {text}: {folder} is not a directory")
        in_place = not replaced and os.access(target, os.W_OK)
        if not os.access(folder, os.W_OK | os.X_OK) and not in_place:
            raise argparse.ArgumentTypeError(f"cannot write {text}: {folder} is not writable")
    except OSError as exc:  # the working directory removed under us …
        raise argparse.ArgumentTypeError(f"cannot write {text}: {exc.strerror or exc}") from None
    return text


def replaced_path(text: str) -> str:
    """:func:`output_path` for a file written to a new file in its directory, then renamed
    over it (``derive.check``'s outputs): the directory itself must be writable."""
    return output_path(text, replaced=True)


class TooLarge(ValueError):
    """An input file is larger than the command accepts."""


def read_bounded(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of ``path``, or :class:`TooLarge` once more than ``limit`` have been read.

    Reads at most ``limit + 1`` bytes whatever ``path`` is: a device (``/dev/zero``), a pipe
    (``/dev/stdin``) and a growing file report no size beforehand, so the size is never asked.
    """
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(f"{os.fspath(path)} is larger than {limit:,} bytes")
    return data


def _silence_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush cannot raise again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):
        pass


def _say(prog: str, message: str) -> None:
    try:
        print(f"{prog}: {message}", file=sys.stderr, flush=True)
    except (OSError, ValueError):
        pass


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("…" if len(text) > 300 else "")


def _flush_quietly() -> None:
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass


def _interrupt_soon() -> None:
    time.sleep(0.05)
    _thread.interrupt_main()


def _interrupt_not_lost(unraisable: sys.UnraisableHookArgs) -> None:
    """Ctrl-C that lands in a callback Python cannot raise from (JAX's garbage-collection hook)
    is printed as "Exception ignored … Traceback" and dropped; instead, it is delivered to the
    main thread again, where :func:`entry` turns it into one line and status 130."""
    if unraisable.exc_type is not None and issubclass(unraisable.exc_type, KeyboardInterrupt):
        # from another thread, a moment later: raised inside the hook it would be dropped again
        _thread.start_new_thread(_interrupt_soon, ())
        return
    sys.__unraisablehook__(unraisable)


def _load(path: str) -> Callable:
    module, _, name = path.partition(":")
    return getattr(importlib.import_module(module), name)


def entry(
    main: Callable[[Sequence[str] | None], int | None] | str,
    argv: Sequence[str] | None = None,
    *,
    prog: str,
    flags: str | None = None,
) -> NoReturn:
    """Run ``main(argv)`` and exit with its status; see the table in the module docstring.

    ``main`` may be ``"package.module:function"``: it is then imported inside the guard, so a
    Ctrl-C while SymPy or JAX is being imported is also one line, not a traceback. ``flags``,
    ``"package.module:function"`` of a module that imports nothing heavy: ``function(prog,
    argv)`` reads the flags (usage and exit 2, or the help and exit 0) before ``main`` is
    imported; ``main`` reads them again.
    """
    code: int | None = None
    sys.unraisablehook = _interrupt_not_lost
    try:
        if flags is not None:
            _load(flags)(prog, sys.argv[1:] if argv is None else argv)
        if isinstance(main, str):
            main = _load(main)
        # what the imports built (SymPy's modules, classes, tables) lives until exit: frozen, no
        # collection walks it, and the one at exit does not free it one cycle at a time for
        # the OS to take back anyway (measured: 0.1-0.2 s of a derivation CLI's ~0.8 s). What
        # the run builds is collected as usual; atexit and weakref.finalize callbacks still run
        gc.freeze()
        code = main(argv)
        sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        raise SystemExit(code if code is not None else EXIT_PIPE) from None
    except KeyboardInterrupt:
        _say(prog, "interrupted")
        if "jax" in sys.modules:
            # XLA's threads may still run: tearing the interpreter down under them can crash
            # (SIGSEGV seen under load); nothing is left to clean up that the OS does not
            _flush_quietly()
            os._exit(EXIT_INTERRUPTED)
        raise SystemExit(EXIT_INTERRUPTED) from None
    except MemoryError as exc:
        _say(prog, f"out of memory ({_one_line(exc) or 'an allocation failed'})")
        raise SystemExit(EXIT_BAD_INPUT) from None
    except SystemExit:
        raise
    except Exception as exc:
        _say(prog, f"internal error ({type(exc).__name__}): {_one_line(exc)}")
        raise SystemExit(EXIT_INTERNAL) from None
    raise SystemExit(code or 0)
