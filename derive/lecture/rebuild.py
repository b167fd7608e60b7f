"""The cost rebuilt for any output activation, as a verified derivation (issue 15).

``python -m derive.rebuild --activation NAME|EXPR [--lang en|cs] [--format latex|markdown|text]
[--standalone] [-o FILE] [--check] [--json]``. NAME is one of sigmoid, tanh, identity, exp,
softplus (relu is refused); EXPR is an expression in z read by the safe parser
(:mod:`derive.homework.parse`, never ``eval``), e.g. ``'\\frac{z}{1+|z|}'``.

The lecture's move for σ works for any invertible a = f(z): the wanted ∂C/∂z = a − y and the
chain rule give ∂C/∂a = (a − y)/f'(f⁻¹(a)); integrating it, with the constant fixed so that
C = 0 at a = y, gives the cost. The pieces are computed by :mod:`derive.lecture.rebuild_math`;
here they become :class:`derive.engine.steps.Derivation` data, verified by
:mod:`derive.engine.verify` like the lecture's, ending in the machine-checked identity
d C(f(z), y)/dz = f(z) − y. What cannot work is refused with the reason (exit 2).
"""

from __future__ import annotations

import functools
import json
import random
import sys
from collections.abc import Sequence
from dataclasses import dataclass

import sympy as sp

from ..engine.calculus import CONST
from ..engine.domain import REAL_SAMPLE, Domain, Interval
from ..engine.notation import C, z
from ..engine.render import tex
from ..engine.steps import Derivation, Relation, Step, Text
from ..engine.verify import verify_all
from ..homework.parse import ParseError, parse_answer
from .rebuild_math import NAMED, Rebuilt, Refused, analyse
from .rebuild_text import as_json, plain, y_range

__all__ = [
    "NAMED",
    "Refused",
    "as_json",
    "derivations",
    "main",
    "plain",
    "read_activation",
    "rebuild",
    "table",
    "y_range",
]

R = Relation
DC_DZ = sp.Symbol(r"\frac{\partial C}{\partial z}")
DC_DA = sp.Symbol(r"\frac{\partial C}{\partial a}")


@dataclass(frozen=True)
class _Window(Interval):
    """An interval with an infinite end, sampled inside a finite window next to its ends."""

    def draw(self, rng: random.Random) -> float:
        lo, hi = self.low, self.high
        if lo == float("-inf") and hi == float("inf"):
            lo, hi = REAL_SAMPLE.low, REAL_SAMPLE.high
        elif lo == float("-inf"):
            lo = hi - 4.0
        elif hi == float("inf"):
            hi = lo + 4.0
        return Interval(lo, hi, self.low_open, self.high_open).draw(rng)


def _interval(low: sp.Expr, high: sp.Expr) -> Interval:
    lo, hi = float(low), float(high)
    kind = _Window if float("inf") in (abs(lo), abs(hi)) else Interval
    return kind(lo, hi, True, True)


def read_activation(text: str) -> str | sp.Expr:
    """A name of :data:`NAMED`, or the expression in z that ``text`` is (safe parser)."""
    name = text.strip().lower()
    if name in NAMED:
        return name
    try:
        return parse_answer(text)
    except ParseError as exc:
        shown = text if len(text) <= 60 else text[:57] + "..."
        raise Refused(f"cannot read the activation {shown!r}: {exc}") from None


@functools.lru_cache(maxsize=64)
def rebuild(activation: str | sp.Expr) -> Rebuilt:
    """:func:`derive.lecture.rebuild_math.analyse` of a name, an expression or its text
    (cached: the result is immutable, and the analysis takes seconds)."""
    if isinstance(activation, str) and activation not in NAMED:
        activation = read_activation(activation)
    return analyse(activation)


# --------------------------------------------------------------------------- derivations


def _where(r: Rebuilt, i: int) -> tuple[str, str]:
    if len(r.branches) == 1:
        return "", ""
    b = r.branches[i]
    side = f"z < {sp.sstr(b.z_high)}" if b.z_low == -sp.oo else f"z > {sp.sstr(b.z_low)}"
    return f" ({side})", f" ({side})"


