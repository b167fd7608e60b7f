"""Compiled checks kept across processes, so that a warm run neither traces nor compiles.

JAX's persistent compilation cache (:mod:`numeric.cache`) saves XLA's compilation only: every
run still traces and lowers each program to StableHLO, which for the 16 programs of
``python -m numeric.gradcheck --cost all`` (4 costs x 4 shapes) took ≈ 1.5 s of a warm run's
≈ 2 s of checking (measured: tracing 1.0 s, lowering 0.5 s, loading from JAX's cache 0.3 s).
This store keeps the compiled executable itself (``jax.experimental.serialize_executable``)
and loads it in a later process without tracing (≈ 10–15 ms a program, 0.15–0.23 s for the
16; what remains of a warm check is mostly XLA loading and first running these executables).

Skipping the trace means the key must name everything that tracing would have read. An entry
is keyed by the SHA-256 of:

* what is computed: a name and its static arguments (cost, δ^L as ``sympy.srepr``, floor);
* the shapes and dtypes of the arguments;
* the source of every ``.py`` file of the ``numeric`` and ``derive`` packages (the code that
  runs while tracing, and the closed forms it lambdifies): any edit gives new keys;
* the versions of Python, JAX, jaxlib, NumPy, SymPy and mpmath; the backend (platform, its
  version, device kinds), the machine and its CPU flags (an executable is compiled for the host
  CPU); JAX's configuration at call time (every option but the cache's own, so float64 is in it)
  and ``XLA_FLAGS``.

A hit runs the very executable that tracing and compiling the same program gave, so it cannot
change a result (``tests/test_programs.py``: same errors, bit for bit, loaded or built). An
entry that cannot be loaded (truncated, written by another jaxlib) is ignored and rewritten.
Files are written whole (a temporary file, then a rename), one per program (50–180 kB).

Like JAX's own cache, an entry is native code: the directory must be writable by you alone
(it lives in your cache directory, :mod:`numeric.cache`). Off unless :func:`enable` is called
(``python -m numeric.gradcheck`` does, through :func:`numeric.cache.enable`); importing
:mod:`numeric` never writes anything.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import platform
import re
import sys
import tempfile
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

import jax

__all__ = ["SUBDIR", "directory", "enable", "key", "run"]

#: the store's directory inside the compilation cache directory
SUBDIR = "numeric-programs"
#: bump when the file format or the key changes
_FORMAT = b"numeric.programs 1"
_ROOT = Path(__file__).resolve().parent.parent
_PACKAGES = ("numeric", "derive")

_dir: Path | None = None
_loaded: dict[str, Callable[..., Any]] = {}


def enable(path: Path | None) -> None:
    """Keep compiled programs in ``path`` (``None``: switch the store off)."""
    global _dir
    _dir = path


def directory() -> Path | None:
    """The store's directory, or ``None`` when it is off."""
    return _dir


def _cpu_flags() -> str:
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    found = re.search(r"^(?:flags|Features)\s*:\s*(.*)$", text, re.MULTILINE)
    return found.group(1) if found else ""


@functools.cache
def _environment() -> bytes:
    """Digest of the source, versions, backend and machine (fixed for the process)."""
    import jaxlib
    import mpmath
    import numpy
    import sympy

    h = hashlib.sha256(_FORMAT)
    client = jax.devices()[0].client
    parts = [
        sys.version,
        jax.__version__,
        jaxlib.__version__,
        numpy.__version__,
        sympy.__version__,
        mpmath.__version__,
        client.platform,
        client.platform_version,
        ",".join(d.device_kind for d in jax.devices()),
        platform.machine(),
        _cpu_flags(),
        os.environ.get("XLA_FLAGS", ""),
    ]
    for part in parts:
        h.update(part.encode() + b"\0")
    for package in _PACKAGES:
        for file in sorted((_ROOT / package).rglob("*.py")):
            h.update(file.relative_to(_ROOT).as_posix().encode() + b"\0")
            h.update(file.read_bytes() + b"\0")
    return h.digest()


def key(name: str, static: tuple[Hashable, ...], args: tuple) -> str:
    """The entry's name: a hex SHA-256 of the program, its arguments' types and the setting."""
    h = hashlib.sha256(_environment())
    h.update(repr((name, static)).encode() + b"\0")
    leaves, tree = jax.tree.flatten(args)
    h.update(str(tree).encode() + b"\0")
    for leaf in leaves:
        h.update(f"{jax.typeof(leaf)}\0".encode())
    options = sorted((k, repr(v)) for k, v in jax.config.values.items() if "cache" not in k)
    h.update(repr(options).encode())
    return h.hexdigest()


def _load(file: Path) -> Callable[..., Any] | None:
    from jax.experimental import serialize_executable

    try:
        payload, in_tree, out_tree = pickle.loads(file.read_bytes())
        return serialize_executable.deserialize_and_load(payload, in_tree, out_tree)
    except Exception:  # missing, truncated, or from another jaxlib: build it again
        return None


def _store(file: Path, compiled: jax.stages.Compiled) -> None:
    from jax.experimental import serialize_executable

    try:
        data = pickle.dumps(serialize_executable.serialize(compiled))
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=file.parent, prefix=".tmp-")
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, file)
    except (OSError, ValueError, NotImplementedError, pickle.PicklingError):
        pass  # not stored: the next run traces and compiles again, nothing else changes


def run(
    name: str,
    static: tuple[Hashable, ...],
    build: Callable[[], Callable[..., Any]],
    args: tuple,
) -> Any:
    """``build()(*args)``, where ``build`` returns a ``jax.jit`` function of ``static`` alone.

    With the store on, the compiled program is loaded (or compiled and saved) under
    :func:`key`, and ``build`` is not called on a hit: no tracing, no lowering.
    """
    if _dir is None:
        return build()(*args)
    digest = key(name, static, args)
    compiled = _loaded.get(digest)
    if compiled is None:
        file = _dir / f"{digest}.exe"
        compiled = _load(file) if file.exists() else None
        if compiled is None:
            compiled = build().lower(*args).compile()
            _store(file, compiled)
        _loaded[digest] = compiled
    return compiled(*args)
