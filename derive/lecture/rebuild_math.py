"""The cost whose gradient is the bare error, rebuilt for any invertible output activation.

For a = f(z) the lecture wants ∂C/∂z = a − y. By the chain rule ∂C/∂z = ∂C/∂a · f'(z), and
f'(z) = f'(f⁻¹(a)) =: h(a), so

    ∂C/∂a = (a − y) / h(a),    C(a, y) = G(a) − G(y) − y (H(a) − H(y)),

with G' = a/h and H' = 1/h: the constant is fixed so that C(y, y) = 0. Where h > 0 on the
range of f, C' < 0 left of a = y and C' > 0 right of it, so C ≥ 0 with its minimum at a = y.

:func:`analyse` computes every piece (f', f⁻¹, h, G, H, the range of y) and refuses, with
the reason, what cannot work: a constant or non-invertible f (ReLU), a derivative that
vanishes (z³ at 0), a decreasing f (its "cost" has a maximum at a = y). An f with one kink
(``|z|``) is split into its two smooth pieces. When SymPy finds no elementary
antiderivative, the Risch algorithm is asked whether none exists, and the cost is kept as
the integral ∫_y^a (t − y)/h(t) dt. The derivation built from these pieces, and its
verification, are in :mod:`derive.lecture.rebuild`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from types import MappingProxyType

import sympy as sp
from sympy.integrals.risch import NonElementaryIntegral, risch_integrate

from ..engine.notation import a as A_POS
from ..engine.notation import sigma, z
from ..engine.notation import y as Y_NONNEG

__all__ = ["NAMED", "Branch", "Rebuilt", "Refused", "analyse", "symbols_for"]

#: the named activations: a = f(z)
NAMED = MappingProxyType(
    {
        "sigmoid": sigma(z),
        "tanh": sp.tanh(z),
        "identity": z,
        "exp": sp.exp(z),
        "softplus": sp.log(1 + sp.exp(z)),
        "relu": sp.Max(0, z),
    }
)
A_REAL = sp.Symbol("a", real=True)
Y_REAL = sp.Symbol("y", real=True)
T = sp.Symbol("t", real=True)  # integration variable of a cost kept as an integral
_NON_ELEMENTARY = (sp.polylog, sp.Ei, sp.li, sp.erf, sp.erfi, sp.Si, sp.Ci, sp.fresnels)


#: inverses of single functions, tried before solving (tanh⁻¹ reads better than its logs)
_INVERSES = {sp.tanh: sp.atanh, sp.atan: sp.tan, sp.exp: sp.log, sp.sinh: sp.asinh}


class HeldIntegral(sp.Integral):
    """∫_y^a g(t) dt kept as it is: ``doit`` does not look for a closed form (there is none),
    so differentiating it is the fundamental theorem of calculus, g(a) · da/d(·)."""

    def doit(self, **hints: object) -> sp.Expr:
        (_, low, high) = self.limits[0]
        return sp.S.Zero if low == high else self


class Refused(ValueError):
    """The activation cannot give a cost with ∂C/∂z = a − y; the message says why."""


def symbols_for(low: sp.Expr) -> tuple[sp.Symbol, sp.Symbol]:
    """(a, y): the course's a > 0, y ≥ 0 when the range of f is above 0, real ones otherwise."""
    return (A_POS, Y_NONNEG) if low >= 0 else (A_REAL, Y_REAL)


@dataclass(frozen=True)
class Branch:
    """f on z ∈ (z_low, z_high), where it is smooth: f', a sign-evident form of it, the range
    (a_low, a_high), the inverse f⁻¹(a), h(a) = f'(f⁻¹(a)), and G, H with G' = a/h, H' = 1/h
    (None when no elementary antiderivative was found)."""

    f: sp.Expr
    z_low: sp.Expr
    z_high: sp.Expr
    fprime: sp.Expr
    fprime_form: sp.Expr
    a_low: sp.Expr
    a_high: sp.Expr
    inverse: sp.Expr
    h: sp.Expr
    G: sp.Expr | None
    H: sp.Expr | None


