"""Are two answers equal on the exercise's domain, under its definitions? The grader's side of
the one judge (:func:`derive.engine.judge.judge_zero`): this module puts both sides in the form
the judge compares, and says what the judge decided in the grader's words.

1. **canonical form** (:func:`canonical`): σ' → σ(1 − σ); definitions such as ``z = w x + b``
   substituted, then ``σ(z)`` → ``a`` and ``e^{-z}`` → ``(1 − a)/a``; a limit evaluated when
   SymPy finds a finite value; a sum over the training samples, used linearly, reduced to its
   summand (a non-linear use, such as ``((1/n) Σ_x x_j)(a − y)``, is refused:
   :class:`NonLinearSampleSum`); a sum with numeric limits written out; when a sum over ``k``
   to ``K`` occurs, both sides are written out, limits as written, at each K of
   :func:`sum_widths` (2, 3, 5, …) and compared at every one of them.
2. **the judge**, at each K: a cheap exact proof on the canonical forms (the Schwartz–Zippel
   test modulo 2⁶¹ − 1, then ``cancel``); seeded random points of the domain in the **point
   form** (:func:`_in_point_form`: a defined symbol at its defined value, ``a = σ(z)`` at the
   drawn z; derivatives, indexed symbols and other opaque atoms as stand-in variables of
   their family), where one point of disagreement refutes; then, when the points agree, the
   slower exact methods, also on the point form (``1/(4cosh²(z/2)) = σ'(z)`` is proved
   there). Without a proof the agreement at every point is reported as numeric evidence.
"""

from __future__ import annotations

import functools
import hashlib
import zlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from ..engine import notation as nt
from ..engine.domain import FAMILY_DEFAULTS, Domain, Interval, family
from ..engine.judge import Judgement, PointForm, Verdict, judge_zero
from ..engine.points import DIGITS, evaluate_zero
from .sums import (
    FEEDBACK_WIDTH,
    LIMIT_SEARCH,
    NonLinearSampleSum,
    UnsupportedSum,
    collapse_sample_sums,
    constant_limits,
    same_limits,
    sum_widths,
    width_outside_limits,
    write_out,
)

__all__ = [
    "DIGITS",
    "POINTS",
    "Comparison",
    "Definition",
    "Domain",
    "Interval",
    "NonLinearSampleSum",
    "UnsupportedSum",
    "canonical",
    "compare",
    "forget",
    "sum_widths",
    "undefined_point",
    "write_out",
]

#: random points of the judge (:mod:`derive.engine.points`, at its DIGITS digits, relative
#: tolerance and floor), besides those near the ends of the domain
POINTS = 12
#: simplify is tried only below this size (count_ops), to keep its cost bounded
SIMPLIFY_MAX_OPS = 40


#: default domains by symbol family: a ∈ (0, 1), y ∈ [0, 1], n, t > 0, others real
DEFAULT_DOMAIN: Mapping[str, Interval] = FAMILY_DEFAULTS


@dataclass(frozen=True)
class Definition:
    """``lhs = rhs``: ``a = σ(z)`` rewrites σ(z) (and e^{∓z}) into ``a``; otherwise the
    definition rewrites ``lhs`` into ``rhs`` (``z = w x + b``, ``a^L_j = z^L_j``)."""

    lhs: sp.Symbol
    rhs: sp.Expr


@dataclass(frozen=True)
class Comparison:
    """Outcome: ``equal`` True/False, or None when undecided; ``method`` says which decided."""

    equal: bool | None
    method: str
    points: int = 0
    counterexample: str = ""


# --------------------------------------------------------------------------- canonical form


def _sigma_arg_matches(u: sp.Expr, target: sp.Expr) -> bool:
    return u == target or sp.expand(u - target) == 0


def _rewrite_sigma(expr: sp.Expr, name: sp.Symbol, arg: sp.Expr) -> sp.Expr:
    """σ(arg) → name, σ(−arg) → 1 − name; e^{−arg} → (1 − name)/name; e^{arg} → name/(1 − name)."""
    expr = expr.replace(
        lambda e: isinstance(e, nt.sigma) and _sigma_arg_matches(e.args[0], arg),
        lambda e: name,
    )
    expr = expr.replace(
        lambda e: isinstance(e, nt.sigma) and _sigma_arg_matches(e.args[0], -arg),
        lambda e: 1 - name,
    )

    def exp_match(e: sp.Basic) -> bool:
        if not isinstance(e, sp.exp):
            return False
        return _sigma_arg_matches(e.args[0], -arg) or _sigma_arg_matches(e.args[0], arg)

    def exp_value(e: sp.exp) -> sp.Expr:
        if _sigma_arg_matches(e.args[0], -arg):
            return (1 - name) / name
        return name / (1 - name)

    return expr.replace(exp_match, exp_value)


