"""Reading a step file: directives, chains, definitions and premises (scoped), domains.

* ``%! define:`` and a first line ``X = expr`` define ``X`` for the chains after it; a
  premise (the first line of a ``⇔``/``⇒`` chain) holds only inside its own chain.
* A letter that a definition, a substitution or a ``%! domain:`` gives a value carries only
  what is proved about that value (``t = a − 1`` makes ``t`` negative, ``a = z`` only real),
  never the course's sign assumptions: the file is read a second time with it rebuilt.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace

import sympy as sp

from ...engine.domain import DEFAULT, UNIT_CLOSED, UNIT_OPEN, Domain, Interval
from ...engine.sign import prove_sign
from ...engine.steps import Substitution
from ..parse import ParseError, parse_answer
from ..stepinput import line_count, prepare
from .data import Chain, Line, StepFile
from .reader import MAX_LINES, _family, _read_line, _Reader, _split_top, _strip_comment

__all__ = ["parse_domain", "read_steps"]


def _interval(spec: str) -> Interval:
    m = re.fullmatch(
        r"\s*([(\[])\s*([-+0-9.eE]+|-?inf)\s*,\s*([-+0-9.eE]+|-?inf)\s*([)\]])\s*", spec
    )
    if m is None:
        raise ValueError(f"{spec!r} is not an interval such as (0, 1) or [0, 1]")
    lo, hi = float(m.group(2)), float(m.group(3))
    if not lo < hi:
        raise ValueError(f"{spec!r}: the lower end must be below the upper end")
    return Interval(lo, hi, m.group(1) == "(", m.group(4) == ")")


def parse_domain(spec: str) -> tuple[str, Interval]:
    """``y in (0,1)``, ``y:(0,1)`` → (family ``'y'``, interval); the family covers ``y_j`` …"""
    m = re.fullmatch(r"\s*([A-Za-z]+)\s*(?:\\in|in|=|∈|:)\s*(.+)", spec)
    if m is None:
        raise ValueError(f"{spec!r} is not a domain such as 'y in (0, 1)' or 'y:(0,1)'")
    return m.group(1), _interval(m.group(2))


@dataclass
class _FileState:
    reader: _Reader
    definitions: list[tuple[sp.Symbol, sp.Expr]] = field(default_factory=list)
    domain_spec: list[tuple[str, Interval]] = field(default_factory=list)
    variable: sp.Symbol | None = None
    claims: tuple[str, ...] = ()
    title: str = ""


def _directive(body: str, state: _FileState) -> None:
    key, _, value = body.partition(":")
    key, value = key.strip().lower(), value.strip()
    if key == "define":
        for part in _split_top(value, ";"):
            lhs, rhs = state.reader.relation(part)
            if not isinstance(lhs, sp.Symbol):
                raise ParseError(f"define: {part.strip()!r} needs a symbol on the left")
            state.definitions.append((lhs, rhs))
    elif key == "domain":
        for part in _split_top(value, ";"):
            state.domain_spec.append(parse_domain(part))
    elif key == "variable":
        v = state.reader.expression(value)
        if not isinstance(v, sp.Symbol):
            raise ParseError(f"variable: {value!r} is not a symbol")
        state.variable = v
    elif key == "claims":
        state.claims = tuple(q.strip() for q in value.split(",") if q.strip())
    elif key == "title":
        state.title = value
    else:
        raise ParseError(f"unknown directive {key!r} (define, domain, variable, claims, title)")


def read_steps(
    text: str,
    *,
    symbols: Mapping[str, sp.Symbol] | None = None,
    definitions: Sequence[tuple[sp.Symbol, sp.Expr]] = (),
    domain_spec: Sequence[tuple[str, Interval]] = (),
    variable: sp.Symbol | None = None,
) -> StepFile:
    """Parse a step file into chains (no checking). Unreadable lines are kept with the error.

    Read twice when needed: a substitution variable (``[t = g(a), …]``) must carry only what
    is proved about ``g`` on the domain, and a variable whose domain is overridden only what
    its interval says, yet the parser gives the course's symbols with their assumptions
    (``t > 0``, ``a > 0``) and simplifies with them at once. The first reading finds the
    declarations; the chains that have such a variable are read again with it rebuilt
    (:func:`_rebuilt_symbols`).
    """
    text = prepare(text)  # BOM, U+2028/U+2029 (derive.homework.stepinput)
    if line_count(text) > MAX_LINES:
        raise ValueError(f"a step file has at most {MAX_LINES} lines")
    args = (text, symbols, definitions, domain_spec, variable)
    first = _read_all(*args, {})
    rebuilt = [_rebuilt_symbols(chain, symbols) for chain in first.chains]
    if not any(rebuilt):
        return first
    by_line: dict[int, dict[str, sp.Symbol]] = {}
    for chain, table in zip(first.chains, rebuilt, strict=True):
        if table:
            rename = {name: sym for name, (sym, _) in table.items()}
            for number in range(chain.lines[0].number, chain.lines[-1].number + 1):
                by_line[number] = rename
    second = _read_all(*args, by_line)
    if len(second.chains) != len(first.chains):  # the same lines, so the same chains
        raise AssertionError("a step file read twice gave different chains")
    chains = tuple(
        replace(
            c,
            rebuilt=tuple((sym, why) for sym, why in table.values()),
            definitions=_renamed_definitions(c.definitions, table, symbols),
        )
        for c, table in zip(second.chains, rebuilt, strict=True)
    )
    return replace(second, chains=chains)


def _renamed_definitions(
    defs: Sequence[tuple[sp.Symbol, sp.Expr]],
    table: Mapping[str, tuple[sp.Symbol, str]],
    symbols: Mapping[str, sp.Symbol] | None,
) -> tuple[tuple[sp.Symbol, sp.Expr], ...]:
    """The definitions in the chain's rebuilt letters (``t = a − 1`` for the real ``t``)."""
    mapping = {
        old: new
        for name, (new, why) in table.items()
        if why == "definition" and (old := _symbol_of(name, symbols)) is not None
    }
    if not mapping:
        return tuple(defs)
    return tuple((lhs.xreplace(mapping), rhs.xreplace(mapping)) for lhs, rhs in defs)