@dataclass(frozen=True)
class Rebuilt:
    """Everything :func:`analyse` found; ``cost`` is C(a, y) with C(y, y) = 0."""

    name: str
    f: sp.Expr
    a: sp.Symbol
    y: sp.Symbol
    branches: tuple[Branch, ...]
    a_low: sp.Expr
    a_high: sp.Expr
    h: sp.Expr
    cost: sp.Expr
    cost_in_a: sp.Expr  # the part that depends on a (the cost "up to a constant")
    cost_of_y: sp.Expr  # c(y) = cost − cost_in_a
    elementary: bool
    non_elementary_proof: str  # how "no elementary antiderivative" is known, if it is
    y_low_closed: bool
    y_high_closed: bool

    @property
    def inverse(self) -> sp.Expr:
        return _join([(b.inverse, b.a_low) for b in self.branches], self.a)


# --------------------------------------------------------------------------- small tools


def _exp_form(e: sp.Expr) -> sp.Expr:
    return e.replace(lambda q: isinstance(q, sigma), lambda q: q.rewrite(sp.exp))


def _value(e: sp.Expr, point: dict) -> complex | None:
    try:
        v = complex(sp.N(e.xreplace({k: sp.Float(v, 30) for k, v in point.items()}), 20))
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if v != v or abs(v) == float("inf"):
        return None
    return v


def _inside(low: sp.Expr, high: sp.Expr, count: int, seed: int = 1) -> list[float]:
    """Seeded points strictly inside (low, high), kept inside a window [−4, 4] when unbounded."""
    lo = -4.0 if low == -sp.oo else float(low)
    hi = 4.0 if high == sp.oo else float(high)
    if low != -sp.oo and high == sp.oo:
        hi = lo + 4.0
    if high != sp.oo and low == -sp.oo:
        lo = hi - 4.0
    rng = random.Random(seed)
    width = hi - lo
    return [lo + width * (0.05 + 0.9 * rng.random()) for _ in range(count)]


def _strict_sign(e: sp.Expr, var: sp.Symbol, low: sp.Expr, high: sp.Expr) -> int:
    """+1 / −1 when ``e`` (continuous on the interval) has no zero in (low, high); 0 otherwise."""
    interval = sp.Interval.open(low, high)
    roots = sp.solveset(sp.numer(sp.together(e)), var, interval)
    if roots != sp.S.EmptySet:
        return 0
    v = _value(e, {var: _inside(low, high, 1)[0]})
    if v is None or abs(v.imag) > 1e-12 or v.real == 0:
        return 0
    return 1 if v.real > 0 else -1


def _simplest(*candidates: sp.Expr) -> sp.Expr:
    return min(candidates, key=lambda q: (sp.count_ops(q), len(sp.sstr(q))))


def _real_logs(e: sp.Expr, var: sp.Symbol, low: sp.Expr, high: sp.Expr) -> sp.Expr:
    """ln u → ln(−u) where u < 0 on the interval: the same derivative, and real there."""
    points = _inside(low, high, 5, seed=7)

    def fix(q: sp.log) -> sp.Expr:
        vals = [_value(q.args[0], {var: p}) for p in points]
        if all(v is not None and abs(v.imag) < 1e-20 and v.real < 0 for v in vals):
            return sp.log(sp.expand(-q.args[0]))
        return q

    return e.replace(lambda q: isinstance(q, sp.log) and q.has(var), fix)


def _antiderivative(integrand: sp.Expr, var: sp.Symbol, low, high) -> sp.Expr | None:
    """A real antiderivative on (low, high), checked by differentiating; None if none found."""
    found = []
    if _exp_form(integrand).has(sp.exp):
        try:  # the Risch algorithm decides quickly, in its domain, whether F is elementary
            F = risch_integrate(sp.together(_exp_form(integrand)), var)
            if isinstance(F, NonElementaryIntegral) or F.has(NonElementaryIntegral):
                return None
        except (NotImplementedError, ValueError, TypeError):
            pass
    tries = [(integrand, False), (integrand, True)]
    if integrand.is_rational_function(var):
        tries.insert(0, (sp.apart(sp.together(integrand), var), False))
    for form, manual in tries:
        if found and sp.count_ops(found[-1]) <= 12:
            break  # a short one is enough
        try:
            F = sp.integrate(form, var, manual=manual)
        except Exception:  # SymPy's integrator can raise on hard input: not found
            continue
        if F.has(sp.Integral, *_NON_ELEMENTARY):
            continue
        F = _real_logs(F, var, low, high)
        if sp.count_ops(F) > 12:
            F = _simplest(F, sp.simplify(F))
        if _agrees(sp.diff(F, var), integrand, var, low, high):
            found.append(F)
    if not found:
        return None
    return min(found, key=lambda q: (_rational_logs(q, var), sp.count_ops(q)))


