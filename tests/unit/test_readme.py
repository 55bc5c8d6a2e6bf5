"""The README says what ships: the bank's code questions, `list`'s columns, where progress lives."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def test_the_bank_table_lists_every_code_question(bank):
    table = README[README.index("| topic | code questions |"):]
    table = table[: table.index("\n\n")]
    listed = {t: re.findall(r"`([a-z0-9-]+)`", row) for t, row in re.findall(r"^\| (\w+) \| (.*) \|$", table, re.M)}
    for topic in bank.topic_names():
        code = [q.id for q in bank.by_topic(topic, kind="code")]
        if code:
            assert sorted(listed.get(topic, [])) == sorted(code), topic


def test_list_columns_are_the_ones_the_readme_names(bank):
    from rich.console import Console

    from grader.ui.render import question_table

    def columns(width: int) -> list[str]:
        console = Console(width=width, record=True, color_system=None)
        console.print(question_table(bank, bank.by_topic(), {}, "en", width=width))
        return next(line for line in console.export_text().splitlines() if line.split()[:1] == ["id"]).split()

    assert "the bank: id, kind, difficulty, points, your best score" in README
    assert "(plus the topic from 100 columns, the title from 120)" in README
    assert columns(80) == ["id", "kind", "difficulty", "points", "best"]
    assert columns(100) == ["id", "topic", "kind", "difficulty", "points", "best"]
    assert columns(120) == ["id", "topic", "kind", "difficulty", "points", "best", "title"]


def test_the_data_directory_is_where_the_readme_says(monkeypatch, tmp_path):
    from grader.learner.progress import data_dir

    monkeypatch.delenv("LLAMAPREP_HOME", raising=False)
    monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert "`~/.local/share/llamaprep` on Linux" in README
    assert data_dir() == tmp_path / ".local" / "share" / "llamaprep"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="data_dir follows platformdirs itself elsewhere")
@pytest.mark.parametrize("xdg", [None, "", "  ", "/srv/data", "relative/dir"])
def test_the_data_directory_is_the_one_platformdirs_names(monkeypatch, tmp_path, xdg):
    """On Linux data_dir spells out platformdirs' rule (importing it costs ~5 ms a command)."""
    from platformdirs import user_data_dir

    from grader.learner.progress import data_dir

    monkeypatch.delenv("LLAMAPREP_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    if xdg is None:
        monkeypatch.delenv("XDG_DATA_HOME", raising=False)
    else:
        monkeypatch.setenv("XDG_DATA_HOME", xdg)
    assert data_dir() == Path(user_data_dir("llamaprep", appauthor=False))
