"""The store of compiled checks (:mod:`numeric.programs`): a stored program is loaded instead of
traced, gives the same errors bit for bit, is keyed by everything that tracing reads, and a
broken entry is rebuilt rather than trusted."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from derive.engine.notation import a, y
from numeric import check, programs
from numeric.check import check_stack
from numeric.networks import random_stack
from numeric.precision import float64

SIZES = (3, 4, 2)


def _stack(count: int = 5, cost: str = "cross-entropy", sizes=SIZES):
    return random_stack(sizes, count, batch=4, cost=cost, seed=7)


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The store on, in a temporary directory, with an empty in-process memo."""
    monkeypatch.setattr(programs, "_dir", tmp_path)
    monkeypatch.setattr(programs, "_loaded", {})
    return tmp_path


def _forget(monkeypatch: pytest.MonkeyPatch) -> None:
    """As a new process would be: nothing loaded yet."""
    monkeypatch.setattr(programs, "_loaded", {})


def test_the_store_is_off_unless_enabled() -> None:
    assert programs.directory() is None  # importing numeric writes nothing


@pytest.mark.parametrize("cost", ["cross-entropy", "softmax-log-likelihood"])
def test_a_stored_program_is_loaded_without_tracing_and_gives_the_same_errors_bit_for_bit(
    store: Path, monkeypatch: pytest.MonkeyPatch, cost: str
) -> None:
    stack = _stack(cost=cost)
    traced = check_stack(stack, cost=cost)  # compiled and saved
    assert len(list(store.glob("*.exe"))) == 1
    _forget(monkeypatch)

    def no_tracing(*args: object) -> None:
        raise AssertionError("a stored program was traced again")

    monkeypatch.setattr(check, "_batched_checker", no_tracing)
    loaded = check_stack(stack, cost=cost)
    monkeypatch.undo()  # the plain jit path, store off
    plain = check_stack(stack, cost=cost)
    assert loaded.dtype == traced.dtype == plain.dtype == np.float64
    assert np.array_equal(loaded, traced) and np.array_equal(loaded, plain)


def test_a_wrong_delta_is_stored_as_its_own_program_and_still_fails(store: Path) -> None:
    stack = _stack()
    right = check_stack(stack, cost="cross-entropy")
    wrong = check_stack(stack, cost="cross-entropy", delta=(a - y) * 2)
    assert len(list(store.glob("*.exe"))) == 2
    assert right.max() < 1e-12 < wrong.max()


def test_the_key_names_cost_delta_floor_and_argument_shapes() -> None:
    with float64():
        import jax.numpy as jnp

        args = (jnp.zeros((5, 2, 3)), jnp.zeros((5, 2)))
        other_shape = (jnp.zeros((6, 2, 3)), jnp.zeros((6, 2)))
        other_dtype = (jnp.zeros((5, 2, 3), dtype=jnp.float32), jnp.zeros((5, 2)))
        base = programs.key("check_stack", ("cross-entropy", "d", 0.01), args)
        assert base == programs.key("check_stack", ("cross-entropy", "d", 0.01), args)
        others = {
            programs.key("check_stack", ("quadratic", "d", 0.01), args),
            programs.key("check_stack", ("cross-entropy", "e", 0.01), args),
            programs.key("check_stack", ("cross-entropy", "d", 0.1), args),
            programs.key("check_stack", ("cross-entropy", "d", 0.01), other_shape),
            programs.key("check_stack", ("cross-entropy", "d", 0.01), other_dtype),
        }
    assert base not in others and len(others) == 5


def test_the_key_names_the_precision_setting() -> None:
    import jax

    with jax.enable_x64(True):
        args = (jax.numpy.zeros((2, 3)),)
        in_float64 = programs.key("check_stack", ("quadratic", "d", 0.01), args)
    with jax.enable_x64(False):
        in_default = programs.key("check_stack", ("quadratic", "d", 0.01), args)
    assert in_float64 != in_default


def test_editing_any_source_file_changes_every_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = Path(programs.__file__).resolve().parent.parent
    copy = tmp_path / "src"
    for package in ("numeric", "derive"):
        shutil.copytree(root / package, copy / package, ignore=shutil.ignore_patterns("*.pyc"))
    static = ("cross-entropy", "d", 0.01)
    monkeypatch.setattr(programs, "_ROOT", copy)
    programs._environment.cache_clear()
    try:
        before = programs.key("check_stack", static, ())
        closedforms = copy / "derive" / "lecture" / "closedforms.py"
        closedforms.write_text(closedforms.read_text() + "\n# edited\n")
        programs._environment.cache_clear()
        after = programs.key("check_stack", static, ())
    finally:
        monkeypatch.undo()
        programs._environment.cache_clear()
    assert before != after


@pytest.mark.parametrize("content", [b"", b"not a pickle", b"\x80\x04N."])
def test_an_entry_that_cannot_be_loaded_is_rebuilt_not_trusted(
    store: Path, monkeypatch: pytest.MonkeyPatch, content: bytes
) -> None:
    stack = _stack(count=3, sizes=(2, 3))
    first = check_stack(stack, cost="quadratic")
    (entry,) = store.glob("*.exe")
    entry.write_bytes(content)
    _forget(monkeypatch)
    again = check_stack(stack, cost="quadratic")
    assert np.array_equal(first, again)
    assert entry.stat().st_size > 1000  # written anew, whole
    _forget(monkeypatch)
    assert np.array_equal(check_stack(stack, cost="quadratic"), first)


def test_a_store_that_cannot_be_written_only_costs_the_saving(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    monkeypatch.setattr(programs, "_dir", blocker / "programs")
    monkeypatch.setattr(programs, "_loaded", {})
    stack = _stack(count=2, sizes=(2, 2))
    errors = check_stack(stack, cost="quadratic-linear")
    assert errors.shape == (2, 2, 2) and errors.max() < 1e-12
    assert blocker.read_text() == "not a directory"


def test_the_any_activation_checks_are_stored_too_and_agree_exactly(
    store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from numeric import anyactivation

    def checked() -> object:
        return anyactivation.check_activation(
            "tanh", "quadratic", nets=4, shapes=[(2, 3, 2)], batch=3, seed=1
        )

    built = checked()
    _forget(monkeypatch)

    def no_tracing(*args: object) -> None:
        raise AssertionError("a stored program was traced again")

    monkeypatch.setattr(anyactivation, "_batched", no_tracing)
    assert checked() == built and built.ok