def _rational_logs(e: sp.Expr, var: sp.Symbol) -> int:
    """How many logarithms have a non-polynomial argument (ln(1/a − 1) rather than ln a)."""
    return sum(1 for q in e.atoms(sp.log) if not q.args[0].is_polynomial(var))


def _agrees(lhs: sp.Expr, rhs: sp.Expr, var: sp.Symbol, low, high) -> bool:
    """lhs = rhs: by ``simplify``, else at 6 points at 20 digits (the engine then says which)."""
    if sp.simplify(lhs - rhs) == 0:
        return True
    for p in _inside(low, high, 6, seed=11):
        u, v = _value(lhs, {var: p}), _value(rhs, {var: p})
        if u is None or v is None or abs(u - v) > 1e-15 * (1 + abs(v)):
            return False
    return True


def _tidy(e: sp.Expr) -> sp.Expr:
    """Terms collected by logarithm, each coefficient factored: −(1 − y) ln(1 − a) − y ln a."""
    if e.has(sp.Piecewise):
        e = sp.piecewise_fold(e)
        if isinstance(e, sp.Piecewise):
            return sp.Piecewise(*[(_tidy(sp.expand(q)), c) for q, c in e.args])
        return e
    logs = sorted(e.atoms(sp.log), key=sp.default_sort_key)
    return sp.collect(e, logs, func=sp.factor) if logs else sp.factor(e)


def _join(pieces: list[tuple[sp.Expr, sp.Expr]], var: sp.Symbol) -> sp.Expr:
    """One expression from (expr, lower end of var) pieces, ordered by their lower ends."""
    if len(pieces) == 1:
        return pieces[0][0]
    (low_expr, _), (high_expr, split) = sorted(pieces, key=lambda p: float(p[1]))
    return sp.Piecewise((low_expr, var < split), (high_expr, True))


# --------------------------------------------------------------------------- analysis


def _kinks(f: sp.Expr) -> list[sp.Expr]:
    args = [q.args[0] for q in f.atoms(sp.Abs, sp.sign, sp.Heaviside)]
    args += [q.args[0] - q.args[1] for q in f.atoms(sp.Max, sp.Min) if len(q.args) == 2]
    if any(len(q.args) != 2 for q in f.atoms(sp.Max, sp.Min)):
        raise Refused("max/min of more than two terms is not supported")
    out: set[sp.Expr] = set()
    for arg in args:
        roots = sp.solveset(arg, z, sp.S.Reals)
        if not isinstance(roots, sp.FiniteSet):
            raise Refused(f"could not find where {sp.sstr(arg)} changes sign")
        out |= set(roots)
    return sorted(out, key=float)


def _pieces(f: sp.Expr) -> list[tuple[sp.Expr, sp.Expr, sp.Expr]]:
    """(f on the piece, z_low, z_high): one piece, or two around a single kink."""
    kinks = _kinks(f)
    if not kinks:
        return [(f, -sp.oo, sp.oo)]
    if len(kinks) > 1:
        raise Refused(
            f"f has {len(kinks)} kinks (at z = {', '.join(map(sp.sstr, kinks))}); "
            "only one is supported"
        )
    z0 = kinks[0]
    p, q = sp.Dummy("p", positive=True), sp.Dummy("q", negative=True)
    left = f.subs(z, z0 + q).subs(q, z - z0)
    right = f.subs(z, z0 + p).subs(p, z - z0)
    return [(sp.expand(left), -sp.oo, z0), (sp.expand(right), z0, sp.oo)]


def _limit(f: sp.Expr, at: sp.Expr, direction: str) -> sp.Expr:
    return sp.limit(_exp_form(f), z, at, direction)


def _inverse(f: sp.Expr, a: sp.Symbol, a_low, a_high, z_low, z_high) -> sp.Expr:
    candidates = [inv(a) for fn, inv in _INVERSES.items() if f == fn(z)]
    try:
        candidates += sp.solve(sp.Eq(_exp_form(f), a), z)
    except NotImplementedError:
        pass
    points = _inside(a_low, a_high, 3, seed=3)
    for g in candidates:
        ok = True
        for p in points:
            zv = _value(g, {a: p})
            if zv is None or abs(zv.imag) > 1e-15 or not (z_low < zv.real < z_high):
                ok = False
                break
            fv = _value(_exp_form(f), {z: zv.real})
            if fv is None or abs(fv.real - p) > 1e-12 * (1 + abs(p)):
                ok = False
                break
        if ok and g.args == (a,):
            return g
        if ok:
            g = sp.simplify(g)
            g = _simplest(g, sp.expand_log(g, force=False), sp.logcombine(g))
            return g.replace(lambda q: isinstance(q, sp.log), _positive_fraction)
    raise Refused(f"SymPy could not solve a = {sp.sstr(f)} for z, so f⁻¹ is not known")