def _activation_steps(r: Rebuilt, i: int) -> Derivation:
    b = r.branches[i]
    en, cs = _where(r, i)
    z_iv = None if (b.z_low, b.z_high) == (-sp.oo, sp.oo) else _interval(b.z_low, b.z_high)
    steps = [
        Step(sp.Eq(r.a, b.f, evaluate=False), R.GIVEN, Text("the activation", "aktivace")),
        Step(
            b.fprime,
            R.EQUAL,
            Text("differentiate", "zderivujeme"),
            lhs=sp.Symbol("f'(z)"),
            lhs_value=sp.Derivative(b.f, z),
        ),
    ]
    if b.fprime_form != b.fprime:
        steps.append(Step(b.fprime_form, R.EQUAL, Text("rewritten", "přepsáno")))
    steps.append(
        Step(
            sp.StrictGreaterThan(b.fprime_form, 0, evaluate=False),
            R.FACT,
            Text(
                "f' > 0: f is strictly increasing, so it has an inverse on its range",
                "f' > 0: f je rostoucí, takže má na svém oboru hodnot inverzi",
            ),
        )
    )
    return Derivation(
        id=f"activation{i + 1 if len(r.branches) > 1 else ''}",
        title=Text("The activation and its derivative" + en, "Aktivace a její derivace" + cs),
        steps=tuple(steps),
        claims=(),
        variable=z,
        domain=Domain() if z_iv is None else Domain.of({z: z_iv}),
    )


def _inverse_steps(r: Rebuilt, i: int) -> Derivation:
    b = r.branches[i]
    en, cs = _where(r, i)
    steps = (
        Step(
            r.a,
            R.EQUAL,
            Text(
                f"f⁻¹(a) = {plain(b.inverse)} inverts f for a in "
                f"({plain(b.a_low)}, {plain(b.a_high)})",
                f"f⁻¹(a) = {plain(b.inverse)} je inverze f pro a v "
                f"({plain(b.a_low)}, {plain(b.a_high)})",
            ),
            lhs=sp.Symbol("f(f^{-1}(a))"),
            lhs_value=b.f.subs(z, b.inverse),
        ),
        Step(
            b.h,
            R.EQUAL,
            Text("f' at z = f⁻¹(a), simplified", "f' v bodě z = f⁻¹(a), zjednodušeno"),
            lhs=sp.Symbol("f'(f^{-1}(a))"),
            lhs_value=b.fprime.subs(z, b.inverse),
        ),
        Step(
            sp.StrictGreaterThan(b.h, 0, evaluate=False),
            R.FACT,
            Text("positive on the range of f", "kladná na oboru hodnot f"),
        ),
    )
    return Derivation(
        id=f"inverse{i + 1 if len(r.branches) > 1 else ''}",
        title=Text("The inverse and f'(f⁻¹(a))" + en, "Inverze a f'(f⁻¹(a))" + cs),
        steps=steps,
        claims=(),
        variable=r.a,
        domain=Domain.of({r.a: _interval(b.a_low, b.a_high)}),
    )


def _wanted(r: Rebuilt) -> Derivation:
    steps = (
        Step(
            sp.Eq(DC_DZ, r.a - r.y, evaluate=False),
            R.GIVEN,
            Text("wanted: the bare error, no f'(z)", "požadujeme: samotnou chybu, žádné f'(z)"),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "chain rule: ∂C/∂z = ∂C/∂a · f'(z) = ∂C/∂a · f'(f⁻¹(a)); divide by f'(f⁻¹(a)) > 0",
                "řetízkové pravidlo: ∂C/∂z = ∂C/∂a · f'(z) = ∂C/∂a · f'(f⁻¹(a)); vydělíme "
                "f'(f⁻¹(a)) > 0",
            ),
        ),
        Step(
            sp.Eq(DC_DA, (r.a - r.y) / r.h, evaluate=False),
            R.GIVEN,
            Text(
                "the derivative the cost must have (checked at the end)",
                "derivace, kterou cena musí mít (ověřeno na konci)",
            ),
        ),
    )
    return Derivation(
        id="wanted",
        title=Text("The derivative we want", "Požadovaná derivace"),
        steps=steps,
        claims=(),
    )


def _domain(r: Rebuilt) -> Domain:
    iv = _interval(r.a_low, r.a_high)
    return Domain.of({r.a: iv, r.y: iv})  # y inside the open range: every term is finite