def _evaluated_limit(limit: sp.Limit) -> sp.Expr:
    """A limit as written, evaluated when SymPy finds a finite value (it stays unevaluated
    otherwise: the judge then has no value for it and says so)."""
    try:
        value = limit.doit()
    except (NotImplementedError, ValueError, TypeError):
        return limit
    if value.has(sp.Limit, sp.oo, -sp.oo, sp.zoo, sp.nan, sp.AccumBounds):
        return limit
    return value


def canonical(expr: sp.Expr, definitions: Sequence[Definition] = ()) -> sp.Expr:
    """The form in which two answers are compared (see the module docstring); remembered for
    the last few hundred (a reference and its typical mistakes recur with every answer)."""
    return _canonical(expr, tuple(definitions))


@functools.lru_cache(maxsize=512)
def _canonical(expr: sp.Expr, definitions: tuple[Definition, ...]) -> sp.Expr:
    expr = collapse_sample_sums(nt.expand_sigma_prime(expr))
    if expr.has(sp.Sum):  # Σ_{k=0}^{3} a^k is a + … whatever K is: written out once
        expr = expr.replace(constant_limits, lambda q: write_out(q, FEEDBACK_WIDTH))
    if expr.has(sp.Limit):
        expr = expr.replace(lambda q: isinstance(q, sp.Limit), _evaluated_limit)
    plain = [d for d in definitions if not isinstance(d.rhs, nt.sigma)]
    sigmoid = [d for d in definitions if isinstance(d.rhs, nt.sigma)]
    for d in plain:
        expr = expr.xreplace({d.lhs: d.rhs})
    for d in sigmoid:
        arg = d.rhs.args[0]
        for p in plain:
            arg = arg.xreplace({p.lhs: p.rhs})
        expr = _rewrite_sigma(expr, d.lhs, arg)
    return expr


def _in_base_variables(expr: sp.Expr, definitions: Sequence[Definition]) -> sp.Expr:
    """Every defined symbol replaced by its definition (a → σ(z), z → w x + b …).

    The numeric check evaluates this form, so that a point is consistent with the
    definitions (a is σ(z) at the drawn z, not an independent number).
    """
    for _ in range(len(definitions)):
        before = expr
        expr = expr.xreplace({d.lhs: d.rhs for d in definitions})
        if expr == before:
            break
    return expr


# --------------------------------------------------------------------------- numeric


#: what the random points cannot evaluate: each is replaced by a stand-in variable
_OPAQUE = (sp.Derivative, AppliedUndef, sp.Integral, sp.Indexed)


@functools.lru_cache(maxsize=4096)
def _stand_in(atom: sp.Basic) -> sp.Symbol:
    """The stand-in of an opaque atom: named by the atom's content (the same atom always gets
    the same stand-in, in every expression), and by its family (``a`` for ``a^L[k]``)."""
    fam = family(atom) if isinstance(atom, sp.Indexed) else ""
    digest = hashlib.sha1(sp.srepr(atom).encode()).hexdigest()[:12]
    return sp.Symbol(f"_{fam}_opaque_{digest}", real=True)


def _stand_in_family(sym: sp.Symbol) -> str | None:
    """The family a stand-in was made for (None: not a stand-in)."""
    parts = sym.name.split("_")
    return parts[1] if len(parts) == 4 and parts[2] == "opaque" and not parts[0] else None


def _opaque_atoms(expr: sp.Expr) -> dict[sp.Basic, sp.Symbol]:
    """Derivatives, undefined functions, integrals, indexed objects: one stand-in each."""
    return {atom: _stand_in(atom) for atom in expr.atoms(*_OPAQUE)}


@functools.lru_cache(maxsize=1024)
def _point_form(expr: sp.Expr, definitions: tuple[Definition, ...], width: int) -> sp.Expr:
    """One expression as it is evaluated at a point (see :func:`_in_point_form`)."""
    expr = write_out(collapse_sample_sums(expr), width)
    defs = [Definition(d.lhs, write_out(d.rhs, width)) for d in definitions]
    expr = write_out(_in_base_variables(expr.xreplace(_opaque_atoms(expr)), defs), width)
    # a definition may bring back an atom the answer already has (w_1 of z = Σ_j w_j x_j + b in
    # e^{2z}) or a new one (Σ_j w_j x_j): the same atom, the same stand-in
    return expr.xreplace(_opaque_atoms(expr))