def _positive_fraction(q: sp.log) -> sp.log:
    """ln(−a/(a − 1)) → ln(a/(1 − a)): numerator and denominator without a leading minus."""
    n, d = sp.fraction(sp.together(q.args[0]))
    if n.could_extract_minus_sign():
        n, d = sp.expand(-n), sp.expand(-d)
    return sp.log(n / d)


def _branch(f: sp.Expr, z_low: sp.Expr, z_high: sp.Expr, a: sp.Symbol) -> Branch:
    where = "" if (z_low, z_high) == (-sp.oo, sp.oo) else f" on ({z_low}, {z_high})"
    if z not in f.free_symbols:
        raise Refused(
            f"f is constant{where}: it is not invertible and f' = 0, so no cost can turn "
            "∂C/∂z into a − y there"
        )
    fprime = sp.diff(f, z)
    fprime = _simplest(fprime, sp.simplify(fprime))
    domain = sp.calculus.util.continuous_domain(_exp_form(fprime), z, sp.Interval(z_low, z_high))
    if domain != sp.Interval(z_low, z_high):
        raise Refused(
            f"f'(z) = {sp.sstr(fprime)} is not continuous{where}: only on {sp.sstr(domain)}"
        )
    zeros = sp.solveset(sp.numer(sp.together(_exp_form(fprime))), z, sp.Interval(z_low, z_high))
    if zeros != sp.S.EmptySet:
        if isinstance(zeros, sp.FiniteSet):
            raise Refused(
                f"f'(z) = {sp.sstr(fprime)} vanishes at z = {', '.join(map(sp.sstr, zeros))}: "
                "there ∂C/∂a = (a − y)/f'(f⁻¹(a)) is infinite"
            )
        raise Refused(f"f'(z) = {sp.sstr(fprime)} vanishes on {sp.sstr(zeros)}")
    sign = _strict_sign(_exp_form(fprime), z, z_low, z_high)
    if sign == 0:
        raise Refused(f"could not decide the sign of f'(z) = {sp.sstr(fprime)}{where}")
    if sign < 0:
        raise Refused(
            f"f is decreasing (f'(z) = {sp.sstr(fprime)} < 0): the C with ∂C/∂z = a − y "
            "has a maximum at a = y, so gradient descent would move a away from y; use −f, "
            "or ask for ∂C/∂z = y − a"
        )
    forms = [fprime, sp.factor(fprime)]
    ef = _exp_form(fprime)
    forms += [sp.factor(sp.together(ef.rewrite(sp.exp))), sp.simplify(ef.rewrite(sp.exp))]
    fprime_form = next((q for q in forms if q.is_positive), fprime)
    a_low, a_high = _limit(f, z_low, "+"), _limit(f, z_high, "-")
    inverse = _inverse(f, a, a_low, a_high, z_low, z_high)
    h0 = _exp_form(fprime).rewrite(sp.exp).subs(z, inverse)
    h = _simplest(sp.simplify(h0), sp.factor(sp.simplify(h0)))
    H = _antiderivative(1 / h, a, a_low, a_high)
    G = None
    if H is not None:  # by parts: ∫ a/h da = a H − ∫ H da
        K = _antiderivative(H, a, a_low, a_high)
        if K is not None:
            G = sp.expand(a * H - K)
    if G is None:
        G = _antiderivative(a / h, a, a_low, a_high)
    return Branch(f, z_low, z_high, fprime, fprime_form, a_low, a_high, inverse, h, G, H)


def _non_elementary(h: sp.Expr, a: sp.Symbol) -> str:
    for integrand in (a / h, 1 / h):
        try:
            r = risch_integrate(sp.together(integrand.rewrite(sp.exp)), a)
        except NotImplementedError:
            continue
        if isinstance(r, NonElementaryIntegral) or r.has(NonElementaryIntegral):
            return (
                f"the Risch algorithm (SymPy's risch_integrate) proves that ∫ "
                f"{sp.sstr(integrand)} da is not elementary"
            )
    return "SymPy found no elementary antiderivative (not proved that none exists)"


