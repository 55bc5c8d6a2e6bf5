"""grader.ui.cjk: Chinese line breaking (kinsoku, whole Latin words, cell widths)."""

from __future__ import annotations

import pytest
from rich.cells import cell_len
from rich.console import Console
from rich.table import Table

from grader.ui import cjk

ZH = ("RoPE 是旋转位置编码（Rotary Position Embedding，Su 等，RoFormer，2021），而不是“Reparameterization through "
      "Orthogonal Projections”。它并不把序列投影到另一个空间、平移、再用逆矩阵映射回来，而是做旋转：每个注意力头的查询"
      "（query）和键（key）向量被分成 d/2 对；见 Meta 的 repeat_kv。")
LATIN_WORDS = ("Rotary", "Position", "Embedding", "RoFormer", "Reparameterization", "Orthogonal", "Projections", "repeat_kv", "query", "key")


@pytest.mark.parametrize("width", [12, 17, 20, 23, 30, 40, 41, 57, 76])
def test_chinese_lines_fit_and_obey_kinsoku(width):
    lines = cjk.wrap(ZH, width)
    assert "".join(lines).replace(" ", "") == ZH.replace(" ", "")  # nothing lost or added
    for line in lines:
        assert cell_len(line) <= width, (line, width)
        assert line[:1] not in cjk.NO_START, (line, width)
        assert line[-1:] not in cjk.NO_END, (line, width)
    if width >= len("Reparameterization") + 2:
        tokens = " ".join(lines)
        for word in LATIN_WORDS:  # a word that fits on a line is never split
            assert any(word in line for line in lines), (word, width, tokens)


def test_english_wraps_at_spaces_like_rich():
    text = "Interview prep for Llama internals, graded in your terminal against hidden tests."
    for width in (10, 25, 40):
        lines = cjk.wrap(text, width)
        assert all(cell_len(line) <= width for line in lines)
        assert " ".join(lines) == text


def test_a_word_wider_than_the_line_is_folded():
    assert cjk.wrap("abcdefghij", 4) == ["abcd", "efgh", "ij"]


def test_rich_uses_the_rules_once_installed():
    cjk.install()
    console = Console(width=30, record=True, color_system=None)
    table = Table("说明")
    table.add_row(ZH)
    console.print(ZH)
    console.print(table)
    text = console.export_text()
    for line in text.splitlines():
        assert cell_len(line) <= 30
        body = line.strip("│ ┃┏┓┗┛━┡┩└┘─")
        assert body[:1] not in cjk.NO_START, line


def test_a_long_word_under_an_indent_folds_there_instead_of_leaving_a_blank_line():
    url = "https://github.com/meta-llama/llama/blob/8580eb9a896bdb82d376b7040d18a2e7b402b10f/llama/model.py"
    lines = cjk.wrap("  " + url, 40)
    assert lines[0].startswith("  https://") and "".join(line.strip() for line in lines) == url
    assert cjk.wrap("see " + url, 40)[0] == "see"  # after words, it still starts on a line of its own