def _read_all(
    text: str,
    symbols: Mapping[str, sp.Symbol] | None,
    definitions: Sequence[tuple[sp.Symbol, sp.Expr]],
    domain_spec: Sequence[tuple[str, Interval]],
    variable: sp.Symbol | None,
    renames: Mapping[int, Mapping[str, sp.Symbol]],
) -> StepFile:
    """One reading of a step file; ``renames``: line number → letters read as other symbols."""
    state = _FileState(_Reader(symbols), list(definitions), list(domain_spec), variable=variable)
    readers: dict[int, _Reader] = {}
    chains: list[Chain] = []
    errors: list[Line] = []
    current: list[Line] = []
    snapshot: Chain | None = None

    def close() -> None:
        nonlocal current, snapshot
        if current and snapshot is not None:
            chains.append(replace(snapshot, lines=tuple(current)))
            first = current[0]
            premise = len(current) > 1 and current[1].relation in ("<=>", "=>")
            if first.error is None and first.lhs is not None and not premise:
                # X = expr defines X for the chains after this one; a premise (a = y ⇔ …)
                # holds only inside its own chain
                _maybe_define(first, state, snapshot)
        current, snapshot = [], None

    for number, raw in enumerate(text.splitlines(), 1):
        stripped = raw.strip()
        if stripped.startswith("%!"):
            try:
                _directive(stripped[2:], state)
            except (ParseError, ValueError) as exc:
                errors.append(Line(number, stripped, "directive", error=str(exc)))
            continue
        body = _strip_comment(raw).strip()
        if not body:
            if not stripped:  # a blank line (not a comment line) ends the chain
                close()
            continue
        if snapshot is None:
            snapshot = Chain(
                (),
                tuple(state.definitions),
                tuple(state.domain_spec),
                state.variable,
                state.claims,
            )
        rename = renames.get(number)
        reader = state.reader
        if rename:
            reader = readers.setdefault(id(rename), state.reader.renamed(rename))
        current.append(_read_line(number, body, not current, reader))
    close()
    return StepFile(tuple(chains), tuple(errors), state.title)


