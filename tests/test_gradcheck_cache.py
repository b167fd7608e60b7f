"""The persistent compilation cache of ``python -m numeric.gradcheck``: where it goes, how it is
switched off, and that it never changes a result (cold, warm and off give the same output)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from numeric import cache
from numeric.gradcheck import main

HOME_CACHE = "/h/.cache/crossentropy-verified-derivations/jax"
# two costs, two shapes each: several programs to store, compiled in ~3 s (all four: ~6 s)
ARGS = ["--cost", "cross-entropy,quadratic", "--nets", "6", "--random-shapes", "2", "--batch", "4"]
ARGS += ["--seed", "3", "--json"]


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"HOME": "/h"}, HOME_CACHE),
        ({"HOME": "/h", "XDG_CACHE_HOME": "/x"}, "/x/crossentropy-verified-derivations/jax"),
        ({"HOME": "/h", "XDG_CACHE_HOME": ""}, HOME_CACHE),
        ({"HOME": "/h", "XDG_CACHE_HOME": "/x", "NUMERIC_CACHE_DIR": "/c"}, "/c"),
        ({"HOME": "/h", "NUMERIC_NO_CACHE": "0"}, HOME_CACHE),
        ({"HOME": "/h", "NUMERIC_NO_CACHE": "false"}, HOME_CACHE),
        ({"HOME": "/h", "NUMERIC_NO_CACHE": "1", "NUMERIC_CACHE_DIR": "/c"}, None),
        ({"HOME": "/h", "NUMERIC_NO_CACHE": "yes"}, None),
    ],
)
def test_the_environment_chooses_the_directory_or_switches_the_cache_off(env, expected) -> None:
    got = cache.cache_dir(env)
    assert (None if got is None else str(got)) == expected


def test_a_cache_directory_that_cannot_be_created_means_no_cache(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert cache.enable(blocker / "jax") is None


def _cli(env: dict[str, str]) -> tuple[int, dict, str]:
    proc = subprocess.run(
        [sys.executable, "-m", "numeric.gradcheck", *ARGS],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    return proc.returncode, json.loads(proc.stdout), proc.stderr


def test_cold_warm_and_off_give_the_same_output_and_the_warm_run_reuses_the_cache(
    tmp_path: Path, capsys
) -> None:
    env = {k: v for k, v in os.environ.items() if k != "NUMERIC_NO_CACHE"}
    env |= {"NUMERIC_CACHE_DIR": str(tmp_path / "cache"), "HOME": str(tmp_path / "home")}
    env.pop("XDG_CACHE_HOME", None)
    env.pop("JAX_COMPILATION_CACHE_DIR", None)
    cold = _cli(env)
    entries = sorted(p.name for p in (tmp_path / "cache").iterdir())
    stored = sorted(p.name for p in (tmp_path / "cache" / "numeric-programs").iterdir())
    warm = _cli(env)
    assert entries, "the first run stored no compiled program"
    # one compiled check per (cost, shape) that has networks, kept whole (no tracing when warm)
    assert len(stored) == sum(len(r["shapes"]) for r in cold[1]["results"]) > 1
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == entries  # all hits
    assert sorted(p.name for p in (tmp_path / "cache" / "numeric-programs").iterdir()) == stored
    assert not (tmp_path / "home").exists()  # nothing written outside NUMERIC_CACHE_DIR
    code = main([*ARGS, "--no-cache"])
    off = json.loads(capsys.readouterr().out)
    assert cold[0] == warm[0] == code == 0
    assert cold[1] == warm[1] == off
    assert "Traceback" not in cold[2] + warm[2]
