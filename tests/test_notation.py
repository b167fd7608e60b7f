"""Notation: σ, σ', layer-indexed symbols, domains (the objects every derivation uses)."""

from __future__ import annotations

import random

import sympy as sp

from derive.engine.domain import DEFAULT, reparametrise
from derive.engine.notation import SigmaPrime, a, expand_sigma_prime, layer_symbol, sigma, y, z


def test_L6_sigma_derivative_is_sigma_times_one_minus_sigma() -> None:
    assert sp.diff(sigma(z), z) == sigma(z) * (1 - sigma(z))
    assert sp.simplify(sp.diff(sigma(z).rewrite(sp.exp), z) - SigmaPrime(z).rewrite(sp.exp)) == 0


def test_sigma_rewrites_to_the_logistic_function() -> None:
    assert sigma(z).rewrite(sp.exp) == 1 / (1 + sp.exp(-z))
    assert sigma(0) == sp.Rational(1, 2)
    assert sigma(z).is_positive and sigma(z).is_real


def test_sigma_prime_stays_unevaluated_for_printing_and_expands_on_request() -> None:
    assert sp.latex(SigmaPrime(z)) == r"\sigma'(z)"
    assert expand_sigma_prime(SigmaPrime(z) * 2) == 2 * sigma(z) * (1 - sigma(z))
    assert sp.cancel(sp.diff(SigmaPrime(z), z) - sp.diff(sigma(z), z, 2)) == 0


def test_layer_superscript_is_an_index_not_a_power() -> None:
    aLj = layer_symbol("a", "L", "j")
    assert aLj.is_Symbol and not aLj.is_Pow
    assert sp.latex(aLj) == "a^{L}_{j}"
    assert sp.diff(aLj**2, aLj) == 2 * aLj
    assert layer_symbol("a", "L-1", "k") != layer_symbol("a", "L", "k")


def test_domain_samples_stay_inside_open_unit_interval() -> None:
    pts = DEFAULT.sample([a, y], 500, seed=3)
    assert all(0 < p[a] < 1 and 0 <= p[y] <= 1 for p in pts)
    assert min(p[a] for p in pts) >= 0.02 and max(p[a] for p in pts) <= 0.98


def test_reparametrisation_is_exact_on_the_unit_interval() -> None:
    expr = sp.log(1 - a) - sp.log(a)
    r, subs = reparametrise(expr, DEFAULT)
    assert set(subs) == {a}
    (u,) = r.free_symbols
    rng = random.Random(0)
    for _ in range(5):
        uv = rng.uniform(0.01, 10)
        av = 1 / (1 + uv)
        assert abs(float(r.subs(u, uv)) - float(expr.subs(a, av))) < 1e-12


def test_greek_layer_symbols_print_as_greek_and_sort_like_plain_symbols() -> None:
    assert sp.latex(layer_symbol("delta", "l+1", "k")) == r"\delta^{l+1}_{k}"
    a_k, y_k = layer_symbol("a", "L", "k"), sp.Symbol("y_k", real=True)
    assert sp.sstr(sp.factor(a_k - y_k)) == "a^{L}_{k} - y_k"
