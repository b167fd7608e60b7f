"""The step checker's phrases, in every report language (:data:`LANGS`)."""

from __future__ import annotations

__all__ = ["LANGS"]

#: the report languages; every detail is written in each
LANGS = ("en", "cs")

# --------------------------------------------------------------------------- phrases

_PHRASES: dict[str, dict[str, str]] = {
    "ok": {"en": "ok", "cs": "v pořádku"},
    "wrong": {"en": "wrong", "cs": "chyba"},
    "unverified": {"en": "unverified", "cs": "neověřeno"},
    "unreadable": {"en": "unreadable", "cs": "nečitelné"},
    "proved": {"en": "proved symbolically ({m})", "cs": "dokázáno symbolicky ({m})"},
    "numeric": {
        "en": "agrees at {n} random points (evidence, not a proof)",
        "cs": "shoda v {n} náhodných bodech (doklad, ne důkaz)",
    },
    "given": {"en": "given", "cs": "zadáno"},
    "given_lhs": {
        "en": "given ({lhs} is not defined here, so this line is taken as given)",
        "cs": "zadáno ({lhs} zde není definováno, řádek se bere jako zadání)",
    },
    "defines": {"en": "given: defines {lhs}", "cs": "zadáno: definuje {lhs}"},
    "premise": {"en": "given: the premise", "cs": "zadáno: předpoklad"},
    "differs": {"en": "the two sides differ at {pt}", "cs": "obě strany se liší v bodě {pt}"},
    "differs_plain": {"en": "the two sides differ", "cs": "obě strany se liší"},
    "differs_derivative": {
        "en": "not equal up to a constant: the derivatives d/d{v} of the two sides differ at {pt}",
        "cs": "nerovnají se ani až na konstantu: derivace d/d{v} obou stran se liší v bodě {pt}",
    },
    "with_substitution": {
        "en": "with the substitution of line {line}, differentiated with its true derivative",
        "cs": "se substitucí z řádku {line}, derivovanou její skutečnou derivací",
    },
    "substituted": {
        "en": "with {v} = {g} from line {line}",
        "cs": "s {v} = {g} z řádku {line}",
    },
    "rebuilt_substitution": {
        "en": "{v} is taken as a {kind} variable here (what is proved about {g} on the "
        "domain), not as the course's {v}",
        "cs": "{v} se zde bere jako {kind} proměnná (co je o {g} na oboru dokázáno), "
        "ne jako {v} z notace kurzu",
    },
    "rebuilt_domain": {
        "en": "{v} is taken as a {kind} variable, as its declared domain says, "
        "not as the course's {v}",
        "cs": "{v} se bere jako {kind} proměnná, jak říká její zadaný obor, "
        "ne jako {v} z notace kurzu",
    },
    "kind_positive": {"en": "positive", "cs": "kladná"},
    "kind_negative": {"en": "negative", "cs": "záporná"},
    "kind_real": {"en": "real", "cs": "reálná"},
    "chain_fails": {
        "en": "not verified: the last line of chain {first}–{last} does not follow from its first",
        "cs": "neověřeno: poslední řádek řetězce {first}–{last} neodpovídá prvnímu",
    },
    "no_equation": {"en": "a premise must be an equation", "cs": "předpoklad musí být rovnice"},
    "by": {"en": "difference", "cs": "rozdíl"},
    "true_value": {
        "en": "line {line} actually equals {value}",
        "cs": "řádek {line} se ve skutečnosti rovná {value}",
    },
    "lhs_value": {
        "en": "{lhs} actually equals {value}",
        "cs": "{lhs} se ve skutečnosti rovná {value}",
    },
    "substitution_ok": {
        "en": "d{v}/d{w} = {d}, as declared",
        "cs": "d{v}/d{w} = {d}, jak je uvedeno",
    },
    "substitution_wrong": {
        "en": "d{v}/d{w} = {d}, not {claimed}",
        "cs": "d{v}/d{w} = {d}, ne {claimed}",
    },
    "after_wrong": {
        "en": "judged against line {line}, which is itself wrong",
        "cs": "posouzeno vůči řádku {line}, který je sám chybný",
    },
    "after_unreadable": {
        "en": "judged against line {line} (line {skipped} is unreadable)",
        "cs": "posouzeno vůči řádku {line} (řádek {skipped} je nečitelný)",
    },
    "up_to_constant": {"en": "up to a constant", "cs": "až na konstantu"},
    "constant_depends": {
        "en": "up to a constant (independent of {v}; it may depend on {deps})",
        "cs": "až na konstantu (nezávislou na {v}; může záviset na {deps})",
    },
    "rebuilt_definition": {
        "en": "{v} is taken as a {kind} variable here (what is proved about its definition "
        "{g} on the domain), not as the course's {v}",
        "cs": "{v} se zde bere jako {kind} proměnná (co je o její definici {g} na oboru "
        "dokázáno), ne jako {v} z notace kurzu",
    },
    "first_wrong": {
        "en": "first line that does not follow: {line}",
        "cs": "první chybný řádek: {line}",
    },
    "all_ok": {"en": "every line follows", "cs": "všechny řádky platí"},
    "conclusion": {
        "en": "chain {first}–{last}: the last line {verdict} the first",
        "cs": "řetězec {first}–{last}: poslední řádek {verdict} prvnímu",
    },
    "conclusion_holds": {"en": "follows from", "cs": "odpovídá"},
    "conclusion_fails": {"en": "does not follow from", "cs": "neodpovídá"},
    "conclusion_unknown": {"en": "was not compared with", "cs": "nebyl porovnán s"},
    "answer_ok": {
        "en": "line {line} is the answer of exercise {ex}: {ref}",
        "cs": "řádek {line} je výsledkem úlohy {ex}: {ref}",
    },
    "answer_wrong": {
        "en": "line {line} is not the answer of exercise {ex}",
        "cs": "řádek {line} není výsledkem úlohy {ex}",
    },
    "answer_unknown": {
        "en": "line {line} was not compared with the answer of exercise {ex}",
        "cs": "řádek {line} nebyl porovnán s výsledkem úlohy {ex}",
    },
    "no_previous": {"en": "no previous line to compare with", "cs": "chybí předchozí řádek"},
}


def _p(key: str, lang: str, **kw: object) -> str:
    return _PHRASES[key][lang].format(**kw)