def _in_point_form(
    exprs: Sequence[sp.Expr], definitions: Sequence[Definition], width: int
) -> tuple[list[sp.Expr], dict[sp.Symbol, str]]:
    """The expressions as they are evaluated at a point: sums written out at K = ``width``,
    defined symbols in base variables, opaque objects (derivatives, indexed symbols …) replaced
    by stand-ins; with the family of each stand-in (which interval it is drawn from)."""
    out = [_point_form(e, tuple(definitions), width) for e in exprs]
    families = {}
    for e in out:
        for sym in e.free_symbols:
            fam = _stand_in_family(sym)
            if fam is not None:
                families[sym] = fam
    return out, families


def _point_domain(domain: Domain, exprs: Sequence[sp.Expr], families: Mapping[sp.Symbol, str]):
    """The grader's domain by family (``a`` for ``a``, ``a_j``, a stand-in for ``a^L[k]`` …)
    resolved symbol by symbol, as the judge draws and proves: every symbol of ``exprs`` gets
    :meth:`Domain.for_family` of its family."""
    symbols = set().union(*(e.free_symbols for e in exprs))
    return Domain.of(
        {s: domain.for_family(families.get(s, family(s))) for s in sorted(symbols, key=str)}
    )


def _where(counterexample: tuple[tuple[str, str], ...]) -> str:
    """A counterexample as ``a=0.3, y=0.2`` (3 significant digits, enough to find the point;
    stand-ins for opaque atoms and the remark left out; at most five coordinates)."""
    coords = [(k, v) for k, v in counterexample[:-1] if not k.startswith("_")]
    return ", ".join(f"{k}={float(v):.3g}" for k, v in coords[:5])


def _comparison(got: Judgement) -> Comparison:
    """The grader's view of the judge's verdict."""
    ev = got.evidence
    n = ev.points if ev is not None else 0
    if got.verdict is Verdict.PROVED:
        return Comparison(True, _SYMBOLIC.get(got.method, f"symbolic ({got.method})"), n)
    if got.verdict is Verdict.NUMERIC:
        return Comparison(True, f"numeric ({n} points, {DIGITS} digits)", n)
    if got.verdict is Verdict.REFUTED and ev is not None and ev.counterexample:
        label = ev.counterexample[-1][0]
        method = (
            "numeric (undefined on the domain)"
            if "not real" in label
            else ("numeric (counterexample)")
        )
        return Comparison(False, method, n, _where(ev.counterexample))
    return Comparison(None, "numeric (no point where both are defined)", 0)


#: the judge's proof methods as the grader names them
_SYMBOLIC = {
    "cancel": "symbolic",
    "modular": "symbolic (rational identity, Schwartz–Zippel modulo 2^61 − 1)",
    "exponentials": "symbolic (as exponentials)",
    "domain": "symbolic (logarithms split on the domain)",
    "simplify": "symbolic (simplify)",
}


def undefined_point(
    parts: Sequence[sp.Expr],
    reference: sp.Expr,
    domain: Domain,
    *,
    seed: int | str,
    definitions: Sequence[Definition] = (),
    points: int = POINTS,
) -> str | None:
    """A point of the domain where the reference is a real number but one of ``parts`` is not.

    ``parts`` are sub-expressions of an answer as it was read (logarithms, roots, see
    :func:`derive.homework.parse.real_conditions`). The judge's random points
    (:func:`derive.engine.points.evaluate_zero`, the parts as the conditions of one side and
    the reference as both sides): one point where the reference is real and a part is not →
    that point; otherwise None. Parts with a sum over the samples are left to the linearity
    rule.
    """
    parts = [nt.expand_sigma_prime(p) for p in parts if not p.has(nt.SampleSum)]
    if not parts:
        return None
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode())
    reference = nt.expand_sigma_prime(reference)
    if definitions:
        # where the parts and the reference use only defined symbols (a) and free ones (y),
        # not what the definitions are written in (z), a defined symbol ranges over its own
        # interval: a = σ(z) for z ∈ [−2, 2] would never reach a < 0.12
        inner = set().union(*(d.rhs.free_symbols for d in definitions))
        if not any(e.free_symbols & inner for e in (reference, *parts)):
            point = undefined_point(parts, reference, domain, seed=seed, points=points)
            if point is not None:
                return point
    (reference, *parts), families = _in_point_form([reference, *parts], definitions, FEEDBACK_WIDTH)
    where = _point_domain(domain, [reference, *parts], families)
    ev = evaluate_zero(
        sp.S.Zero,
        where,
        scale=(reference, reference),
        conditions=(tuple(parts), ()),
        seed=seed,
        count=points,
    )
    if ev is None or ev.counterexample is None:
        return None
    return _where(ev.counterexample) or "a point of the domain"


