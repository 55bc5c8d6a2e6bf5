"""grader.ui.term against rich: the screens that do not grade moved off rich for startup time
(issue 9), and must look as they did.  Each layout is built twice from one recipe, once
with rich's classes and once with term's, and printed at several widths; the text must be
the same.  rich wraps with grader.ui.cjk's rules here, as the old screens did."""

from __future__ import annotations

import io
import re
import types

import pytest
from rich import box as rich_box
from rich.console import Console as RichConsole
from rich.console import Group as RichGroup
from rich.padding import Padding as RichPadding
from rich.panel import Panel as RichPanel
from rich.table import Table as RichTable
from rich.text import Text as RichText

from grader.ui import cjk, term
from grader.ui.term import Console, Text
from grader.ui.term.cells import cell_len

RICH = types.SimpleNamespace(Table=RichTable, Panel=RichPanel, Padding=RichPadding, Group=RichGroup, Text=RichText, box=rich_box)
TERM = types.SimpleNamespace(Table=term.Table, Panel=term.Panel, Padding=term.Padding, Group=term.Group, Text=term.Text, box=term.box)

LONG_EN = "RoPE rotates each pair of query and key dimensions by an angle proportional to the position; values are never rotated."
LONG_ZH = "RoPE 是旋转位置编码（Rotary Position Embedding，Su 等，RoFormer，2021），而不是“Reparameterization through Orthogonal Projections”。"


def listing(lib, width):
    t = lib.Table(title="The question bank", box=lib.box.SIMPLE_HEAVY, pad_edge=width >= 60)
    t.add_column("id", style="cyan", no_wrap=width >= 60, overflow="fold")
    t.add_column("kind", no_wrap=True, min_width=4)
    t.add_column("points", justify="right", no_wrap=True)
    t.add_column("best", justify="right", no_wrap=True, min_width=5)
    for i, qid in enumerate(["rope-frequencies", "rope-quiz-context-extension-methods", "rmsnorm-forward"]):
        if i == 2:
            t.add_section()
        t.add_row(qid, "code", "10", lib.Text("7/10", style="yellow"))
    return t


def claims(lib, width):
    t = lib.Table(title="S1 · rope", title_justify="left", box=lib.box.ROUNDED, expand=True, show_lines=True)
    t.add_column("The source article says", style="red", ratio=1, overflow="fold")
    t.add_column("What is true", style="green", ratio=1, overflow="fold")
    t.add_row(lib.Text("「" + LONG_ZH[:40] + "」"), lib.Text(LONG_EN))
    t.add_row("short", LONG_ZH)
    return t


def progress(lib, width):
    t = lib.Table(box=lib.box.SIMPLE_HEAD, pad_edge=False)
    t.add_column("id", style="cyan", no_wrap=True, overflow="ellipsis")
    t.add_column("best", justify="right", no_wrap=True, min_width=5)
    t.add_column("tries", justify="right", no_wrap=True, min_width=5)
    t.add_row("rope-quiz-yarn-temperature", "1/1", "3")
    t.add_row("gqa-kv-cache-bytes", "-", "0")
    return t


def bullets(lib, width):
    grid = lib.Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(" •", LONG_EN)
    grid.add_row(" •", LONG_ZH)
    return lib.Group(lib.Text("Heading", style="bold"), grid)


def panel(lib, width):
    body = lib.Group(lib.Text(LONG_EN), lib.Text(), bullets(lib, width))
    return lib.Panel(body, title="Question 2/3 · Why NTK-aware scaling uses the exponent d/(d-2)", title_align="left", border_style="blue")


def centred_panel(lib, width):
    return lib.Panel(LONG_ZH, title="rope", border_style="yellow")


def indented(lib, width):
    return lib.Padding(lib.Group(lib.Text(LONG_EN), lib.Text(LONG_ZH)), (0, 0, 0, 2), expand=False)


RECIPES = [listing, claims, progress, bullets, panel, centred_panel, indented]


def rich_text(renderable, width: int) -> list[str]:
    cjk.install()
    console = RichConsole(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def term_text(renderable, width: int) -> list[str]:
    stream = io.StringIO()
    Console(file=stream, width=width, force_terminal=False).print(renderable)
    return [line.rstrip() for line in stream.getvalue().splitlines()]


@pytest.mark.parametrize("width", [30, 40, 60, 80, 120])
@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.__name__)
def test_term_lays_out_as_rich_did(recipe, width):
    if (recipe.__name__, width) in RICH_LOSES:
        pytest.skip(RICH_LOSES[recipe.__name__, width])
    assert term_text(recipe(TERM, width), width) == rich_text(recipe(RICH, width), width)


