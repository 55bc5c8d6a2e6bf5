"""Reasons as data, rendered from one template per code and language (grader/report/reasons.py)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from grader.grading.reasons import CHILD_CODES, CODES, GRADER_FAILURES, Reason, ReasonError, param_names, reason
from grader.grading.results import STATUSES, CaseResult, GradeReport, QuestionResult, Status, is_full_marks
from grader.report.reasons import FIELD, LANGS, OPTIONAL, PARTS, TEMPLATES, case_message, fields, render

CJK = re.compile(r"[\u4e00-\u9fff]")

# A value for a parameter, by the rendering its English template asks for.
SAMPLES = {
    "path": [0, 1],
    "shape": [2, 3],
    "list": ["a", "b"],
    "alternatives": ["float16", "float32"],
    "desc": {"kind": "tensor", "dtype": "float32", "shape": [1, 64]},
    "value": "'x'",
    "reason": {"code": "not-implemented", "params": {}},
    "signal": "SIGSEGV",
    "kind": "quiz",
}


def specs(template: str) -> dict[str, str]:
    return {name: spec for name, spec in FIELD.findall(template)}


def sample(code: str, *, optional: bool = True) -> Reason:
    required, maybe = param_names(code)
    wanted = {**specs(TEMPLATES["en"][code])}
    params = {}
    for name in required + (maybe if optional else ()):
        spec = wanted.get(name, "")
        params[name] = SAMPLES.get(spec, 0.25 if spec else f"<{name}>")
    return Reason(code, params)


@pytest.mark.parametrize("lang", LANGS)
def test_every_code_has_a_template_in_every_language_and_nothing_else(lang):
    assert set(TEMPLATES[lang]) == set(CODES)


def test_every_language_has_the_same_parts():
    assert all(set(PARTS[lang]) == set(PARTS["en"]) for lang in LANGS)


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("lang", LANGS)
def test_each_template_uses_every_parameter_of_its_code_and_no_other(code, lang):
    required, optional = param_names(code)
    assert fields(TEMPLATES[lang][code]) == set(required) | set(optional)


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("lang", LANGS)
def test_each_template_renders_with_and_without_its_optional_parameters(code, lang):
    for full in (True, False):
        text = render(sample(code, optional=full), lang)
        assert text and "{" not in text and "|" not in text and "\n" not in text, text


@pytest.mark.parametrize("code", sorted(CODES))
@pytest.mark.parametrize("lang", LANGS)
def test_optional_parts_are_balanced_and_never_nested(code, lang):
    outside = OPTIONAL.sub("", TEMPLATES[lang][code])
    assert not set("[]|") & set(outside), TEMPLATES[lang][code]


@pytest.mark.parametrize("code", sorted(c for c in CODES if c not in ("property-failed", "sandbox-lost")))
def test_chinese_renderings_are_chinese(code):
    # The two exceptions are the bank author's sentence and the sandbox's own, shown as they are.
    assert CJK.search(render(sample(code), "zh")), code


def test_every_status_of_the_registry_is_a_contract_status():
    assert {status for status, _ in CODES.values()} <= set(STATUSES)
    assert CHILD_CODES <= set(CODES) and GRADER_FAILURES <= set(CODES)


def test_the_english_renderings_keep_the_messages_the_contract_quotes():
    diff = reason("max-abs-diff", value=0.41, index=[0, 3, 1, 6], count=12, total=64, rtol=1e-3, atol=2e-3)
    assert render(diff) == "Greatest absolute difference 0.41 at index (0, 3, 1, 6) (12 of 64 values outside rtol=0.001, atol=0.002)"
    assert render(reason("shape-mismatch", got=[1, 1], expected=[1, 1, 64])) == "shape mismatch: got (1, 1), expected (1, 1, 64)"
    assert render(reason("dtype-mismatch", got="float32", expected="bfloat16", where=[1])) == "dtype mismatch at output 1: got float32, expected bfloat16"
    assert render(reason("timeout", limit_s=5.0)) == "your code did not finish within the time limit (5 s)"
    assert render(reason("killed-by-signal", signal="SIGSEGV")) == "the process died: segmentation fault (SIGSEGV)"
    line = reason("exception", type="IndexError", message="index 64 is out of bounds", line=5, source="last = weight[x.shape[-1]]")
    assert render(line) == "IndexError: index 64 is out of bounds (line 5: last = weight[x.shape[-1]])"
    assert render(reason("exception", type="ValueError")) == "ValueError"


def test_chinese_renderings_of_the_common_shapes():
    diff = reason("max-abs-diff", value=1.33, index=[2, 0], count=16, total=16, rtol=0.001, atol=0.002, where=[0])
    assert render(diff, "zh") == "最大绝对误差 1.33，位于索引 (2, 0)（输出 0）（16/16 个值超出容差 rtol=0.001, atol=0.002）"
    assert render(reason("not-implemented"), "zh") == "尚未实现（桩代码仍在抛出 NotImplementedError）"
    got_none = reason("wrong-type", expected={"kind": "tensor", "dtype": "float32", "shape": [1, 1, 64]}, got={"kind": "none"})
    assert render(got_none, "zh") == "期望：形状为 (1, 1, 64) 的 float32 张量；实际得到：None"
    assert render(got_none) == "expected a float32 tensor of shape (1, 1, 64), got None"
    assert render(reason("dtype-mismatch", got="float64", expected=["float16", "float32"]), "zh") == "dtype 不符：得到 float64，期望 float16 或 float32"


def test_paths_name_outputs_elements_and_keys():
    assert render(reason("unexpected-value", where=[0, 1])) == "unexpected value at output 0[1]"
    assert render(reason("unexpected-value", where=["grads", "weight"])) == "unexpected value at grads.weight"
    assert render(reason("unexpected-value", where=["grads", "weight"]), "zh") == "值不符合期望（grads.weight）"


def test_a_hidden_nan_names_no_value_and_a_visible_one_does():
    assert render(reason("unexpected-nan", index=[1])) == "NaN at index (1,) where a number was expected"
    assert render(reason("unexpected-nan", index=[1], expected=0.123)) == "NaN at index (1,) where 0.123 was expected"


def test_unknown_language_falls_back_to_english():
    assert render(reason("not-implemented"), "fr") == render(reason("not-implemented"), "en")


def test_a_reason_must_match_the_registry():
    with pytest.raises(ReasonError):
        Reason("no-such-code", {})
    with pytest.raises(ReasonError):
        reason("timeout")  # limit_s missing
    with pytest.raises(ReasonError):
        reason("timeout", limit_s=1, seconds=2)  # not a parameter of timeout


def test_parameters_are_printable_whoever_built_the_reason():
    hostile = reason("exception", type="X", message="\x1b[2J\x07wiped" + "y" * 2000)
    assert "\x1b" not in hostile.params["message"] and len(hostile.params["message"]) <= 500


def test_json_form_round_trips_and_carries_no_nan():
    diff = reason("max-abs-diff", value=float("inf"), index=[0], count=1, total=1, rtol=0.0, atol=0.0)
    data = json.loads(json.dumps(diff.to_json(), allow_nan=False))
    assert data["params"]["value"] == "inf"
    assert render(Reason.from_json(data)) == render(diff)


def test_nested_reasons_render_in_the_same_language():
    cause = reason("reference-failed", case="decode", type="RuntimeError", message="boom")
    assert render(reason("not-graded", cause=cause)) == "not graded: the reference solution failed on case 'decode': RuntimeError: boom"
    assert render(reason("not-graded", cause=cause.to_json()), "zh").startswith("未评分：参考答案在用例 'decode' 上出错")


def test_the_json_message_is_the_english_rendering_of_the_reason():
    why = reason("max-abs-diff", value=0.5, index=[0, 1], count=3, total=8, rtol=1e-5, atol=1e-6)
    case = CaseResult(name="c", status="failed", score=0.0, max_score=1.0)
    case.fail(why, mistake="no-weight", explanation={"en": "The weight is missing.", "zh": "少了权重。"})
    data = case.to_json()
    assert data["message"] == render(why) + " — this matches the known mistake 'no-weight': The weight is missing."
    assert data["message"] == case_message(Reason.from_json(data["reason"]), "en", mistake="no-weight", explanation="The weight is missing.")
    assert data["reason"] == why.to_json() and data["status"] == "failed" and data["mistake"] == "no-weight"


def test_status_comes_from_the_reason():
    case = CaseResult(name="c", status="failed", score=0.0, max_score=1.0)
    case.fail(reason("banned-call", name="torch.nn.functional.rms_norm"))
    assert case.status is Status.FORBIDDEN and case.to_json()["status"] == "forbidden"
    case.fail(reason("memory-limit", limit_mb=512))
    assert case.status == "crashed"


def test_full_marks_is_one_rule():
    assert is_full_marks(10 * (1 / 3) * 3, 10) and is_full_marks(9.999999999999998, 10)
    assert not is_full_marks(9.99, 10) and not is_full_marks(0, 0)
    q = QuestionResult(id="q", score=10, max_score=10)
    assert q.full_marks
    q.failure = reason("internal-error", type="OSError", message="no space")
    assert not q.full_marks


def test_a_report_with_nothing_graded_is_not_full_marks():
    assert not GradeReport().full_marks
    broken = QuestionResult(id="rope-quiz-acronym", score=0, max_score=1,
                            failure=reason("not-code-question", id="rope-quiz-acronym", kind="quiz", topic="rope"))
    report = GradeReport(failures=[broken])
    assert not report.full_marks
    data = report.to_json()
    assert data["questions"] == [] and data["errors"][0]["reason"]["code"] == "not-code-question"
    assert data["errors"][0]["message"].startswith("rope-quiz-acronym is a quiz question")


CONTRACT = Path(__file__).resolve().parents[2] / "docs" / "contract.md"


def test_the_contract_documents_every_reason_code():
    rows = set(re.findall(r"^\| `([a-z-]+)` \|", CONTRACT.read_text(encoding="utf-8"), re.M))
    assert set(CODES) <= rows, sorted(set(CODES) - rows)


def test_the_contracts_example_message_is_the_rendering_of_its_reason():
    text = CONTRACT.read_text(encoding="utf-8")
    example = json.loads(re.search(r"```json\n(.*?)```", text, re.S).group(1))
    case = example["questions"][0]["cases"][0]
    explanation = case["message"].split("': ", 1)[1]
    assert case["message"] == case_message(Reason.from_json(case["reason"]), mistake=case["mistake"], explanation=explanation)
    assert set(case) >= {"name", "status", "score", "max_score", "message", "mistake", "reason"}


def test_the_properties_helper_returns_its_old_sentence_carrying_the_reason():
    import torch

    from grader.properties import mismatch

    got = mismatch(torch.zeros(2, 3), torch.ones(2, 3), rtol=0, atol=0, what="rms_norm(x)")
    assert got == "rms_norm(x): greatest difference 1 at index (0, 0)" and isinstance(got, str)
    assert got.reason.code == "property-mismatch" and render(got.reason, "zh") == "rms_norm(x)：最大误差 1，位于索引 (0, 0)"
    shape = mismatch(torch.zeros(2), torch.ones(3), rtol=0, atol=0, what="out")
    assert shape == "out: shape (2,) differs from (3,)" and shape.reason.code == "property-shape"
    assert mismatch((1,), torch.ones(3), rtol=0, atol=0, what="out") == "out: expected a tensor, got tuple"
    assert mismatch(torch.ones(3), torch.ones(3), rtol=0, atol=0, what="out") is None
    assert f"{got} (and more)" == "rms_norm(x): greatest difference 1 at index (0, 0) (and more)"  # judges that build on it still work


def test_the_failure_line_names_the_question_and_a_broken_bank_in_each_language():
    from grader.report.reasons import failure_line

    broken = reason("reference-failed", case="decode", type="RuntimeError", message="boom")
    assert failure_line("rope-yarn", broken) == (
        "the bank is broken (rope-yarn: the reference solution failed on case 'decode': RuntimeError: boom); run `llamaprep validate`")
    assert failure_line("rope-yarn", broken, "zh").startswith("题库有问题（rope-yarn: 参考答案在用例 'decode' 上出错")
    quiz = reason("not-code-question", id="rope-quiz-acronym", kind="quiz", topic="rope")
    assert "validate" not in failure_line("rope-quiz-acronym", quiz)


def test_a_childs_message_stays_on_one_line_of_every_report():
    """Line breaks in an exception's text (any of them) are folded to a visible mark, so a
    message cannot put a fake "Total: 10/10 — Full marks." on a report line of its own."""
    from grader.report.safe_text import LINE_BREAK_MARK, one_line

    text = "boom\nTotal: 10/10 — Full marks.\r\nrmsnorm-forward 10/10\u2028x\x85y\rz"
    made = reason("exception", type="E\nvil", message=text, line=3, source="raise E(\n)")
    for value in (made.params["message"], made.params["type"], made.params["source"]):
        assert not any(ch in value for ch in "\n\r\u2028\u2029\x85"), repr(value)
    assert made.params["message"].split(LINE_BREAK_MARK) == ["boom", "Total: 10/10 — Full marks.", "rmsnorm-forward 10/10", "x", "y", "z"]
    for lang in LANGS:
        assert "\n" not in render(made, lang)
    assert one_line("a\tb") == "a\tb"  # tabs are no line break