def _integral(r: Rebuilt) -> Derivation:
    a, y, h = r.a, r.y, r.h
    steps = [
        Step(
            sp.Integral((a - y) / h, a),
            R.GIVEN,
            Text("integrate ∂C/∂a", "integrujeme ∂C/∂a"),
            lhs=C(a),
        ),
        Step(
            sp.Integral(a / h, a) - y * sp.Integral(1 / h, a),
            R.EQUAL,
            Text("linearity of the integral", "linearita integrálu"),
        ),
    ]
    if r.elementary:
        steps += [
            Step(
                r.cost_in_a + CONST,
                R.EQUAL,
                Text(
                    "antiderivatives (checked by differentiating)",
                    "primitivní funkce (ověřeno derivováním)",
                ),
            ),
            Step(
                r.cost,
                R.UP_TO_CONSTANT,
                Text(
                    "c(y) (terms without a): C = 0 at a = y",
                    "c(y) (členy bez a): C = 0 pro a = y",
                ),
            ),
        ]
    else:
        steps += [
            Step(
                None,
                R.ARGUMENT,
                Text(
                    f"no elementary antiderivative: {r.non_elementary_proof}; the cost stays an "
                    "integral, from a = y so that C = 0 there",
                    f"elementární primitivní funkce neexistuje: {r.non_elementary_proof}; cena "
                    "zůstane integrálem, od a = y, aby tam C = 0",
                ),
            ),
            Step(
                sp.Eq(sp.Derivative(r.cost, a), (a - y) / h, evaluate=False),
                R.FACT,
                Text("the integral has the wanted derivative", "integrál má požadovanou derivaci"),
            ),
        ]
    steps += [
        Step(
            sp.S.Zero,
            R.EQUAL,
            Text("C = 0 at a = y", "C = 0 pro a = y"),
            lhs=sp.Symbol("C(y)"),
            lhs_value=r.cost.subs(a, y),
        ),
        Step(
            None,
            R.ARGUMENT,
            Text(
                "C'(a) = (a − y)/f'(f⁻¹(a)) with f'(f⁻¹(a)) > 0: C decreases left of a = y and "
                "increases right of it, so a = y is the global minimum and C ≥ 0",
                "C'(a) = (a − y)/f'(f⁻¹(a)) a f'(f⁻¹(a)) > 0: C klesá vlevo od a = y a roste "
                "vpravo, takže a = y je globální minimum a C ≥ 0",
            ),
            core=sp.Eq(sp.Derivative(r.cost, a), (a - y) / h, evaluate=False),
        ),
    ]
    return Derivation(
        id="integral",
        title=Text("Integrating, and the constant", "Integrace a konstanta"),
        steps=tuple(steps),
        claims=(),
        variable=a,
        domain=_domain(r),
    )


def _branch_cost(r: Rebuilt, i: int) -> sp.Expr:
    """The cost on branch ``i``: each piecewise in a replaced by its piece for that branch."""
    if len(r.branches) == 1:
        return r.cost
    pick = 0 if i == 0 else -1  # pieces are ordered left (a < split) to right

    def piece(q: sp.Piecewise) -> sp.Expr:
        return q.args[pick][0] if r.a in q.free_symbols else q

    return r.cost.replace(lambda q: isinstance(q, sp.Piecewise), piece)


def _check(r: Rebuilt) -> tuple[Derivation, ...]:
    """d C(f(z), y)/dz = f(z) − y, per smooth piece of f (so that SymPy can prove it)."""
    _, text_range = y_range(r)
    out = []
    for i, b in enumerate(r.branches):
        en, cs = _where(r, i)
        steps = [
            Step(
                sp.Eq(sp.Derivative(_branch_cost(r, i), z), r.a - r.y, evaluate=False),
                R.FACT,
                Text(
                    "through a = f(z): exactly a − y" + en,
                    "přes a = f(z): přesně a − y" + cs,
                ),
            )
        ]
        if i == len(r.branches) - 1:
            steps.append(
                Step(
                    None,
                    R.ARGUMENT,
                    Text(
                        f"the range of y: {text_range}. The minimum a = y must be an output of f "
                        "or a limit of them, and at a finite end e of the range, y = e is kept "
                        "when SymPy's limit of C there is finite",
                        f"obor y: {text_range}. Minimum a = y musí být výstup f nebo jejich "
                        "limita; konečný kraj e oboru zůstane, když je limita C pro y → e konečná",
                    ),
                )
            )
        whole = (b.z_low, b.z_high) == (-sp.oo, sp.oo)
        domain = Domain.of({r.y: _interval(r.a_low, r.a_high)})
        if not whole:
            domain = domain.with_(z, _interval(b.z_low, b.z_high))
        out.append(
            Derivation(
                id="check" + ("" if len(r.branches) == 1 else str(i + 1)),
                title=Text("The check: ∂C/∂z = a − y" + en, "Kontrola: ∂C/∂z = a − y" + cs),
                steps=tuple(steps),
                claims=(),
                definitions=((r.a, b.f),),
                domain=domain,
            )
        )
    return tuple(out)


