"""Reasons (grader/grading/reasons.py) as sentences: one template per code and language.

Template syntax, kept small so that a translator reads it at a glance:
- ``{name}`` a parameter; ``{name:spec}`` with a format spec (``.3g``, ``g``) or one of the
  renderings below, which depend on the language;
- ``[ ... ]`` a part shown only when every parameter in it is present;
  ``[ ... | ... ]`` the part after ``|`` otherwise.

Renderings: ``path`` (``where``: output 0[1], grads.weight), ``shape`` (a tuple: (2, 3)),
``list`` (Python list: ['a', 'b']), ``alternatives`` (a list as: a or b), ``desc`` (a value
description), ``value`` (a repr, or a description when the value is one), ``reason`` (a
nested reason), ``signal`` and ``kind`` (names in ``PARTS``).

The English JSON ``message`` and the Chinese terminal table are both rendered from here;
nothing is ever parsed back.  A test checks that every code has a template in every
language and that each template uses every parameter of its code.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Optional

from grader.grading.reasons import BANK_FAILURES, Reason, nested

LANGS = ("en", "zh")

TEMPLATES: dict[str, dict[str, str]] = {
    "en": {
        "shape-mismatch": "shape mismatch[ at {where:path}]: got {got:shape}, expected {expected:shape}",
        "dtype-mismatch": "dtype mismatch[ at {where:path}]: got {got}, expected {expected:alternatives}",
        "max-abs-diff": "Greatest absolute difference {value:.3g} at index {index:shape}[ at {where:path}] "
        "({count} of {total} values outside rtol={rtol:g}, atol={atol:g})",
        "values-differ": "{count} of {total} values differ[ at {where:path}], first at index {index:shape}",
        "unexpected-nan": "NaN[ at {where:path}] at index {index:shape} where [{expected:.4g}|a number] was expected",
        "wrong-type": "expected {expected:desc}[ at {where:path}], got {got:desc}",
        "not-a-sequence": "expected a {expected_type} of {length} values[ at {where:path}], got {got:desc}",
        "length-mismatch": "expected {expected} values[ at {where:path}], got {got}",
        "not-a-dict": "expected a dict[ at {where:path}], got {got:desc}",
        "keys-mismatch": "expected keys {expected:list}[ at {where:path}], got {got:list}",
        "not-an-integer": "expected [the integer {expected}|an integer][ at {where:path}], got {got:desc}",
        "not-a-number": "expected a number[ at {where:path}], got {got:desc}",
        "value-mismatch": "expected {expected}[ at {where:path}], got {got:value}",
        "wrong-value": "got {got:value}[ at {where:path}], which is not the expected value",
        "wrong-number": "got {got:.6g}[ at {where:path}], which is not the expected value (rtol={rtol:g}, atol={atol:g})",
        "unexpected-value": "unexpected value[ at {where:path}]",
        "property-failed": "{message}",
        "property-not-a-tensor": "{what}: expected a tensor, got {got}",
        "property-shape": "{what}: shape {got:shape} differs from {expected:shape}",
        "property-mismatch": "{what}: greatest difference {value:.3g} at index {index:shape}",
        "property-unchecked": "the property could not be checked on your output ({type}: {message})",
        "not-implemented": "not implemented yet (the stub still raises NotImplementedError)",
        "syntax-error": "SyntaxError at line {line}: {message}",
        "exception": "{type}[: {message}][ (line {line}: {source})]",
        "sys-exit": "your code called sys.exit({code})[ (line {line}: {source})]",
        "output-limit": "your code printed more than the grader keeps (output limit reached)[ (line {line}: {source})]",
        "missing-entry-point": "your file does not define {name}",
        "unreadable-result": "could not read the returned value: {type}",
        "banned-api": "uses {name} (line {line}), which this question bans",
        "banned-call": "used {name}, which this question bans",
        "timeout": "your code did not finish within the time limit ({limit_s:g} s)",
        "question-timeout": "your code did not finish within the question's time limit ({limit_s:g} s)",
        "load-timeout": "loading your file did not finish within the time limit ({limit_s:g} s)",
        "load-question-timeout": "loading your file did not finish within the question's time limit ({limit_s:g} s)",
        "time-used-up": "skipped: the question's time limit ({limit_s:g} s) was used up",
        "backstop": "your code did not finish: still running after {wall_s:g} s of wall-clock time, "
        "having used {cpu_s:g} s of CPU time (the limit is {limit_s:g} s of CPU time; waiting or sleeping code ends at the backstop)",
        "load-backstop": "loading your file did not finish: still running after {wall_s:g} s of wall-clock time, "
        "having used {cpu_s:g} s of CPU time (loading may take {limit_s:g} s of CPU time; waiting or sleeping code ends at the backstop)",
        "file-too-large": "your file is {size_mb:g} MB; the limit is {limit_mb:g} MB",
        "spawn-failed": "the grader could not start a process for your code ({detail})",
        "memory-limit": "memory limit exceeded ({limit_mb} MiB)",
        "killed-by-signal": "the process died: {signal:signal}",
        "exited": "the process exited with code {code}",
        "process-died": "the process died",
        "malformed-reply": "the process sent a malformed reply ({detail})",
        "sandbox-lost": "{detail}",
        "unreadable-file": "cannot read {path}: {error}",
        "missing-file": "no file {file} in your submission",
        "reference-unloadable": "the question's reference cannot be loaded: {type}: {message}",
        "reference-failed": "the reference solution failed on case '{case}': {type}: {message}",
        "property-setup-failed": "property '{property}' could not be set up: {type}: {message}",
        "not-graded": "not graded: {cause:reason}",
        "not-code-question": "{id} is a {kind:kind} question: answer it with `llamaprep quiz {topic}`; only code questions are graded",
        "unknown-question": "unknown question id '{id}' (see `llamaprep list`)",
        "internal-error": "the grader failed: {type}: {message}",
        "known-mistake": " — this matches the known mistake '{id}': {explanation}",
    },
    "zh": {
        "shape-mismatch": "形状不符[（{where:path}）]：得到 {got:shape}，期望 {expected:shape}",
        "dtype-mismatch": "dtype 不符[（{where:path}）]：得到 {got}，期望 {expected:alternatives}",
        "max-abs-diff": "最大绝对误差 {value:.3g}，位于索引 {index:shape}[（{where:path}）]"
        "（{count}/{total} 个值超出容差 rtol={rtol:g}, atol={atol:g}）",
        "values-differ": "{total} 个值中有 {count} 个不同[（{where:path}）]，第一个位于索引 {index:shape}",
        "unexpected-nan": "NaN[（{where:path}）]：位于索引 {index:shape}，期望值为[ {expected:.4g}|一个数]",
        "wrong-type": "期望：{expected:desc}[（{where:path}）]；实际得到：{got:desc}",
        "not-a-sequence": "期望：含 {length} 个值的 {expected_type}[（{where:path}）]；实际得到：{got:desc}",
        "length-mismatch": "期望 {expected} 个值[（{where:path}）]，实际得到 {got} 个",
        "not-a-dict": "期望：dict[（{where:path}）]；实际得到：{got:desc}",
        "keys-mismatch": "期望的键为 {expected:list}[（{where:path}）]，实际得到 {got:list}",
        "not-an-integer": "期望：[整数 {expected}|一个整数][（{where:path}）]；实际得到：{got:desc}",
        "not-a-number": "期望：一个数[（{where:path}）]；实际得到：{got:desc}",
        "value-mismatch": "期望：{expected}[（{where:path}）]；实际得到：{got:value}",
        "wrong-value": "得到 {got:value}[（{where:path}）]，不是期望的值",
        "wrong-number": "得到 {got:.6g}[（{where:path}）]，不是期望的值（rtol={rtol:g}, atol={atol:g}）",
        "unexpected-value": "值不符合期望[（{where:path}）]",
        "property-failed": "{message}",
        "property-not-a-tensor": "{what}：期望一个张量，实际得到 {got}",
        "property-shape": "{what}：形状 {got:shape} 与 {expected:shape} 不同",
        "property-mismatch": "{what}：最大误差 {value:.3g}，位于索引 {index:shape}",
        "property-unchecked": "无法在你的输出上检查这一性质（{type}: {message}）",
        "not-implemented": "尚未实现（桩代码仍在抛出 NotImplementedError）",
        "syntax-error": "第 {line} 行有语法错误（SyntaxError）：{message}",
        "exception": "{type}[: {message}][（第 {line} 行：{source}）]",
        "sys-exit": "你的代码调用了 sys.exit({code})[（第 {line} 行：{source}）]",
        "output-limit": "你的代码打印的内容超出了评分程序保留的上限[（第 {line} 行：{source}）]",
        "missing-entry-point": "你的文件没有定义 {name}",
        "unreadable-result": "无法读取返回值：{type}",
        "banned-api": "使用了本题禁用的 {name}（第 {line} 行）",
        "banned-call": "调用了本题禁用的 {name}",
        "timeout": "你的代码没有在时间限制（{limit_s:g} 秒）内完成",
        "question-timeout": "你的代码没有在本题的总时间限制（{limit_s:g} 秒）内完成",
        "load-timeout": "加载你的文件没有在时间限制（{limit_s:g} 秒）内完成",
        "load-question-timeout": "加载你的文件没有在本题的总时间限制（{limit_s:g} 秒）内完成",
        "time-used-up": "已跳过：本题的总时间限制（{limit_s:g} 秒）已用完",
        "backstop": "你的代码没有完成：墙钟时间已过 {wall_s:g} 秒仍在运行，只用了 {cpu_s:g} 秒 CPU 时间"
        "（限制为 {limit_s:g} 秒 CPU 时间；等待或休眠的代码在后备时限处结束）",
        "load-backstop": "加载你的文件没有完成：墙钟时间已过 {wall_s:g} 秒仍在运行，只用了 {cpu_s:g} 秒 CPU 时间"
        "（加载可用 {limit_s:g} 秒 CPU 时间；等待或休眠的代码在后备时限处结束）",
        "file-too-large": "你的文件有 {size_mb:g} MB，上限是 {limit_mb:g} MB",
        "spawn-failed": "评分程序无法为你的代码启动进程（{detail}）",
        "memory-limit": "超出内存限制（{limit_mb} MiB）",
        "killed-by-signal": "进程异常终止：{signal:signal}",
        "exited": "进程以退出码 {code} 结束",
        "process-died": "进程异常终止",
        "malformed-reply": "进程发回了格式错误的回复（{detail}）",
        "sandbox-lost": "评分沙箱已失效：{detail}",
        "unreadable-file": "无法读取 {path}：{error}",
        "missing-file": "你的提交中没有文件 {file}",
        "reference-unloadable": "无法加载本题的参考答案：{type}: {message}",
        "reference-failed": "参考答案在用例 '{case}' 上出错：{type}: {message}",
        "property-setup-failed": "无法准备性质检查 '{property}'：{type}: {message}",
        "not-graded": "未评分：{cause:reason}",
        "not-code-question": "{id} 是{kind:kind}题：请用 `llamaprep quiz {topic}` 作答；只有编程题才会评分",
        "unknown-question": "未知的题目 '{id}'（见 `llamaprep list`）",
        "internal-error": "评分程序出错：{type}: {message}",
        "known-mistake": " —— 与常见错误 '{id}' 相符：{explanation}",
    },
}

# Pieces that renderings put inside a template.
PARTS: dict[str, dict[str, str]] = {
    "en": {
        "path.output": "output {i}",
        "bank-broken": "the bank is broken ({problem}); run `llamaprep validate`",
        "or": " or ",
        "desc.tensor": "a {dtype} tensor of shape {shape:shape}",
        "desc.none": "None",
        "desc.unsupported": "an object that is not plain data ({what})",
        "desc.type": "a {name}",
        "kind.quiz": "quiz",
        "kind.code": "code",
        "signal.SIGSEGV": "segmentation fault (SIGSEGV)",
        "signal.SIGBUS": "bus error (SIGBUS)",
        "signal.SIGABRT": "aborted (SIGABRT)",
        "signal.SIGKILL": "killed (SIGKILL)",
        "signal.SIGXCPU": "CPU time limit exceeded (SIGXCPU)",
        "signal.SIGFPE": "floating-point exception (SIGFPE)",
        "signal.SIGILL": "illegal instruction (SIGILL)",
    },
    "zh": {
        "path.output": "输出 {i}",
        "bank-broken": "题库有问题（{problem}）；请运行 `llamaprep validate`",
        "or": " 或 ",
        "desc.tensor": "形状为 {shape:shape} 的 {dtype} 张量",
        "desc.none": "None",
        "desc.unsupported": "不是普通数据的对象（{what}）",
        "desc.type": "{name}",
        "kind.quiz": "测验",
        "kind.code": "编程",
        "signal.SIGSEGV": "段错误（SIGSEGV）",
        "signal.SIGBUS": "总线错误（SIGBUS）",
        "signal.SIGABRT": "异常中止（SIGABRT）",
        "signal.SIGKILL": "被强制终止（SIGKILL）",
        "signal.SIGXCPU": "超出 CPU 时间限制（SIGXCPU）",
        "signal.SIGFPE": "浮点异常（SIGFPE）",
        "signal.SIGILL": "非法指令（SIGILL）",
    },
}

FIELD = re.compile(r"\{(\w+)(?::([^{}]*))?\}")
OPTIONAL = re.compile(r"\[([^\[\]|]*)(?:\|([^\[\]|]*))?\]")


def fields(template: str) -> set[str]:
    """The parameter names a template uses."""
    return {name for name, _spec in FIELD.findall(template)}


def render(reason: Reason, lang: str = "en") -> str:
    """``reason`` as one sentence in ``lang`` (English for an unknown language)."""
    lang = lang if lang in TEMPLATES else "en"
    return fill(TEMPLATES[lang][reason.code], reason.params, lang)


def fill(template: str, params: Mapping[str, Any], lang: str) -> str:
    def optional(m: re.Match) -> str:
        shown, otherwise = m.group(1), m.group(2) or ""
        return shown if fields(shown) <= params.keys() else otherwise

    resolved = OPTIONAL.sub(optional, template)
    return FIELD.sub(lambda m: _value(params[m.group(1)], m.group(2) or "", lang), resolved)


def _value(value: Any, spec: str, lang: str) -> str:
    if spec == "path":
        return _path(value, lang)
    if spec == "shape":
        return str(tuple(value))
    if spec == "list":
        return repr(list(value))
    if spec == "alternatives":  # one of several accepted values: a or b
        return PARTS[lang]["or"].join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    if spec == "desc" or (spec == "value" and isinstance(value, dict)):
        return _description(value, lang)
    if spec == "value":
        return str(value)
    if spec == "reason":
        inner = nested(value)
        return render(inner, lang) if inner is not None else str(value)
    if spec in ("signal", "kind"):
        return PARTS[lang].get(f"{spec}.{value}", str(value))
    if spec:
        try:
            return format(float(value) if isinstance(value, str) else value, spec)  # "inf" from JSON
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def _path(steps: Any, lang: str) -> str:
    """[0, 1] -> output 0[1];  ["grads", "weight"] -> grads.weight;  a str stays as it is."""
    if isinstance(steps, str):
        return steps
    out = ""
    for n, step in enumerate(steps):
        if isinstance(step, int):
            out += fill(PARTS[lang]["path.output"], {"i": step}, lang) if n == 0 else f"[{step}]"
        else:
            out += f"{step}" if n == 0 else f".{step}"
    return out


def _description(value: Any, lang: str) -> str:
    """A value description (grader.grading.compare.describe) in ``lang``."""
    if not isinstance(value, dict) or f"desc.{value.get('kind')}" not in PARTS[lang]:
        return str(value)
    params = {k: v for k, v in value.items() if k != "kind"}
    return fill(PARTS[lang][f"desc.{value['kind']}"], params, lang)


def case_message(reason: Optional[Reason], lang: str = "en", *, mistake: Optional[str] = None, explanation: Optional[str] = None) -> str:
    """A case's message: its reason and, when its output matched a known mistake, which."""
    text = render(reason, lang) if reason is not None else ""
    if mistake is not None and explanation is not None:
        text += render(Reason("known-mistake", {"id": mistake, "explanation": explanation}), lang)
    return text


def case_reason(case: Any, lang: str = "en") -> str:
    """Why a case (grader.grading.results.CaseResult) failed, in ``lang``, without the
    named mistake (a view shows that apart); a result built without a reason keeps its text."""
    return render(case.reason, lang) if case.reason is not None else case.message


def failure_line(question_id: str, failure: Reason, lang: str = "en") -> str:
    """The one line of an exit 2: which question the grader could not grade, and why; a
    broken bank says so and points to `llamaprep validate`."""
    line = f"{question_id}: {render(failure, lang)}"
    if failure.code in BANK_FAILURES:
        return fill(PARTS[lang if lang in PARTS else "en"]["bank-broken"], {"problem": line}, lang)
    return line
