"""The interface strings: complete in both languages, and really used under --lang zh."""

import re
import string

import pytest
from typer.testing import CliRunner

from cli import app
from grader.ui.strings import STRINGS, argv_lang, resolve_lang, t

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
runner = CliRunner()


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(STRINGS))
def test_every_string_has_both_languages_with_the_same_placeholders(key):
    entry = STRINGS[key]
    assert set(entry) == {"en", "zh"}
    assert entry["en"].strip() and entry["zh"].strip()
    assert CJK.search(entry["zh"]), f"{key}: zh has no Chinese: {entry['zh']!r}"
    assert _fields(entry["en"]) == _fields(entry["zh"]), key


def test_language_resolution(monkeypatch):
    monkeypatch.delenv("LLAMAPREP_LANG", raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    assert resolve_lang() == "zh"  # a Chinese locale
    monkeypatch.setenv("LLAMAPREP_LANG", "en")
    assert resolve_lang() == "en"  # the variable beats the locale
    assert resolve_lang("zh") == "zh"  # the option beats both
    assert argv_lang(["list", "--lang", "zh"]) == "zh" and argv_lang(["--lang=en"]) == "en"
    assert argv_lang(["list"]) is None
    assert t("quiz.score", "zh", correct=1, asked=2) == "得分：1 / 2"


def _english_phrases() -> set[str]:
    """Literal runs of every English string long enough to be unmistakable in output."""
    phrases = set()
    for entry in STRINGS.values():
        for literal, *_ in string.Formatter().parse(entry["en"]):
            for piece in re.split(r"[`:.()—;]", literal):
                piece = piece.strip()
                names_only = set(re.findall(r"[A-Za-z]+", piece)) <= {"rope", "rmsnorm", "gqa", "llama"}
                if len(piece) >= 8 and " " in piece and piece not in entry["zh"] and not names_only:
                    phrases.add(piece)
    return phrases


HEADINGS = ["The question bank", "difficulty", "points", "Your progress", "Mastery by topic", "Practise next",
            "Score:", "Total:", "Your file", "Hint 1 of", "Sources", "Signature", "status", "details", "Last activity",
            "Right.", "Wrong:", "counted as wrong", "Reference solution", "tries", "Points lost"]


def test_no_english_interface_text_is_left_under_lang_zh(tmp_path):
    reference = (tmp_path / "ref.py")
    from conftest import REPO

    reference.write_text((REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py").read_text())
    ws = ["--workspace", str(tmp_path / "w")]
    outputs = []
    for args, stdin in [
        (["list"], None),
        (["practice", "rmsnorm-forward", *ws], None),
        (["hint", "rmsnorm-forward"], None),
        (["grade", "rmsnorm-forward", *ws], None),
        (["quiz", "rope", "--count", "2"], "A\nzz\n"),
        (["grade", "rmsnorm-forward", "--file", str(reference)], None),
        (["solution", "rmsnorm-forward"], None),
        (["progress"], None),
        (["progress", "--reset"], "n\n"),
        (["list", "nope"], None),
    ]:
        r = runner.invoke(app, [*args, "--lang", "zh"], input=stdin)
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
        outputs.append(r.output)
    text = "\n".join(outputs)
    assert "编号" in text and "得分" in text and "学习进度" in text and "参考答案" in text
    english = [h for h in HEADINGS if h in text] + [p for p in _english_phrases() if p in text]
    assert not english, f"English left in the Chinese interface: {english}"


def test_help_is_translated():
    import subprocess
    import sys

    from conftest import REPO

    r = subprocess.run([sys.executable, str(REPO / "cli.py"), "quiz", "--help", "--lang", "zh"], capture_output=True, text=True)
    assert "概念选择题" in r.stdout and "随机打乱题目顺序" in r.stdout
    assert "Multiple-choice" not in r.stdout