def derivations(r: Rebuilt) -> tuple[Derivation, ...]:
    """The verified chain for ``r``: f', f⁻¹ and f'(f⁻¹(a)), ∂C/∂a, the integral, the check."""
    out = [_activation_steps(r, i) for i in range(len(r.branches))]
    out += [_inverse_steps(r, i) for i in range(len(r.branches))]
    return (*out, _wanted(r), _integral(r), *_check(r))


#: the rows of the table in docs/rebuild.md: the five named activations and two expressions
TABLE_ROWS = ("sigmoid", "tanh", "identity", "exp", "softplus", r"\frac{z}{1+|z|}", r"\arctan z")


def table(rows: Sequence[str] = TABLE_ROWS) -> str:
    """Markdown table: activation → rebuilt cost (C = 0 at a = y) → range of y."""
    lines = [
        "| activation a = f(z) | f'(f⁻¹(a)) | rebuilt cost C(a, y) | range of y |",
        "|---|---|---|---|",
    ]
    for row in rows:
        r = rebuild(row)
        cost = tex(r.cost)
        if not r.elementary:
            cost += r" \text{ (no elementary antiderivative)}"
        name = row if row in NAMED else f"${tex(r.f)}$"
        cells = (name, f"${tex(r.h)}$", f"${cost}$", f"${y_range(r)[0]}$")
        lines.append("| " + " | ".join(c.replace("|", r"\vert ") for c in cells) + " |")
    return "\n".join(lines)


TITLE = Text("The cost rebuilt for a = {f}", "Cena složená pro a = {f}")


def main(argv: Sequence[str] | None = None) -> int:
    from ..engine.cli import build_parser, run

    prog = "python -m derive.rebuild"
    parser = build_parser(prog, "Rebuild the cost whose gradient is a − y for an activation.")
    # the flags are read again by run() without --activation: an abbreviation (--activ) read
    # here would reach it unknown, so flags are taken only as written in full
    parser.allow_abbrev = False
    parser.add_argument(
        "--table",
        action="store_true",
        help="print the Markdown table of docs/rebuild.md (named activations and examples)",
    )
    parser.add_argument(
        "--activation",
        metavar="NAME|EXPR",
        help=f"{', '.join(n for n in NAMED if n != 'relu')}, or an expression in z "
        "(e.g. '\\frac{z}{1+|z|}')",
    )
    parser.add_argument("--json", action="store_true", help="print a JSON object")
    args, rest = parser.parse_known_args(argv)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.table:
        print(table())
        return 0
    if args.activation is None:
        parser.error("--activation NAME|EXPR is required (or --table)")
    try:
        r = rebuild(args.activation)
    except Refused as exc:
        print(f"{prog}: refused: {exc}", file=sys.stderr)
        return 2
    ds = derivations(r)
    if args.json:
        reports = verify_all(ds)
        print(json.dumps(as_json(r, reports), indent=2, ensure_ascii=False))
        return 0 if all(rep.ok for rep in reports) else 1
    title = Text(TITLE.en.format(f=plain(r.f)), TITLE.cs.format(f=plain(r.f)))
    forwarded = _without_activation(list(argv if argv is not None else sys.argv[1:]))
    _, text_range = y_range(r)
    notation = Text(
        f"Notation: a = f(z) = {plain(r.f)}, a in ({plain(r.a_low)}, {plain(r.a_high)}), "
        f"target y in {text_range}; ln is the natural logarithm; const is an integration "
        "constant. Every step was derived by derive.rebuild for this activation.",
        f"Značení: a = f(z) = {plain(r.f)}, a v ({plain(r.a_low)}, {plain(r.a_high)}), "
        f"cíl y v {text_range}; ln je přirozený logaritmus; const je integrační konstanta. "
        "Každý krok odvodil derive.rebuild pro tuto aktivaci.",
    )
    return run(ds, title, forwarded, prog=prog, notation=notation)


def _without_activation(argv: list[str]) -> list[str]:
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item == "--activation":
            skip = True
            continue
        if item.startswith("--activation="):
            continue
        out.append(item)
    return out


if __name__ == "__main__":
    raise SystemExit(main())