# Where rich's layout lost something, term's is meant to differ (tests below).
RICH_LOSES = {
    ("panel", 30): "rich cuts a wrapped CJK line with … and loses its end",
    ("listing", 60): "rich crops a no_wrap id to fit and drops a letter",
    ("progress", 30): "rich pushes the last column off the table",
    ("progress", 40): "rich pushes the last column off the table",
}


@pytest.mark.parametrize("width", [30, 40, 60])
def test_every_column_and_every_letter_of_an_id_stays(width):
    """`list` between 60 and 75 columns lost its points and best columns under rich, and
    narrow `progress` its tries; term shows every column and folds a long id instead."""
    for recipe, headings, ids in ((listing, ["id", "kind", "best"], ["rope-quiz-context-extension-methods"]),
                                  (progress, ["id", "best", "tri"], [])):
        lines = term_text(recipe(TERM, width), width)
        heading = next(line for line in lines if line.split()[:1] == ["id"])
        assert all(h in heading for h in headings), (width, heading)
        flat = "".join(line.strip().split(" ")[0] for line in lines)
        assert all(i in flat for i in ids), (width, lines)


def test_wrapped_chinese_loses_no_text():
    """rich cut the end of such a line to "softma…" inside a grid cell; term wraps it whole."""
    text = "和 sin 乘以它），因此 softmax 之前的 logits 乘以 1/t ≈ 1.631，使 softmax 更尖锐。"
    grid = term.Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row(" A.", text)
    for width in (30, 40, 60, 80):
        lines = term_text(grid, width)
        assert "".join(line[4:] for line in lines).replace(" ", "") == text.replace(" ", "")
        assert all(cell_len(line) <= width for line in lines)


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.__name__)
def test_nothing_is_wider_than_the_console(recipe):
    for width in (20, 33, 47, 80):
        assert all(cell_len(line) <= width for line in term_text(recipe(TERM, width), width))


def test_term_renderables_print_on_a_rich_console_too():
    """The grading screens (rich) embed term pieces: a prompt, a quiz question's panel."""
    for recipe in RECIPES:
        assert rich_text(recipe(TERM, 60), 60) == term_text(recipe(TERM, 60), 60)


def test_styles_become_sgr_codes_only_in_a_terminal(monkeypatch):
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)
    text = Text.assemble(("ok", "bold green"), " and ", ("dim", "dim"))

    def out(**options) -> str:
        stream = io.StringIO()
        Console(file=stream, width=40, **options).print(text)
        return stream.getvalue()

    assert out() == "ok and dim\n"  # a StringIO is no terminal
    assert out(force_terminal=True) == "\x1b[1;32mok\x1b[0m and \x1b[2mdim\x1b[0m\n"
    monkeypatch.setenv("NO_COLOR", "1")
    assert out(force_terminal=True) == "\x1b[1mok\x1b[0m and \x1b[2mdim\x1b[0m\n"  # attributes stay, colours go
    monkeypatch.setenv("TERM", "dumb")
    assert out(force_terminal=True) == "ok and dim\n"
    monkeypatch.delenv("TERM")
    monkeypatch.delenv("NO_COLOR")
    monkeypatch.setenv("FORCE_COLOR", "1")
    assert re.search(r"\x1b\[1;32m", out())


def test_width_comes_from_columns_then_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "57")
    assert Console(file=io.StringIO()).width == 57
    monkeypatch.delenv("COLUMNS")
    assert Console(file=io.StringIO()).width == 80  # not a terminal
    assert Console(width=33).width == 33


def test_text_keeps_its_spans_through_append_and_stylize():
    text = Text("a", "bold")
    text.append(" b", style="red")
    text.append_text(Text.assemble(("c", "cyan")))
    text.stylize("dim", 0, 1)
    assert text.plain == "a bc"
    assert [(s.start, s.end, s.style) for s in text.spans] == [(1, 3, "red"), (3, 4, "cyan"), (0, 1, "dim")]
    assert text.styled(0, 4) == [("a", "bold dim"), (" b", "bold red"), ("c", "bold cyan")]


def test_control_characters_never_reach_the_terminal():
    """An escape in a file name or a carriage return in a bank's text would restyle the
    terminal or overwrite the line; only the renderer's own styles are written."""
    stream = io.StringIO()
    Console(file=stream, width=60, force_terminal=True).print(Text.assemble(("wrote \x1b[2Jx\r.py\x07", "bold"), "\tok"))
    assert stream.getvalue() == "\x1b[1mwrote [2Jx.py\x1b[0m\tok\n"


