"""`llamaprep validate`: a sound bank passes; each kind of sabotage is named by file, line and field."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from typer.testing import CliRunner

from bank_copies import copy_question
from conftest import builtin_bank
from grader.bank.loader import builtin_bank_dir
from grader.instructor.validate import validate_bank

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?P<field>[^:]+): ")


def problems(tmp_path, zygote, loads: bool = True) -> list[str]:
    report = validate_bank(banks=[tmp_path], zygote=zygote)
    assert bool(report.questions) == loads
    for p in report.problems:
        assert LINE.match(p), f"not file:line: field: {p}"
    return report.problems


def test_a_faithful_copy_is_sound(tmp_path, zygote):
    copy_question(tmp_path)
    assert problems(tmp_path, zygote) == []


def test_a_yaml_that_no_longer_parses_is_named_with_its_line(tmp_path, zygote):
    path = copy_question(tmp_path, yaml_edit=lambda t: t.replace("points: 10\n", "points: [10\n", 1))
    found = problems(tmp_path, zygote, loads=False)
    assert len(found) == 1
    assert "not valid YAML" in found[0]
    assert int(LINE.match(found[0])["line"]) > 1, found[0]
    assert path.name in found[0]


def test_a_reference_replaced_by_a_wrong_one_is_caught(tmp_path, zygote):
    # No normalisation at all: the reference still "agrees with itself" on every case,
    # but the rescaling property fails for it.
    copy_question(tmp_path, solution_edit=lambda s: s.replace(
        "normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)", "normed = xf", 1))
    found = problems(tmp_path, zygote)
    assert any("grading.properties[0]" in p and "the reference fails" in p for p in found), found


def test_a_reference_that_makes_a_listed_mistake_is_caught(tmp_path, zygote):
    copy_question(tmp_path, solution_edit=lambda s: s.replace(
        "    xf = x.float()\n    normed", "    xf = x.float()\n    xf = xf - xf.mean(-1, keepdim=True)\n    normed", 1))
    found = problems(tmp_path, zygote)
    assert any("grading.mistakes[0].id" in p and "'mean-subtraction' earns full marks" in p for p in found), found


def test_a_stub_that_already_solves_the_question_is_caught(tmp_path, zygote):
    solution = (builtin_bank_dir() / "solutions/rmsnorm/rmsnorm_forward.py").read_text()
    copy_question(tmp_path, stub_edit=lambda _: solution)
    found = problems(tmp_path, zygote)
    assert len(found) == 1 and "rmsnorm_forward_copy.py:1: stub: the untouched stub earns 10/10" in found[0], found


def test_indistinguishable_mistakes_and_missing_functions_are_named(tmp_path, zygote):
    twin = """    - id: forgot-gain
      explanation: {en: "The same as no-weight.", zh: "与 no-weight 相同。"}
    - id: not-written
      explanation: {en: "No function for this one.", zh: "没有对应的函数。"}
"""
    copy_question(
        tmp_path,
        yaml_edit=lambda t: t.replace("  properties:\n", twin + "  properties:\n", 1),
        solution_edit=lambda s: s + "\n\nmistake_forgot_gain = mistake_no_weight\n",
    )
    found = problems(tmp_path, zygote)
    n = len(builtin_bank().get("rmsnorm-forward").grading.mistakes)  # the two added come after the bank's own
    assert any(f"grading.mistakes[{n + 1}].id" in p and "defines no mistake_not_written" in p for p in found), found
    # With the missing function reported, grading waits for it; fix it and look again.
    copy_question(
        tmp_path,
        yaml_edit=lambda t: t.replace("  properties:\n", twin.split("    - id: not-written")[0] + "  properties:\n", 1),
        solution_edit=lambda s: s + "\n\nmistake_forgot_gain = mistake_no_weight\n",
    )
    found = problems(tmp_path, zygote)
    assert len(found) == 1 and f"grading.mistakes[{n}].id: mistake 'forgot-gain' is never diagnosed as itself" in found[0], found
    assert "'no-weight'" in found[0]


def test_arguments_out_of_signature_order_are_named(tmp_path, zygote):
    def swap(text: str) -> str:
        data = yaml.safe_load(text)
        args = data["grading"]["cases"][1]["args"]
        data["grading"]["cases"][1]["args"] = {"weight": args["weight"], "x": args["x"]}
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    copy_question(tmp_path, yaml_edit=swap)
    found = problems(tmp_path, zygote)
    assert any("grading.cases[1].args" in p and "signature's order" in p for p in found), found


def test_unseeded_property_inputs_are_caught(tmp_path, zygote):
    copy_question(tmp_path, solution_edit=lambda s: s.replace(
        "x = torch.randn(3, 5, 64, generator=gen)", "x = torch.randn(3, 5, 64)", 1))
    found = problems(tmp_path, zygote)
    assert any("grading.properties[0].function" in p and "different inputs on two runs" in p for p in found), found


def test_a_correction_without_a_source_is_named(tmp_path, zygote):
    def drop_sources(text: str) -> str:
        data = yaml.safe_load(text)
        data.update(corrects=[], claims=[], sources=[])
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)

    copy_question(tmp_path, yaml_edit=drop_sources)
    found = problems(tmp_path, zygote)
    assert any(": sources: the correction cites no source" in p for p in found), found


def test_an_id_collision_names_both_files(tmp_path, zygote):
    copy_question(tmp_path, new_id="rmsnorm-forward")
    found = problems(tmp_path, zygote, loads=False)
    assert len(found) == 1, found
    assert "rmsnorm-forward.yaml" in found[0].split(":")[0] and "already defined in" in found[0]
    assert str(Path("questions/rmsnorm/rmsnorm-forward.yaml")) in found[0].split("already defined in")[1]


def test_cli_exit_codes(tmp_path):
    from cli import app

    runner = CliRunner()
    copy_question(tmp_path)
    ok = runner.invoke(app, ["validate", "--bank", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    assert "sound" in ok.output
    (tmp_path / "questions/rmsnorm/rmsnorm-forward-copy.yaml").write_text("id: [\n")
    broken = runner.invoke(app, ["validate", "--bank", str(tmp_path)])
    assert broken.exit_code == 1
    assert "rmsnorm-forward-copy.yaml:" in broken.output and "Traceback" not in broken.output
    missing = runner.invoke(app, ["validate", "--bank", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such folder" in missing.output