def _y_end_closed(c_of_y: sp.Expr, y: sp.Symbol, end: sp.Expr, direction: str) -> bool:
    if end in (sp.oo, -sp.oo):
        return False
    try:
        lim = sp.limit(c_of_y, y, end, direction)
    except Exception:  # no limit found: the end is not claimed
        return False
    return bool(lim.is_finite)


def analyse(activation: str | sp.Expr) -> Rebuilt:
    """Rebuild the cost for ``activation`` (a name of :data:`NAMED` or an expression in z)."""
    if isinstance(activation, str):
        if activation not in NAMED:
            raise Refused(f"unknown activation {activation!r}; named: {', '.join(NAMED)}")
        name, f = activation, NAMED[activation]
    else:
        name, f = sp.sstr(activation), activation
    extra = f.free_symbols - {z}
    if extra:
        raise Refused(f"the activation may use only z; found {', '.join(sorted(map(str, extra)))}")
    if f.has(sp.I) or f.has(sp.zoo, sp.nan, sp.oo):
        raise Refused("the activation must be a finite real function of z")
    for zv in (-2.5, -1.0, -0.3, 0.3, 1.0, 2.5):
        v = _value(_exp_form(f), {z: zv})
        if v is None or abs(v.imag) > 1e-12 * (1 + abs(v.real)):
            raise Refused(
                f"f(z) = {sp.sstr(f)} is not a real number at z = {zv:g}: an activation must "
                "be defined for every real z"
            )
    pieces = _pieces(f)
    a_low = _limit(pieces[0][0], pieces[0][1], "+")
    a, y = symbols_for(a_low)
    branches = tuple(_branch(fb, lo, hi, a) for fb, lo, hi in pieces)
    a_high = branches[-1].a_high
    h = _join([(b.h, b.a_low) for b in branches], a)
    elementary = all(b.G is not None and b.H is not None for b in branches)
    proof = ""
    if elementary:
        split = branches[-1].a_low if len(branches) > 1 else None
        G = _joined(branches, "G", a, split)
        H = _joined(branches, "H", a, split)
        const, in_a = sp.expand(G - y * H).as_independent(a, as_Add=True)
        cost_in_a = _tidy(in_a)
        cost_of_y = _tidy(sp.expand(const - G.subs(a, y) + y * H.subs(a, y)))
        total = cost_in_a + cost_of_y
        cost = total if len(branches) > 1 else _simplest(total, sp.factor(total))
    else:
        proof = "; ".join(dict.fromkeys(_non_elementary(b.h, a) for b in branches))
        cost = HeldIntegral(((T - y) / h.subs(a, T)), (T, y, a))
        cost_in_a, cost_of_y = cost, sp.S.Zero
    if elementary:  # y = e kept when c(y) has a finite limit at the end e
        closed = (_y_end_closed(cost_of_y, y, a_low, "+"), _y_end_closed(cost_of_y, y, a_high, "-"))
    else:  # ... or when (t − e)/h(t) stays bounded there, so that ∫_e^a is finite
        closed = (_integrable_end(h, a, a_low), _integrable_end(h, a, a_high))
    return Rebuilt(
        name=name,
        f=f,
        a=a,
        y=y,
        branches=branches,
        a_low=a_low,
        a_high=a_high,
        h=h,
        cost=cost,
        cost_in_a=cost_in_a,
        cost_of_y=cost_of_y,
        elementary=elementary,
        non_elementary_proof=proof,
        y_low_closed=closed[0],
        y_high_closed=closed[1],
    )


def _integrable_end(h: sp.Expr, a: sp.Symbol, end: sp.Expr) -> bool:
    """A finite end where (a − end)/h stays bounded: then ∫_end^a (t − end)/h dt is finite."""
    if end in (sp.oo, -sp.oo):
        return False
    lim = sp.limit((a - end) / h, a, end)
    return bool(lim.is_finite)


def _joined(branches: tuple[Branch, ...], attr: str, a: sp.Symbol, split) -> sp.Expr:
    """G (or H) of the branches, each shifted to vanish at the kink, so the join is continuous."""
    if split is None:
        return getattr(branches[0], attr)
    pieces = []
    for b in branches:
        F = getattr(b, attr)
        side = "-" if b.a_high == split else "+"
        pieces.append((F - sp.limit(F, a, split, side), b.a_low))
    return _join(pieces, a)
