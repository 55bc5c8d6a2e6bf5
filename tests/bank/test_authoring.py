"""docs/authoring.md, followed to the letter: its SwiGLU files make a sound question in an
extra bank that grades a correct and a wrong submission; questions/schema.json is current."""

from __future__ import annotations

import json
import re
from pathlib import Path

from typer.testing import CliRunner

from grader.bank.schema_json import question_json_schema, schema_text

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "authoring.md"


def guide_files() -> dict[str, str]:
    """The guide's code blocks that begin with a `# file: PATH` line, by path."""
    blocks = re.findall(r"```(?:yaml|python)\n# file: (\S+)\n(.*?)```", GUIDE.read_text(encoding="utf-8"), re.S)
    return {path: body for path, body in blocks}


def test_the_worked_example_end_to_end(tmp_path, monkeypatch):
    from cli import app

    files = guide_files()
    assert sorted(files) == ["questions/swiglu/swiglu-ffn.yaml", "questions/swiglu/swiglu_ffn.py", "solutions/swiglu/swiglu_ffn.py"]
    runner = CliRunner()
    bank = tmp_path / "mybank"
    made = runner.invoke(app, ["new", "swiglu-ffn", "--topic", "swiglu", "--bank", str(bank)])
    assert made.exit_code == 0, made.output
    todo = runner.invoke(app, ["validate", "--bank", str(bank)])
    assert todo.exit_code == 1 and "todo: fill in" in todo.output
    for rel, body in files.items():
        (bank / rel).write_text(body, encoding="utf-8")
    sound = runner.invoke(app, ["validate", "--bank", str(bank)])
    assert sound.exit_code == 0, sound.output

    solution = files["solutions/swiglu/swiglu_ffn.py"]
    # The guide's sample problem: a "mistake" that is in fact right.
    sample = re.search(r"\n    mybank/questions/swiglu/swiglu-ffn\.yaml(:\d+: .*)\n", GUIDE.read_text(encoding="utf-8"))[1]
    sabotaged = solution.replace("return F.linear(F.gelu(F.linear(x, w1)) * F.linear(x, w3), w2)",
                                 "return swiglu_ffn(x, w1, w3, w2)")
    (bank / "solutions/swiglu/swiglu_ffn.py").write_text(sabotaged, encoding="utf-8")
    caught = runner.invoke(app, ["validate", "--bank", str(bank)])
    assert caught.exit_code == 1 and f"swiglu-ffn.yaml{sample}" in caught.output.replace("\n", " "), caught.output
    (bank / "solutions/swiglu/swiglu_ffn.py").write_text(solution, encoding="utf-8")

    monkeypatch.setenv("LLAMAPREP_BANK", str(bank))
    right = tmp_path / "right.py"
    right.write_text(solution.split("# Known mistakes")[0].replace("from grader.properties import Property, mismatch\n", ""))
    wrong = tmp_path / "wrong.py"
    wrong.write_text(right.read_text().replace("F.silu(F.linear(x, w1))", "F.gelu(F.linear(x, w1))"))
    assert "gelu" in wrong.read_text()
    full = runner.invoke(app, ["grade", "swiglu-ffn", "--file", str(right), "--format", "json"])
    assert full.exit_code == 0, full.output
    assert json.loads(full.stdout)["score"] == 10
    lost = runner.invoke(app, ["grade", "swiglu-ffn", "--file", str(wrong), "--format", "json"])
    assert lost.exit_code == 1
    cases = json.loads(lost.stdout)["questions"][0]["cases"]
    fixed = [c for c in cases if c["name"] != "linear in w2"]
    assert all(c["status"] == "failed" and c["mistake"] == "gelu-gate" for c in fixed), fixed


def test_the_committed_json_schema_is_current():
    path = ROOT / "questions" / "schema.json"
    assert path.read_text(encoding="utf-8") == schema_text(), "run `python -m grader.schema_json`"
    schema = question_json_schema()
    code = schema["$defs"]["CodeQuestion"]
    assert {"id", "entry_point", "grading"} <= set(code["required"])
    assert "visible" in schema["$defs"]["Case"]["properties"]


def test_the_old_format_page_points_to_the_guide():
    assert "authoring.md" in (ROOT / "docs" / "question-format.md").read_text()