def _compare_written_out(
    lhs: sp.Expr,
    rhs: sp.Expr,
    definitions: Sequence[Definition],
    domain: Domain,
    seed: int,
    width: int,
) -> Comparison:
    """``lhs = rhs`` (canonical forms without Σ_k) judged by the one judge
    (:func:`derive.engine.judge.judge_zero`): proved on the canonical forms, evaluated at
    points in base variables (a defined symbol at its defined value)."""
    proved_on = _point_domain(domain, [lhs, rhs], {})

    def at_points() -> PointForm:
        (pl, pr), families = _in_point_form([lhs, rhs], definitions, width)
        where = _point_domain(domain, [pl, pr], families)
        return PointForm(pl - pr, (pl, pr), where)

    got = judge_zero(
        lhs - rhs,
        proved_on,
        sides=(lhs, rhs),
        at_points=at_points,
        seed=seed,
        simplify_max_ops=SIMPLIFY_MAX_OPS,
        second_opinion=False,
        cheap=("modular", "cancel"),
    )
    return _comparison(got)


def compare(
    answer: sp.Expr,
    reference: sp.Expr,
    *,
    definitions: Sequence[Definition] = (),
    domain: Domain | None = None,
    seed: int | str = 0,
    canonicalised: bool = False,
) -> Comparison:
    """Is ``answer`` equal to ``reference`` on the domain, under the definitions?

    When either side (in canonical form) has a sum over ``k``, the two sides
    are written out and compared at every K of :func:`sum_widths` (limits as written:
    ``Σ_{k=1}^{K-1}`` has K − 1 terms, ``Σ_{k=1}^{4}`` four) and must agree at each; the method
    then says so ("… for K ∈ {2, 3, 5}"): a proof for those K, not for every K.
    Raises :class:`UnsupportedSum` for a sum that cannot be compared soundly.
    """
    domain = domain or Domain()
    if isinstance(seed, str):
        seed = zlib.crc32(seed.encode())
    lhs = answer if canonicalised else canonical(answer, definitions)
    rhs = reference if canonicalised else canonical(reference, definitions)
    # a sum that only a definition has (z = Σ_j w_j x_j + b, rewritten into a) matters only for
    # drawing the numeric points, at any one K; a sum either side has is compared at every K
    widths = sum_widths(lhs, rhs)
    if not widths:
        return _compare_written_out(lhs, rhs, definitions, domain, seed, FEEDBACK_WIDTH)
    if width_outside_limits(lhs) or width_outside_limits(rhs):
        # agreement at a few K proves nothing about a polynomial in K that vanishes there
        raise UnsupportedSum("K may appear only as a limit of a sum over k")
    extra = [d.rhs for d in definitions]
    if not same_limits(lhs, rhs, extra):
        # limits that differ as expressions in K (Σ_{k=1}^{1−(K−4)²}) could dodge any sampled
        # K: look for a K where the two differ; if there is none, refuse rather than accept
        refused: UnsupportedSum | None = None
        search = dict.fromkeys([*widths, *range(1, LIMIT_SEARCH + 1)])
        for width in search:
            try:
                at = [Definition(d.lhs, write_out(d.rhs, width)) for d in definitions]
                one = _compare_written_out(
                    write_out(lhs, width), write_out(rhs, width), at, domain, seed, width
                )
            except UnsupportedSum as exc:
                refused = exc
                continue
            if one.equal is False:
                where = f"K={width}" + (f", {one.counterexample}" if one.counterexample else "")
                return Comparison(
                    False, f"{one.method}, Σ_k written out for K = {width}", one.points, where
                )
        if refused is not None:
            raise refused  # a limit that cannot be written out: say why
        raise UnsupportedSum(
            "the limits of the sums over k differ from the expected ones as expressions in K, "
            f"so agreement at K = 1 … {LIMIT_SEARCH} proves nothing for every K"
        )
    methods: list[str] = []
    points = 0
    for width in widths:
        at = [Definition(d.lhs, write_out(d.rhs, width)) for d in definitions]
        one = _compare_written_out(
            write_out(lhs, width), write_out(rhs, width), at, domain, seed, width
        )
        if one.equal is not True:
            where = f"K={width}" + (f", {one.counterexample}" if one.counterexample else "")
            return Comparison(
                one.equal, f"{one.method}, Σ_k written out for K = {width}", one.points, where
            )
        if one.method not in methods:
            methods.append(one.method)
        points += one.points
    ks = ", ".join(str(w) for w in widths)
    return Comparison(True, f"{'; '.join(methods)} (Σ_k written out for K ∈ {{{ks}}})", points)


def forget() -> None:
    """Forget every remembered reading, canonical form, point form and compiled evaluator (a
    benchmark pass that grades the same answers again must not find them remembered)."""
    from ..engine import identity
    from ..engine import points as engine_points
    from . import parse, resemblance

    for cached in (
        parse._read,
        _canonical,
        _point_form,
        _stand_in,
        resemblance._feedback_values,
        engine_points._compiled,
        engine_points._variants,
        identity._prepared,
    ):
        cached.cache_clear()
