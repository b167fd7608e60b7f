"""A phrase in English and Czech (no SymPy here: a command's ``--help`` reads its title)."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Text"]


@dataclass(frozen=True)
class Text:
    """A phrase in English and Czech."""

    en: str
    cs: str

    def __call__(self, lang: str) -> str:
        return self.cs if lang == "cs" else self.en
