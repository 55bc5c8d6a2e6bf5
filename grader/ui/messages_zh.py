"""Chinese renderings of the grading core's case messages, for the terminal only.

The core writes its messages in English (they are part of the JSON contract); the table
shows them in Chinese under --lang zh by matching their fixed shapes here.  A message of
a shape not listed stays English rather than being mistranslated.
"""

from __future__ import annotations

import re

_TENSOR = re.compile(r"\ba (\w+) tensor of shape (\([^)]*\))")

# (pattern, Chinese template), tried in order; each applied at most once per message, but
# for the tensor description, which may stand twice (expected and got).
_RULES: list[tuple[re.Pattern, str]] = [
    (re.compile(r" at output (\d+)((?:\[\d+\])*)"), r"（输出 \1\2）"),
    (re.compile(r" at (?!index\b|line\b)([A-Za-z_][\w.]*(?:\[\d+\])*)(?=[ :,(]|$)"), r"（\1）"),
    (
        re.compile(r"Greatest absolute difference (\S+) at index (\([^)]*\))(.*?) \((\d+) of (\d+) values outside rtol=([^,]+), atol=([^)]+)\)"),
        r"最大绝对误差 \1，位于索引 \2\3（\4/\5 个值超出容差 rtol=\6, atol=\7）",
    ),
    (re.compile(r"^shape mismatch(.*?): got (.+), expected (.+)$"), r"形状不符\1：得到 \2，期望 \3"),
    (re.compile(r"^dtype mismatch(.*?): got (\S+), expected (\S+)$"), r"dtype 不符\1：得到 \2，期望 \3"),
    (re.compile(r"^(\d+) of (\d+) values differ(.*?), first at index (.+)$"), r"\2 个值中有 \1 个不同\3，第一个位于索引 \4"),
    (re.compile(r"^NaN(.*?) at index (.+) where (.+) was expected$"), r"NaN\1：位于索引 \2，期望值为 \3"),
    (re.compile(r"^not implemented yet \(the stub still raises NotImplementedError\)$"), "尚未实现（桩代码仍在抛出 NotImplementedError）"),
    (re.compile(r"^your code did not finish within the time limit \((\S+) s\)$"), r"你的代码没有在时间限制（\1 秒）内完成"),
    (re.compile(r"^your code did not finish within the question's time limit \((\S+) s\)$"), r"你的代码没有在本题的总时间限制（\1 秒）内完成"),
    (re.compile(r"^loading your file did not finish within the time limit \((\S+) s\)$"), r"加载你的文件没有在时间限制（\1 秒）内完成"),
    (re.compile(r"^loading your file did not finish within the question's time limit \((\S+) s\)$"), r"加载你的文件没有在本题的总时间限制（\1 秒）内完成"),
    (re.compile(r"^skipped: the question's time limit \((\S+) s\) was used up$"), r"已跳过：本题的总时间限制（\1 秒）已用完"),
    (re.compile(r"^memory limit exceeded \((\S+) MiB\)$"), r"超出内存限制（\1 MiB）"),
    (re.compile(r"^the process died: (.+)$"), r"进程异常终止：\1"),
    (re.compile(r"^the process exited with code (-?\d+)$"), r"进程以退出码 \1 结束"),
    (re.compile(r"^your code called sys\.exit\((.*)\)(.*)$"), r"你的代码调用了 sys.exit(\1)\2"),
    (re.compile(r"^uses (\S+) \(line (\d+)\), which this question bans$"), r"使用了本题禁用的 \1（第 \2 行）"),
    (re.compile(r"^used (\S+), which this question bans$"), r"调用了本题禁用的 \1"),
    (re.compile(r"^SyntaxError at line (\d+): (.+)$"), r"第 \1 行有语法错误（SyntaxError）：\2"),
    (re.compile(r"^your file does not define (\S+)$"), r"你的文件没有定义 \1"),
    (re.compile(r"^not allowed while grading: (.+)$"), r"评分时不允许：\1"),
    (_TENSOR, r"形状为 \2 的 \1 张量"),
    (re.compile(r"^expected (.+?), got (.+)$"), r"期望：\1；实际得到：\2"),
    (re.compile(r" \(line (\d+): (.*)\)$"), r"（第 \1 行：\2）"),
]


def message_zh(message: str) -> str:
    for pattern, template in _RULES:
        message = pattern.sub(template, message, count=0 if pattern is _TENSOR else 1)
    return message


def localize(message: str, lang: str) -> str:
    return message_zh(message) if lang == "zh" else message
