"""Fixed phrases of the output, in English and Czech (justifications live in the data)."""

from __future__ import annotations

import re

__all__ = ["PHRASES", "VERDICT_NAMES", "phrase", "second_opinion", "table_word"]

PHRASES: dict[str, dict[str, object]] = {
    "argument": {"en": "Argument (not machine-checked)", "cs": "Úvaha (strojově neověřená)"},
    "argument_core": {
        "en": "Argument (its core statement is machine-checked, the reasoning is not)",
        "cs": "Úvaha (její jádro je ověřeno strojově, zbytek úvahy ne)",
    },
    "checked_now": {"en": "Checked just now", "cs": "Právě ověřeno"},
    "failed": {"en": "FAILED", "cs": "CHYBA"},
    "notation_title": {"en": "Notation", "cs": "Značení"},
    "notation": {
        "en": "Notation: z = wx + b, a = σ(z) = 1/(1 + e^{-z}) ∈ (0, 1), target y ∈ [0, 1], "
        "n training samples. Superscripts such as L in a^L_j are layer indices, not powers; "
        "ln is the natural logarithm. Each line names the lecture claims (L0–L26) it supports.",
        "cs": "Značení: z = wx + b, a = σ(z) = 1/(1 + e^{-z}) ∈ (0, 1), cíl y ∈ [0, 1], "
        "n trénovacích vzorků. Horní indexy jako L v a^L_j označují vrstvu, nejsou to mocniny; "
        "ln je přirozený logaritmus. Každý řádek uvádí tvrzení přednášky (L0–L26), která "
        "dokládá.",
    },
    "table_head": {
        "en": ("derivation", "step", "claims", "relation", "method", "verdict", "second opinion"),
        "cs": ("odvození", "krok", "tvrzení", "vztah", "metoda", "výsledek", "druhý názor"),
    },
    "table_total": {
        "en": "{total} steps checked just now, {failed} failed.",
        "cs": "Právě ověřeno {total} kroků, z toho {failed} chybných.",
    },
}

VERDICT_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "proved": "proved",
        "numeric": "numeric evidence only",
        "refuted": "REFUTED",
        "argument": "argument",
        "given": "given",
        "unverified": "UNVERIFIED",
    },
    "cs": {
        "proved": "dokázáno",
        "numeric": "jen numericky",
        "refuted": "VYVRÁCENO",
        "argument": "úvaha",
        "given": "dáno",
        "unverified": "NEOVĚŘENO",
    },
}


#: the verification table's relation and method names in Czech (English: as the engine says)
TABLE_WORDS_CS: dict[str, str] = {
    "given": "dáno",
    "fact": "fakt",
    "argument": "úvaha",
    "definition": "definice",
    "cancel": "krácení",
    "sign": "znaménko",
    "limit": "limita",
    "differentiation": "derivace",
    "evaluation": "vyčíslení",
    "ratio": "podíl",
    "simplify": "zjednodušení",
    "domain": "obor",
    "substitution": "substituce",
    "interval": "interval",
}


def table_word(word: str, lang: str) -> str:
    """A relation or method name (``differentiation + cancel``) in ``lang``."""
    if lang != "cs":
        return word
    return " + ".join(TABLE_WORDS_CS.get(part, part) for part in word.split(" + "))


def second_opinion(text: str, lang: str) -> str:
    """The engine's second opinion (``agrees at 12 points``, ``differs at …``) in ``lang``."""
    if lang != "cs":
        return text

    text = re.sub(r"^agrees at (\d+) points", r"shoduje se v \1 bodech", text)
    return re.sub(r"^differs at ", "liší se v bodě ", text)


def phrase(key: str, lang: str) -> str:
    """The phrase ``key`` in ``lang`` ('en' or 'cs')."""
    value = PHRASES[key][lang]
    assert isinstance(value, str)
    return value