#: what an interval can contradict (an interval says nothing against ``integer``)
_SIGN_FACTS = ("positive", "nonnegative", "negative", "nonpositive", "nonzero")


def _interval_assumptions(iv: Interval) -> dict[str, bool]:
    """What a real variable on ``iv`` is: positive, nonnegative, negative, nonpositive or real."""
    if iv.low > 0 or (iv.low == 0 and iv.low_open):
        return {"positive": True}
    if iv.low >= 0:
        return {"nonnegative": True}
    if iv.high < 0 or (iv.high == 0 and iv.high_open):
        return {"negative": True}
    if iv.high <= 0:
        return {"nonpositive": True}
    return {"real": True}


def _unproved_facts(
    sym: sp.Basic, allowed: sp.Symbol, facts: Sequence[str] = _SIGN_FACTS
) -> list[str]:
    """The ``facts`` ``sym`` carries that ``allowed`` (what is known) does not."""
    return [
        f
        for f in facts
        if getattr(sym, f"is_{f}") is True and getattr(allowed, f"is_{f}") is not True
    ]


def _symbol_of(name: str, symbols: Mapping[str, sp.Symbol] | None) -> sp.Basic | None:
    """The symbol a lone ``name`` is read as (the vocabulary's, else the course's)."""
    if symbols is not None:
        return symbols.get(name)
    try:
        sym = parse_answer(name)
    except ParseError:
        return None
    return sym if isinstance(sym, sp.Symbol) else None


def _rebuilt_symbols(
    chain: Chain, symbols: Mapping[str, sp.Symbol] | None
) -> dict[str, tuple[sp.Symbol, str]]:
    """Letters of ``chain`` to read as new symbols: name → (symbol, why).

    * a ``%! domain:`` interval that contradicts the symbol's assumptions (``a in (-1, 1)``
      with the course's ``a > 0``): a symbol with exactly what the interval says;
    * a substitution variable ``[t = g, …]`` whose assumptions (the course's ``t > 0``) are
      not proved for ``g`` on the chain's domain (:func:`derive.engine.sign.prove_sign`):
      positive if ``g > 0`` is proved, negative if ``g < 0`` is, else only real.

    Integer symbols, families that are not a single letter and an exercise's vocabulary (its
    definitions use its own symbols) are not rebuilt for a domain; a domain that contradicts
    them is refused by :func:`_check_assumptions`.
    """
    out: dict[str, tuple[sp.Symbol, str]] = {}
    for fam, iv in dict(chain.domain_spec).items():
        sym = _symbol_of(fam, symbols)
        if sym is None or symbols is not None or len(fam) != 1 or sym.is_integer:
            continue  # an exercise's definitions use its own symbols: refused, not rebuilt
        target = sp.Symbol(fam, **_interval_assumptions(iv))
        if _unproved_facts(sym, target):
            out[fam] = (target, "domain")
    by_domain = {_symbol_of(k, symbols): v for k, (v, _) in out.items()}
    values: dict[sp.Symbol, list[sp.Expr]] = {}
    for ln in chain.lines:
        if isinstance(ln.expr, Substitution):
            values.setdefault(ln.expr.variable, []).append(ln.expr.expr.xreplace(by_domain))
    for var, gs in values.items():
        domain = _domain(chain, gs)
        positive = all(_proved_sign(g, domain, True) for g in gs)
        negative = not positive and all(_proved_sign(g, domain, False) for g in gs)
        facts = {"positive": True} if positive else {"negative": True} if negative else {}
        target = sp.Symbol(var.name, real=True, **facts)
        unproved = _unproved_facts(var, target, (*_SIGN_FACTS, "integer"))
        if unproved and (symbols is not None or len(var.name) == 1):
            out[var.name] = (target, "substitution")
    for sym, value in chain.definitions:
        # a letter a definition gives a value carries only what is proved about the value:
        # with t = a − 1 the course's t > 0 would read √(t²) as t
        if not isinstance(sym, sp.Symbol) or sym.name in out:
            continue
        if not any(getattr(sym, f"is_{f}") is True for f in _SIGN_FACTS):
            continue
        if symbols is None and len(sym.name) != 1:
            continue
        value = value.xreplace(by_domain)
        domain = _domain(chain, [value])
        positive = _proved_sign(value, domain, True)
        negative = not positive and _proved_sign(value, domain, False)
        facts = {"positive": True} if positive else {"negative": True} if negative else {}
        target = sp.Symbol(sym.name, real=True, **facts)
        if _unproved_facts(sym, target):
            out[sym.name] = (target, "definition")
    return out


