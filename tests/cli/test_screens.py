"""What a learner sees: commands run in a pseudo-terminal of 80x24 and 40x24, in English and
Chinese, and the last screen (as a terminal emulator, pyte, shows it) is checked for what
must be visible.  Text must never be wider than the terminal, and Chinese lines never start
with closing punctuation nor end with an opening bracket."""

from __future__ import annotations

import os
import pty
import select
import struct
import subprocess
import sys
import time
from pathlib import Path

import pytest

pyte = pytest.importorskip("pyte")

from grader.ui.cjk import NO_END, NO_START  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
ROTATE_HALF = '''import torch


def apply_rope_interleaved(x, positions, base=10000.0):
    d = x.shape[-1]
    inv = base ** (-torch.arange(0, d, 2).float() / d)
    ang = torch.outer(positions.float(), inv)
    cos = torch.cat([ang.cos(), ang.cos()], -1)[None, :, None, :]
    sin = torch.cat([ang.sin(), ang.sin()], -1)[None, :, None, :]
    xf = x.float()
    x1, x2 = xf[..., : d // 2], xf[..., d // 2 :]
    return (xf * cos + torch.cat([-x2, x1], -1) * sin).type_as(x)
'''
DEADLINE = 240  # seconds: only so that a hung command fails the test instead of hanging it


def llamaprep() -> list[str]:
    script = Path(sys.executable).parent / "llamaprep"
    return [str(script)] if script.exists() else [sys.executable, str(REPO / "cli.py")]


class Terminal:
    """A command in a pseudo-terminal of ``cols`` x ``rows``, seen through pyte."""

    def __init__(self, args: list[str], cols: int, rows: int = 24, env: dict | None = None):
        import fcntl
        import termios

        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.raw = b""
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the terminal's size, then the command
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(llamaprep()[0], [*llamaprep(), *args], env)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.started = time.monotonic()

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the command ended
            return False
        if not data:
            return False
        self.raw += data
        self.stream.feed(data)
        return True

    def expect(self, text: str) -> None:
        """Read until ``text`` is on the screen."""
        while text not in "\n".join(self.screen.display):
            assert time.monotonic() - self.started < DEADLINE, f"never shown: {text!r}\n" + "\n".join(self.screen.display)
            if not self._read(0.2):
                raise AssertionError(f"ended without showing {text!r}:\n" + "\n".join(self.screen.display))

    def send(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def finish(self) -> list[str]:
        """The last screen, once the command has ended."""
        while self._read(0.5):
            assert time.monotonic() - self.started < DEADLINE, "\n".join(self.screen.display)
        os.waitpid(self.pid, 0)
        return [line.rstrip() for line in self.screen.display]


@pytest.fixture
def env(tmp_path):
    e = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "LLAMAPREP_LANG")}
    e.update(LLAMAPREP_HOME=str(tmp_path / "home"), LLAMAPREP_WORKSPACE=str(tmp_path / "work"), TERM="xterm-256color", LANG="C.UTF-8")
    return e


def shown(needle: str, screen: list[str]) -> bool:
    """Whether ``needle`` is on the screen, wherever the terminal wrapped it."""
    return "".join(needle.split()) in "".join("".join(screen).split())


def check_layout(term_lines: list[str], cols: int, lang: str) -> None:
    from rich.cells import cell_len

    for line in term_lines:
        assert cell_len(line) <= cols, line
        if lang == "zh" and line.strip():
            body = line.strip(" │╭╮╰╯─┃━")
            assert body[:1] not in NO_START, f"starts with closing punctuation: {line!r}"
            assert body[-1:] not in NO_END, f"ends with an opening bracket: {line!r}"


