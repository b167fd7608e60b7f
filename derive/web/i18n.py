"""The words of the web pages, in English and Czech (the checker's own feedback comes from
:mod:`derive.homework.grading` and :mod:`derive.homework.stepcheck`, unchanged)."""

from __future__ import annotations

__all__ = ["LANGS", "UI", "words"]

LANGS = ("en", "cs")

UI: dict[str, dict[str, str]] = {
    "title": {"en": "Homework checker", "cs": "Kontrola domácích úkolů"},
    "nav_exercises": {"en": "Exercises", "cs": "Úlohy"},
    "nav_steps": {"en": "Check a derivation", "cs": "Kontrola odvození"},
    "nav_lecture": {"en": "Lecture derivations", "cs": "Odvození z přednášky"},
    "nav_instructor": {"en": "Instructor", "cs": "Vyučující"},
    "nav_api": {"en": "API", "cs": "API"},
    "intro": {
        "en": "Type an answer in LaTeX or plain text; it is graded by the same checker as "
        "python -m derive.check, with the same verdicts and feedback.",
        "cs": "Napište odpověď v LaTeXu nebo jako prostý text; hodnotí ji stejná kontrola jako "
        "python -m derive.check, se stejnými verdikty a komentáři.",
    },
    "exercise": {"en": "Exercise", "cs": "Úloha"},
    "asks": {"en": "Asked for", "cs": "Hledá se"},
    "open": {"en": "Answer", "cs": "Odpovědět"},
    "your_answer": {
        "en": "Your answer (LaTeX or plain text)",
        "cs": "Vaše odpověď (LaTeX nebo prostý text)",
    },
    "check": {"en": "Check", "cs": "Zkontrolovat"},
    "read_as": {"en": "Read as", "cs": "Přečteno jako"},
    "preview_hint": {
        "en": "The preview shows how your answer is read as you type.",
        "cs": "Náhled ukazuje, jak je odpověď přečtena, už při psaní.",
    },
    "preview_timeout": {
        "en": "No preview: reading the answer took too long (Check still grades it).",
        "cs": "Bez náhledu: čtení odpovědi trvalo příliš dlouho (Zkontrolovat ji ohodnotí).",
    },
    "preview_failed": {
        "en": "No preview for this answer (Check still grades it).",
        "cs": "Pro tuto odpověď není náhled (Zkontrolovat ji ohodnotí).",
    },
    "method": {"en": "Method", "cs": "Metoda"},
    "verdict_correct": {"en": "correct", "cs": "správně"},
    "verdict_incorrect": {"en": "incorrect", "cs": "nesprávně"},
    "verdict_invalid": {"en": "invalid", "cs": "nečitelné"},
    "verdict_undecided": {"en": "undecided", "cs": "nerozhodnuto"},
    "back": {"en": "All exercises", "cs": "Všechny úlohy"},
    "steps_intro": {
        "en": "Paste or type a derivation, one expression per line (= … on each further "
        "line, a blank line starts a new chain, % starts a comment). Each line is checked "
        "against the line before it.",
        "cs": "Vložte nebo napište odvození, jeden výraz na řádek (= … na každém dalším řádku, "
        "prázdný řádek začíná nový řetězec, % začíná komentář). Každý řádek se kontroluje "
        "proti řádku před ním.",
    },
    "steps_text": {"en": "Step file", "cs": "Soubor kroků"},
    "steps_exercise": {
        "en": "Exercise (optional: its symbols, definitions, domain and answer)",
        "cs": "Úloha (nepovinné: její symboly, definice, obor a výsledek)",
    },
    "none": {"en": "none", "cs": "žádná"},
    "example": {"en": "Load an example", "cs": "Načíst příklad"},
    "line": {"en": "Line", "cs": "Řádek"},
    "text": {"en": "Text", "cs": "Text"},
    "verdict": {"en": "Verdict", "cs": "Verdikt"},
    "detail": {"en": "Detail", "cs": "Podrobnosti"},
    "first_wrong": {"en": "first wrong line", "cs": "první chybný řádek"},
    "first_wrong_at": {
        "en": "The first wrong line is line {n}.",
        "cs": "První chybný je řádek {n}.",
    },
    "all_ok": {"en": "Every line is ok.", "cs": "Všechny řádky jsou v pořádku."},
    "not_all_ok": {
        "en": "Not every line is ok (see the verdicts).",
        "cs": "Ne všechny řádky jsou v pořádku (viz verdikty).",
    },
    "v_ok": {"en": "ok", "cs": "v pořádku"},
    "v_wrong": {"en": "wrong", "cs": "chyba"},
    "v_unverified": {"en": "unverified", "cs": "neověřeno"},
    "v_unreadable": {"en": "unreadable", "cs": "nečitelné"},
    "lecture_intro": {
        "en": "The lecture's derivations, each step verified by the engine when this page was "
        "first opened since the server started (the line under each derivation says how).",
        "cs": "Odvození z přednášky; každý krok ověřil stroj při prvním otevření této stránky "
        "od spuštění serveru (řádek pod každým odvozením říká jak).",
    },
    "lecture_wait": {
        "en": "The derivations are being verified now (about a minute); this page reloads itself.",
        "cs": "Odvození se právě ověřují (asi minutu); stránka se sama obnoví.",
    },
    "lecture_failed": {
        "en": "The derivations could not be verified this time: {why}.",
        "cs": "Odvození se tentokrát nepodařilo ověřit: {why}.",
    },
    "instructor_intro": {
        "en": "Upload a class CSV with the columns student, exercise, answer (others are "
        "kept). It is graded like python -m derive.check --batch; nothing is kept after the "
        "response.",
        "cs": "Nahrajte CSV třídy se sloupci student, exercise, answer (ostatní zůstanou). "
        "Ohodnotí se jako python -m derive.check --batch; po odpovědi se nic neuchovává.",
    },
    "token": {"en": "Instructor token", "cs": "Token vyučujícího"},
    "csv_file": {"en": "Class CSV", "cs": "CSV třídy"},
    "output": {"en": "Result", "cs": "Výsledek"},
    "out_csv": {"en": "graded CSV (download)", "cs": "ohodnocené CSV (ke stažení)"},
    "out_page": {"en": "verdict counts (this page)", "cs": "počty verdiktů (na této stránce)"},
    "out_summary": {
        "en": "gradebook: one row per student (CSV download)",
        "cs": "klasifikace: řádek na studenta (CSV ke stažení)",
    },
    "out_report": {
        "en": "class report (HTML download)",
        "cs": "zpráva o třídě (HTML ke stažení)",
    },
    "grade_class": {"en": "Grade", "cs": "Ohodnotit"},
    "summary": {"en": "Summary", "cs": "Souhrn"},
    "rows": {"en": "rows", "cs": "řádků"},
    "total": {"en": "total", "cs": "celkem"},
    "bad_token": {"en": "Wrong instructor token.", "cs": "Nesprávný token vyučujícího."},
    "error": {"en": "Error", "cs": "Chyba"},
    "too_large": {
        "en": "The request is too large: {kind} at most {limit}.",
        "cs": "Požadavek je příliš velký: {kind} nejvýše {limit}.",
    },
    "kind_answer": {"en": "an answer", "cs": "odpověď"},
    "kind_steps": {"en": "a step file", "cs": "soubor kroků"},
    "kind_csv": {"en": "a class CSV", "cs": "CSV třídy"},
    "kind_other": {"en": "this request", "cs": "tento požadavek"},
    "busy": {
        "en": "The checker is busy; try again in {s} s.",
        "cs": "Kontrola je přetížená; zkuste to znovu za {s} s.",
    },
    "rate": {
        "en": "Too many requests from your address; try again in {s} s.",
        "cs": "Příliš mnoho požadavků z vaší adresy; zkuste to znovu za {s} s.",
    },
    "not_found": {"en": "Not found.", "cs": "Nenalezeno."},
    "internal": {
        "en": "Something went wrong on the server; the answer was not graded.",
        "cs": "Na serveru nastala chyba; odpověď nebyla ohodnocena.",
    },
    "unknown_exercise": {"en": "Unknown exercise.", "cs": "Neznámá úloha."},
    "steps_timeout": {
        "en": "Checking the derivation took longer than {s:g} s; split it into shorter chains.",
        "cs": "Kontrola odvození trvala déle než {s:g} s; rozdělte je na kratší řetězce.",
    },
    "steps_crash": {
        "en": "The derivation could not be checked.",
        "cs": "Odvození se nepodařilo zkontrolovat.",
    },
    "too_many_lines": {
        "en": "A step file has at most {n} lines.",
        "cs": "Soubor kroků má nejvýše {n} řádků.",
    },
    "nothing_to_check": {
        "en": "nothing to check (no line with an expression)",
        "cs": "není co kontrolovat (žádný řádek s výrazem)",
    },
    "bad_csv": {"en": "The CSV could not be graded: {why}", "cs": "CSV nelze ohodnotit: {why}"},
    "too_many_rows": {
        "en": "A class CSV has at most {n} rows here; split it.",
        "cs": "CSV třídy zde má nejvýše {n} řádků; rozdělte je.",
    },
    "batch_busy": {
        "en": "Another class CSV is being graded; try again in a minute.",
        "cs": "Právě se hodnotí jiné CSV; zkuste to znovu za minutu.",
    },
    "api_intro": {
        "en": "JSON API for other tools (an LMS plug-in, a notebook); the machine-readable "
        "description (OpenAPI 3.1):",
        "cs": "JSON API pro jiné nástroje (modul LMS, notebook); strojově čitelný popis "
        "(OpenAPI 3.1):",
    },
    "example_request": {"en": "Example request", "cs": "Příklad požadavku"},
    "example_response": {"en": "Example response", "cs": "Příklad odpovědi"},
    "language": {"en": "Language", "cs": "Jazyk"},
}


def words(lang: str) -> dict[str, str]:
    """Every UI string in ``lang`` (English for an unknown language)."""
    lang = lang if lang in LANGS else "en"
    return {key: table[lang] for key, table in UI.items()}
