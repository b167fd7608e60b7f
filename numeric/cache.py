"""JAX's persistent compilation cache for the ``numeric`` command-line programs.

A second run of ``python -m numeric.gradcheck`` with the same shapes should not compile its XLA
programs again: the CLI points ``jax_compilation_cache_dir`` at a directory in the user's cache
and lowers JAX's thresholds (by default only programs that took ≥ 1 s to compile are stored)
so that the small programs of a gradient check are stored too.

The cache cannot change a result: JAX keys an entry by the program's StableHLO, the compile
options, the backend and the JAX/jaxlib versions, so a hit returns the executable that a fresh
compilation of the same program would give (``tests/test_gradcheck_cache.py`` checks that the
output is the same with the cache cold, warm and off).

Where (first match wins):

* ``NUMERIC_NO_CACHE`` set (to anything but ``""``, ``0``, ``false``, ``no``, ``off``): no cache,
  as ``--no-cache``;
* ``NUMERIC_CACHE_DIR``: that directory;
* ``$XDG_CACHE_HOME/crossentropy-verified-derivations/jax``, else
  ``~/.cache/crossentropy-verified-derivations/jax``.

Only the CLI turns the cache on (:func:`enable`); importing :mod:`numeric` does not touch JAX's
configuration. A cache directory that JAX was already given (``JAX_COMPILATION_CACHE_DIR``)
is kept.

JAX's cache saves compilation, not tracing; :func:`enable` also turns on
:mod:`numeric.programs`, which keeps the compiled checks themselves in the subdirectory
``numeric-programs`` so that a warm run does not trace them either.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DIR_ENV", "OFF_ENV", "cache_dir", "enable"]

DIR_ENV = "NUMERIC_CACHE_DIR"
OFF_ENV = "NUMERIC_NO_CACHE"
_APP = "crossentropy-verified-derivations"


def cache_dir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The cache directory the environment asks for, or ``None`` if the cache is switched off."""
    env = os.environ if environ is None else environ
    if env.get(OFF_ENV, "").strip().lower() not in ("", "0", "false", "no", "off"):
        return None
    if env.get(DIR_ENV):
        return Path(env[DIR_ENV]).expanduser()
    base = env.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path(env.get("HOME") or Path.home()) / ".cache")
        except RuntimeError:  # no home directory to be found: no cache
            return None
    return Path(base).expanduser() / _APP / "jax"


def enable(path: Path) -> Path | None:
    """Store and reuse compiled programs in ``path`` (created if missing); returns the directory
    in use, or ``None`` (no cache) if it cannot be created. Call before the first compilation.
    """
    import jax

    configured = jax.config.jax_compilation_cache_dir
    if configured:
        path = Path(configured)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    if not os.access(path, os.W_OK | os.X_OK):
        return None
    jax.config.update("jax_compilation_cache_dir", str(path))
    jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
    jax.config.update("jax_persistent_cache_min_entry_size_bytes", -1)
    from . import programs

    programs.enable(path / programs.SUBDIR)
    return path