def raw_lines(term: Terminal) -> list[str]:
    """What the command wrote, line by line, without colour codes (pyte would hide an overflow by wrapping)."""
    import re

    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", term.raw.decode("utf-8", "replace"))
    return [line.rstrip("\r") for line in text.split("\n")]


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("cols", [80, 40])
def test_practice_ends_with_the_task_signature_and_file(env, cols, lang):
    term = Terminal(["practice", "rope", "--lang", lang], cols, env=env)
    screen = term.finish()
    text = "\n".join(screen)
    assert ("Signature:" if lang == "en" else "函数签名：") in text
    assert shown("rope_frequencies.py", screen) and shown("llamaprep grade rope-frequencies", screen)
    if cols == 80:  # the task itself is still on the screen
        assert shown("Implement rope_frequencies(head_dim" if lang == "en" else "实现 rope_frequencies(head_dim", screen)
    assert "The source article says" not in text and "原文的说法" not in text  # the claims table: on request
    check_layout(raw_lines(term), cols, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
@pytest.mark.parametrize("cols", [80, 40])
def test_grade_of_a_wrong_answer_ends_with_its_summary(env, tmp_path, cols, lang):
    wrong = tmp_path / "rope_apply_interleaved.py"
    wrong.write_text(ROTATE_HALF)
    term = Terminal(["grade", "rope-apply-interleaved", "--file", str(wrong), "--lang", lang], cols, env=env)
    screen = term.finish()
    if lang == "en":
        assert shown("cases passed", screen) and shown("of 10 points", screen)
        assert shown("Known mistake 'rotate-half-layout'", screen) and shown("You rotated the pairs", screen)
        assert shown("Greatest absolute difference", screen)  # the first failing case's reason
    else:
        assert shown("通过", screen) and shown("/ 10 分", screen)
        assert shown("常见错误 'rotate-half-layout'", screen) and shown("最大绝对误差", screen)
    assert not shown("0/0.71", screen) and not shown("1.11", screen)
    names = [line for line in screen if line.startswith(("✗ ", "✓ "))]
    assert names, screen  # the table's last rows are on the screen too
    for line in names:  # a case name is never broken into pieces
        assert len(line) > 6 and not line.rstrip().endswith("-"), line
    check_layout(raw_lines(term), cols, lang)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_help_fits_and_is_translated(env, lang):
    for cols in (80, 40):
        term = Terminal(["--lang", lang], cols, env=env)  # `--lang zh` alone: help, as `llamaprep` alone
        term.finish()
        text = "\n".join(raw_lines(term))  # longer than a screen: all of what was written
        assert ("Commands:" if lang == "en" else "命令：") in text and "validate" in text and "validate     ..." not in text
        if lang == "zh":
            assert "Usage:" not in text and "Show this message" not in text and "用法：" in text
        check_layout(raw_lines(term), cols, lang)
    term = Terminal(["grade", "--fromat", "json", "--lang", lang], 80, env=env)
    text = "\n".join(term.finish())
    assert ("No such option" if lang == "en" else "没有选项 --fromat") in text
    if lang == "zh":
        assert "Error:" not in text and "错误：" in text and "用法：" in text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_quiz_waits_after_the_explanation_and_lists_what_was_missed(env, lang):
    term = Terminal(["quiz", "rope", "--count", "2", "--seed", "1", "--lang", lang], 80, env=env)
    prompt = "Your answer" if lang == "en" else "你的答案"
    term.expect(prompt)
    term.send("zz\r")  # not a choice: asked again
    term.expect("Please answer" if lang == "en" else "请输入")
    from grader.bank.loader import load_bank
    from grader.learner.quiz import choice_order, select_questions, shown_letter

    first = select_questions(bank=load_bank(), topic="rope", shuffle=True, seed=1)[0]
    right = shown_letter(first, first.answer, choice_order(first, 1))
    wrong = next(letter for letter in "ABCD" if letter != right)
    term.send(wrong + "\r")
    verdict = f"Wrong: the answer is {right}." if lang == "en" else f"回答错误：正确答案是 {right}。"
    term.expect("next question" if lang == "en" else "进入下一题")
    assert shown(verdict, term.screen.display)  # still on screen while the quiz waits
    assert ("Question 2/2" if lang == "en" else "第 2/2 题") not in "\n".join(term.screen.display)
    term.send("q\r")
    screen = term.finish()
    text = "\n".join(screen)
    assert ("Missed (1)" if lang == "en" else "答错的题（1 道）") in text and shown(first.id, screen)
    assert shown("--retry-missed", screen)


def test_ctrl_d_leaves_the_score_on_a_line_of_its_own(env):
    term = Terminal(["quiz", "gqa"], 80, env=env)
    term.expect("Your answer")
    term.send("\x04")
    screen = term.finish()
    score = [line for line in screen if "Score: 0 / 0" in line]
    assert score and score[0].startswith("Score: 0 / 0"), screen


def test_piped_output_has_no_trailing_spaces(env):
    for args in (["practice", "rope", "--intro"], ["list"], ["corrections", "gqa"], ["--lang", "zh", "practice", "gqa", "--intro"]):
        out = subprocess.run([*llamaprep(), *args], env=env, capture_output=True, text=True, timeout=DEADLINE).stdout
        assert out.strip()
        trailing = [line for line in out.splitlines() if line != line.rstrip()]
        assert not trailing, (args, trailing[:3])


def test_solution_prints_plain_code(env, tmp_path):
    from grader.bank.loader import load_bank
    from grader.learner.solution import reference_of

    out = subprocess.run([*llamaprep(), "solution", "rope-frequencies", "--force"], env=env, capture_output=True, text=True, timeout=DEADLINE).stdout
    source = reference_of(bank=load_bank(), question_id="rope-frequencies").source
    assert max(map(len, source.splitlines())) > 80  # a line longer than the terminal...
    assert source.strip() in out  # ...yet every line exactly as written: no box, no wrapping
    assert "│" not in out


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_narrow_progress_and_list_keep_the_ids(env, lang):
    Terminal(["hint", "rmsnorm-forward", "--lang", lang], 80, env=env).finish()  # something to show
    term = Terminal(["progress", "--lang", lang], 40, env=env)
    screen = term.finish()
    assert any(line.strip().startswith("rmsnorm-forward") for line in screen), screen
    check_layout(raw_lines(term), 40, lang)
    term = Terminal(["list", "rope", "--lang", lang], 40, env=env)
    screen = term.finish()
    assert any(line.strip().startswith("rope-quiz-parameters") for line in screen), screen  # the last rows: ids kept
    check_layout(raw_lines(term), 40, lang)