def cell_styles(ansi: str) -> list[list[tuple[str, frozenset]]]:
    """Each visible character of ``ansi`` with the SGR codes in force on it (spaces left out:
    their style does not show)."""
    out, codes = [], set()
    for line in ansi.split("\n"):
        row = []
        for piece in re.split(r"(\x1b\[[0-9;]*m)", line):
            if piece.startswith("\x1b["):
                for code in piece[2:-1].split(";"):
                    codes = set() if code in ("", "0") else codes | {code}
            else:
                row.extend((char, frozenset(codes)) for char in piece if char != " ")
        out.append(row)
    return out


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: r.__name__)
def test_term_styles_every_character_as_rich_did(recipe, monkeypatch):
    """Same colours as the old screens: a panel's title wears its border's style, as in rich."""
    for var in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(var, raising=False)
    cjk.install()
    for width in (60, 80, 120):
        if (recipe.__name__, width) in RICH_LOSES:
            continue
        ours = io.StringIO()
        Console(file=ours, width=width, force_terminal=True).print(recipe(TERM, width))
        theirs = io.StringIO()
        RichConsole(width=width, file=theirs, force_terminal=True, color_system="standard").print(recipe(RICH, width))
        assert cell_styles(ours.getvalue()) == cell_styles(theirs.getvalue()), (recipe.__name__, width)


def test_a_heading_cut_to_its_ellipsis_keeps_its_style():
    """`progress --lang zh` at 60 columns cut the 提示 heading to a bare "…", no longer bold."""
    assert Text("提示", "bold").lines(1, no_wrap=True, overflow="ellipsis") == [[("…", "bold")]]
    spans = Text.assemble(("提", "cyan"), "示")
    assert spans.lines(1, no_wrap=True, overflow="ellipsis") == [[("…", "cyan")]]


@pytest.mark.parametrize("width", range(60, 76))
def test_a_folding_id_gives_way_before_a_score_is_cut(width):
    """`list` between 60 and 75 columns (now that it keeps every column) cut a best score of
    10/10 to "10/…": the id, which folds onto a second line and loses nothing, gives way first."""
    t = term.Table(box=term.box.SIMPLE_HEAVY, pad_edge=True)
    t.add_column("id", style="cyan", no_wrap=True, overflow="fold")
    for heading in ("kind", "difficulty", "points", "best"):
        t.add_column(heading, justify="right" if heading in ("points", "best") else "left", no_wrap=True, min_width=len(heading))
    t.add_row("rope-frequencies", "code", "easy", "10", Text("10/10", style="green"))
    t.add_row("rope-quiz-context-extension-methods", "quiz", "medium", "1", Text("1/1", style="green"))
    lines = term_text(t, width)
    assert lines[3].split()[-1] == "10/10", lines  # under the blank top, the heading and its rule
    assert "".join(line.split()[0] for line in lines[4:-1]) == "rope-quiz-context-extension-methods", lines
    assert all(cell_len(line) <= width for line in lines)


def narrow_list(headings: tuple[str, str, str], widths: tuple[int, int, int], row: tuple[str, str, str], width: int) -> list[str]:
    """`list` below 60 columns: id, points and best at exact widths, as the view gives them."""
    t = term.Table(box=term.box.SIMPLE_HEAVY, pad_edge=False)
    t.add_column(headings[0], style="cyan", overflow="fold", width=widths[0])
    for heading, exact in zip(headings[1:], widths[1:]):
        t.add_column(heading, justify="right", no_wrap=True, min_width=cell_len(heading), width=exact)
    t.add_row(row[0], row[1], Text(row[2], style="green"))
    lines = term_text(t, width)
    assert all(cell_len(line) <= width for line in lines)
    return lines


def test_exact_widths_too_wide_take_from_the_column_that_folds():
    """Below 60 columns `list` gives exact widths that came to one cell more than the console;
    the last column (the best score, 10/10) was cut to "10/…" — the folding id gives way."""
    qid = "rope-quiz-context-extension-methods-and-more"
    lines = narrow_list(("id", "points", "best"), (41, 6, 5), (qid, "10", "10/10"), 59)
    assert lines[3].split()[-1] == "10/10", lines  # under the blank top, the heading and its rule
    assert "".join(line.split()[0] for line in lines[3:-1]) == qid, lines


def test_an_exact_width_gives_back_its_spare_cells_before_anything_is_cut_or_folded():
    """`list --lang zh` at 40 columns: the best column's exact width (its heading and one
    more) has a spare cell, which goes before the id is folded."""
    lines = narrow_list(("编号", "分值", "最好成绩"), (20, 4, 9), ("rope-quiz-parameters", "1", "1/1"), 40)
    assert lines[3].split() == ["rope-quiz-parameters", "1", "1/1"], lines
