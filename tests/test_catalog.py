"""Instructors' own exercises (issue 14): ``--catalog FILE.toml`` in every mode, and
``--validate`` before class. ``tests/data/catalogs/course.toml`` is a held-out catalog of
exercises that are not in the package; ``bad.toml`` has one fault per exercise."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest

from derive.homework.catalog import CatalogError, load_catalogs, validate
from derive.homework.check import main
from derive.homework.exercises import catalog as builtin

DATA = Path(__file__).parent / "data" / "catalogs"
COURSE = DATA / "course.toml"
BAD = DATA / "bad.toml"


@pytest.fixture(scope="module")
def bad_problems() -> list:
    return validate([BAD])


def test_builtin_catalog_passes_the_same_validation() -> None:
    assert validate([]) == []


def test_held_out_catalog_loads_through_the_public_api() -> None:
    cat = load_catalogs([COURSE])
    for new in ("softplus-derivative", "weight-decay-dw", "exp-product-dw", "log-loss-dp"):
        assert new in cat and cat.source(new) == str(COURSE)
    assert cat["weight-decay-dw"].points == 2
    assert cat["ce-db"].points == 3 and cat.source("ce-db") == str(COURSE)  # replaces = true
    assert set(builtin()) <= set(cat)  # the built-in exercises stay
    assert validate([COURSE]) == []


def test_validate_accepts_the_held_out_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--catalog", str(COURSE), "--validate"]) == 0
    assert "5 exercise" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("exercise", "key", "words"),
    [
        ("circular-self", "definitions", "circular"),
        ("circular-pair", "definitions", "circular"),
        ("mistake-is-right", "mistake[1]", "equal"),
        ("undeclared", "solution", "q"),
        ("empty-domain", "domain", "empty"),
        ("not-real", "solution", "real"),
        ("unreadable", "solution", ""),
        ("mse-dw", "id", "built-in"),
        ("twice", "id", "twice"),
        ("typo-key", "soluton", "unknown key"),
        ("bad-mistake", "mistake[1]", ""),
    ],
)
def test_validate_names_file_exercise_key_and_reason(
    exercise: str, key: str, words: str, bad_problems: list
) -> None:
    problems = bad_problems
    hits = [p for p in problems if p.exercise == exercise and p.key == key]
    assert hits, [str(p) for p in problems]
    assert all(p.file == str(BAD) for p in hits)
    assert words.lower() in " ".join(p.reason.lower() for p in hits)


def test_validate_cli_exits_2_and_grades_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = tmp_path / "in.csv"
    source.write_text("student,exercise,answer\nana,ce-db,a-y\n", encoding="utf-8")
    code = main(["--catalog", str(BAD), "--validate", "--batch", str(source), "-o", "x.csv"])
    assert code == 2
    err = capsys.readouterr().err
    assert f"{BAD}: exercise 'circular-pair': definitions:" in err
    assert not (tmp_path / "x.csv").exists() and not Path("x.csv").exists()


def test_a_bad_catalog_refuses_every_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--catalog", str(BAD), "--list"]) == 2
    assert main(["--catalog", str(BAD), "ce-db", "a-y"]) == 2
    assert "bad.toml" in capsys.readouterr().err


def test_missing_catalog_and_toml_syntax_error_exit_2(tmp_path: Path) -> None:
    assert main(["--catalog", str(tmp_path / "nope.toml"), "--list"]) == 2
    broken = tmp_path / "broken.toml"
    broken.write_text("[[exercise]]\nid = 'x\n", encoding="utf-8")
    assert main(["--catalog", str(broken), "--list"]) == 2
    problems = validate([broken])
    assert problems and problems[0].file == str(broken) and problems[0].key == "toml"


def test_builtin_id_without_replaces_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        "[[exercise]]\nid = 'ce-db'\nsolution = 'a-y'\nvocabulary = ['a', 'y']\n"
        "statement.en = 'x'\n",
        encoding="utf-8",
    )
    with pytest.raises(CatalogError) as exc:
        load_catalogs([f])
    assert "replaces = true" in str(exc.value)


def test_list_shows_catalog_exercises(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--catalog", str(COURSE), "--list", "--json"]) == 0
    entries = {e["id"]: e for e in json.loads(capsys.readouterr().out)}
    assert (
        entries["softplus-derivative"]["reference"] == r"\sigma{\left(z \right)}"
        or entries["softplus-derivative"]["reference"]
    )
    assert entries["weight-decay-dw"]["points"] == 2
    assert "mse-dw" in entries


def test_single_answer_with_a_catalog(capsys: pytest.CaptureFixture[str]) -> None:
    c = ["--catalog", str(COURSE)]
    assert main([*c, "softplus-derivative", r"\frac{e^z}{1+e^z}"]) == 0
    assert main([*c, "softplus-derivative", r"\frac{1}{1+e^{z}}", "--lang", "cs"]) == 1
    assert "Chybí vnitřní derivace" in capsys.readouterr().out
    assert main([*c, "exp-product-dw", "x e^{wx}"]) == 0
    assert main([*c, "log-loss-dp", r"\frac{-1}{p-1}"]) == 0
    assert main([*c, "ce-db", r"\sigma(z) - y"]) == 0
    assert main(["softplus-derivative", r"\sigma(z)"]) == 2  # not known without the file


def test_directory_loads_every_toml(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    shutil.copy(COURSE, tmp_path / "a.toml")
    (tmp_path / "b.toml").write_text(
        "[[exercise]]\nid = 'double'\nsolution = '2x'\nvocabulary = ['x']\n"
        "statement.en = 'Double x.'\n",
        encoding="utf-8",
    )
    (tmp_path / "notes.txt").write_text("not a catalog", encoding="utf-8")
    assert main(["--catalog", str(tmp_path), "double", "x+x"]) == 0
    assert main(["--catalog", str(tmp_path), "weight-decay-dw", r"g + \lambda w / n"]) == 0


def test_batch_with_a_catalog_and_points(tmp_path: Path) -> None:
    source, target = tmp_path / "in.csv", tmp_path / "out.csv"
    source.write_text(
        "student,exercise,answer\n"
        "ana,weight-decay-dw,g + \\lambda w/n\n"
        "bo,weight-decay-dw,g + \\frac{\\lambda}{2n} w\n"
        "ana,ce-db,a-y\n",
        encoding="utf-8",
    )
    code = main(["--catalog", str(COURSE), "--batch", str(source), "-o", str(target)])
    assert code == 0
    with target.open(encoding="utf-8", newline="") as handle:
        out = list(csv.DictReader(handle))
    assert [r["verdict"] for r in out] == ["correct", "incorrect", "correct"]
    assert [r["points"] for r in out] == ["2", "0", "3"]
    assert "2 from the square" in out[1]["feedback"]


def test_steps_with_a_catalog_exercise(tmp_path: Path) -> None:
    steps = tmp_path / "d.steps"
    steps.write_text("\\frac{e^z}{1+e^z}\n= \\frac{1}{1+e^{-z}}\n= \\sigma(z)\n", encoding="utf-8")
    args = ["--steps", str(steps), "--exercise", "softplus-derivative"]
    assert main(["--catalog", str(COURSE), *args]) == 0  # the last line is the file's solution
    assert main(args) == 2  # unknown without the file


# --- second round of adversarial catalogs (written before the fixes they needed) ---------

ROUND2 = {
    "points-bool": ("points = true", "points", "number"),
    "vocab-string": ("vocabulary = 'x'", "vocabulary", "list"),
    "domain-unused": ("domain = { q = [0.0, 1.0] }", "domain", "family"),
    "no-en": ("statement = { cs = 'jen česky' }", "statement", "en"),
    "reference-key": ("reference = 'CE_DB'", "reference", "solution"),
    "replaces-new": ("replaces = true", "replaces", "built-in"),
    "constant-no-var": ("up_to_constant = true", "up_to_constant", "variable"),
}


def _entry(ex_id: str, extra: str, *, vocabulary: str = "vocabulary = ['x']") -> str:
    lines = [f"id = '{ex_id}'", "solution = '2x'", vocabulary, "statement.en = 'Double x.'"]
    key = extra.split("=")[0].strip()
    lines = [line for line in lines if line.split("=")[0].split(".")[0].strip() != key]
    return "[[exercise]]\n" + "\n".join([*lines, extra]) + "\n"


@pytest.mark.parametrize("ex_id", list(ROUND2))
def test_round2_malformed_keys_are_named(tmp_path: Path, ex_id: str) -> None:
    extra, key, words = ROUND2[ex_id]
    f = tmp_path / "c.toml"
    f.write_text(_entry(ex_id, extra), encoding="utf-8")
    problems = validate([f])
    hits = [p for p in problems if p.key == key and p.exercise == ex_id]
    assert hits and words in " ".join(p.reason for p in hits), [str(p) for p in problems]
    assert main(["--catalog", str(f), "--list"]) == 2


def test_round2_three_cycle_and_the_issue_s_tanh_example(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        "[[exercise]]\nid = 'cyc'\nsolution = 'a'\nvocabulary = ['a', 'b', 'c']\n"
        "definitions = ['a = b + 1', 'b = 2c', 'c = a']\nstatement.en = 's'\n"
        "[[exercise]]\nid = 'tanh-derivative'\nsolution = '1 - \\tanh^2(z)'\nvariable = 'z'\n"
        "vocabulary = ['z']\nstatement.en = 'Differentiate tanh(z).'\n",
        encoding="utf-8",
    )
    problems = {(p.exercise, p.key): p.reason for p in validate([f])}
    assert "a → b → c → a" in problems[("cyc", "definitions")]
    assert not [key for key in problems if key[0] == "tanh-derivative"]  # the parser reads tanh


def test_the_issue_s_example_validates_and_grades(tmp_path: Path) -> None:
    f = tmp_path / "issue.toml"
    f.write_text(
        "[[exercise]]\nid = \"tanh-derivative\"\nsolution = '1 - \\tanh^2(z)'\n"
        'variable = "z"\nvocabulary = ["z"]\nstatement.en = "Differentiate tanh(z)."\n'
        'statement.cs = "Zderivujte tanh(z)."\n[[exercise.mistake]]\n'
        'answer = \'1 + \\tanh^2(z)\'\nen = "Check the sign."\ncs = "Zkontrolujte znaménko."\n',
        encoding="utf-8",
    )
    assert validate([f]) == []
    assert main(["--catalog", str(f), "tanh-derivative", r"1 + \tanh^2(z)"]) == 1


def test_round2_shadowed_mistake_and_hostile_id(tmp_path: Path) -> None:
    f = tmp_path / "c.toml"
    f.write_text(
        "[[exercise]]\nid = 'dbl'\nsolution = '2x'\nvocabulary = ['x']\nstatement.en = 's'\n"
        "[[exercise.mistake]]\nanswer = '3x'\nen = 'three'\n"
        "[[exercise.mistake]]\nanswer = 'x + 2x'\nen = 'also three'\n"
        "[[exercise]]\nid = '<b>x</b>'\nsolution = 'x'\nvocabulary = ['x']\nstatement.en = 's'\n",
        encoding="utf-8",
    )
    problems = {(p.exercise, p.key): p.reason for p in validate([f])}
    assert "never shown" in problems[("dbl", "mistake[2]")]
    assert ("<b>x</b>", "id") in problems


def test_round2_toml_in_cp1250_and_empty_file(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.toml"
    legacy.write_bytes(
        "[[exercise]]\nid = 'x'\nsolution = 'x'\nvocabulary = ['x']\nstatement.en = 'čí'\n".encode(
            "cp1250"
        )
    )
    empty = tmp_path / "empty.toml"
    empty.write_text("", encoding="utf-8")
    problems = validate([legacy, empty])
    assert any(p.file == str(legacy) and "UTF-8" in p.reason for p in problems)
    assert any(p.file == str(empty) and p.key == "exercise" for p in problems)


def test_the_documented_example_validates(tmp_path: Path) -> None:
    doc = (Path(__file__).parent.parent / "docs" / "catalog.md").read_text(encoding="utf-8")
    example = doc.split("```toml\n", 1)[1].split("```", 1)[0]
    f = tmp_path / "week5.toml"
    f.write_text(example, encoding="utf-8")
    assert validate([f]) == []
    cat = load_catalogs([f])
    assert len([e for e in cat if cat.source(e) == str(f)]) == 4


def test_a_server_reloads_an_edited_catalog(tmp_path: Path) -> None:
    from derive.homework.catalog import use_catalogs
    from derive.homework.check import grade

    f = tmp_path / "c.toml"
    entry = "[[exercise]]\nid = 'k'\nsolution = '{}'\nvocabulary = ['x']\nstatement.en = 's'\n"
    f.write_text(entry.format("2x"), encoding="utf-8")
    try:
        use_catalogs([f])
        assert grade("k", "x+x").verdict == "correct"
        f.write_text(entry.format("3x") + "\n", encoding="utf-8")  # edited: size and time differ
        use_catalogs([f])
        assert grade("k", "x+x").verdict == "incorrect"
    finally:
        use_catalogs([])
    assert grade("k", "x+x").verdict == "invalid"  # the built-in catalog again


def test_validation_of_a_slow_exercise_is_a_problem_not_a_hang(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import derive.homework.catalog as catalog_module

    monkeypatch.setattr(catalog_module, "VALIDATE_SECONDS", 1e-6)
    problems = validate([COURSE])
    assert problems and all("longer than" in p.reason for p in problems)
