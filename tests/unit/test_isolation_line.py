"""The isolation line above a grade table: one short line when full, the gaps when not."""

import io

import pytest
from rich.console import Console

from grader.ui.doctor_view import isolation_line

FULL = {"level": "full", "layers": ["landlock 7", "seccomp", "no-privileges", "namespaces net+ipc", "pids", "memory"], "missing": {}}
PARTIAL = {"level": "partial", "layers": ["seccomp", "no-privileges"], "missing": {"landlock": "the kernel has no Landlock"}}


def shown(isolation, lang="en", verbose=False) -> str:
    console = Console(file=io.StringIO(), width=80)
    isolation_line(console, isolation, lang, verbose)
    return console.file.getvalue()


@pytest.mark.parametrize("lang, words", [("en", "isolation: full"), ("zh", "隔离：完整")])
def test_full_confinement_is_one_line_that_fits(lang, words):
    text = shown(FULL, lang)
    assert words in text and len(text.strip().splitlines()) == 1 and "landlock 7" not in text


def test_verbose_and_anything_less_than_full_name_the_layers():
    assert "landlock 7" in shown(FULL, verbose=True)
    partial = shown(PARTIAL)
    assert "landlock" in partial and "partial" in partial
    assert "隔离：" in shown(PARTIAL, "zh")
