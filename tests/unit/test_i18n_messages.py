"""The grading core's English case messages, shown in Chinese under --lang zh."""

from __future__ import annotations

import re

import pytest

from grader.ui.messages_zh import localize, message_zh

CJK = re.compile(r"[\u4e00-\u9fff]")

SAMPLES = [
    ("Greatest absolute difference 1.33 at index (2, 0) at output 0 (16 of 16 values outside rtol=0.001, atol=0.002)",
     "最大绝对误差 1.33，位于索引 (2, 0)（输出 0）（16/16 个值超出容差 rtol=0.001, atol=0.002）"),
    ("shape mismatch: got (1, 1), expected (1, 1, 64)", "形状不符：得到 (1, 1)，期望 (1, 1, 64)"),
    ("dtype mismatch at output 1: got float32, expected bfloat16", "dtype 不符（输出 1）：得到 float32，期望 bfloat16"),
    ("not implemented yet (the stub still raises NotImplementedError)", "尚未实现（桩代码仍在抛出 NotImplementedError）"),
    ("your code did not finish within the time limit (5 s)", "你的代码没有在时间限制（5 秒）内完成"),
    ("skipped: the question's time limit (20 s) was used up", "已跳过：本题的总时间限制（20 秒）已用完"),
    ("memory limit exceeded (1024 MiB)", "超出内存限制（1024 MiB）"),
    ("the process died: segmentation fault (SIGSEGV)", "进程异常终止：segmentation fault (SIGSEGV)"),
    ("the process exited with code 3", "进程以退出码 3 结束"),
    ("uses torch.nn.functional.rms_norm (line 3), which this question bans", "使用了本题禁用的 torch.nn.functional.rms_norm（第 3 行）"),
    ("SyntaxError at line 5: invalid syntax", "第 5 行有语法错误（SyntaxError）：invalid syntax"),
    ("IndexError: index 64 is out of bounds (line 5: last = weight[x.shape[-1]])",
     "IndexError: index 64 is out of bounds（第 5 行：last = weight[x.shape[-1]]）"),
    ("expected a float32 tensor of shape (1, 1, 64), got None", "期望：形状为 (1, 1, 64) 的 float32 张量；实际得到：None"),
]


@pytest.mark.parametrize("english, chinese", SAMPLES)
def test_known_message_shapes_read_in_chinese(english, chinese):
    assert message_zh(english) == chinese
    assert localize(english, "en") == english


def test_an_unknown_message_is_left_alone():
    assert message_zh("something new happened") == "something new happened"


def test_the_grade_table_shows_core_messages_in_chinese(tmp_path):
    from typer.testing import CliRunner

    from cli import app

    ws = tmp_path / "ws"
    runner = CliRunner()
    runner.invoke(app, ["practice", "rmsnorm-forward", "--workspace", str(ws)])
    result = runner.invoke(app, ["grade", "--workspace", str(ws), "--lang", "zh"])
    assert result.exit_code == 1
    assert "尚未实现" in result.output and "not implemented yet" not in result.output