def _proved_sign(expr: sp.Expr, domain: Domain, positive: bool) -> bool:
    try:
        return prove_sign(expr, domain, positive=positive) is not None
    except Exception:  # a proof that cannot be carried out is no proof
        return False


def _check_assumptions(chain: Chain, exprs: Sequence[sp.Basic]) -> None:
    """Refuse a ``%! domain:`` interval that contradicts a symbol's assumptions (a layer
    symbol ``a^L_j > 0`` with ``a in (-1, 1)``, an integer ``n``): the checks would use them."""
    overrides = _families(chain)
    seen: set[sp.Symbol] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):
            seen |= {q for q in e.free_symbols if isinstance(q, sp.Symbol)}
    for sym in sorted(seen, key=lambda q: q.name):
        iv = overrides.get(_family(sym))
        if iv is None:
            continue
        facts = _unproved_facts(sym, sp.Symbol("_", **_interval_assumptions(iv)))
        if facts:
            raise ParseError(
                f"the domain {_family(sym)} in {_show_interval(iv)} contradicts what "
                f"{sym} is in the course's notation ({', '.join(facts)}); "
                "use another letter for this variable"
            )


def _show_interval(iv: Interval) -> str:
    left, right = "(" if iv.low_open else "[", ")" if iv.high_open else "]"
    return f"{left}{iv.low:g}, {iv.high:g}{right}"


def _maybe_define(first: Line, state: _FileState, chain: Chain) -> None:
    """A first line ``X = expr`` with ``X`` an undefined symbol defines ``X`` from now on."""
    lhs = first.lhs
    if isinstance(lhs, sp.Symbol) and lhs not in dict(chain.definitions):
        state.definitions.append((lhs, first.expr))


#: where a rebuilt substitution variable of a proved sign is sampled (as the course's t > 0)
_SIGN_SAMPLE = {
    "positive": Interval(0.0, 3.0, True, False),
    "negative": Interval(-3.0, 0.0, False, True),
}


def _families(chain: Chain) -> dict[str, Interval]:
    """Interval by family: a (0, 1), y [0, 1], then the overrides; a rebuilt substitution
    variable ``t = g`` is sampled by the sign proved for ``g`` (only real: no interval),
    whatever interval its letter had (an exercise's ``t ∈ [0.05, 5]`` is for its own t)."""
    families: dict[str, Interval] = {"a": UNIT_OPEN, "y": UNIT_CLOSED}
    families.update(dict(chain.domain_spec))
    for sym, why in chain.rebuilt:
        if why == "substitution":
            families.pop(sym.name, None)
            sign = next((f for f in _SIGN_SAMPLE if getattr(sym, f"is_{f}")), None)
            if sign is not None:
                families[sym.name] = _SIGN_SAMPLE[sign]
    return families


def _domain(chain: Chain, exprs: Sequence[sp.Basic]) -> Domain:
    """Intervals for the chain's symbols, by family (:func:`_families`)."""
    families = _families(chain)
    domain = DEFAULT
    symbols: set[sp.Symbol] = set()
    for e in exprs:
        if isinstance(e, sp.Basic):  # atoms: also the variables of ∂/∂a^L_j (not free in it)
            symbols |= {q for q in e.atoms(sp.Symbol) if not q.is_integer}
    for sym in sorted(symbols, key=lambda q: q.name):
        fam = _family(sym)
        if fam in families:
            domain = domain.with_(sym, families[fam])
    # by family too: a component made while differentiating (y_j from Σ_k y_k) is in it
    return domain.with_intervals(families)
