"""`llamaprep export gradescope`: the bundle's run_autograder grades a fake /autograder tree."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bank_copies import copy_question
from grader.bank.loader import load_bank
from grader.instructor.gradescope import ROOT_ENV, export_bundle, run

WRONG = "def rms_norm(x, weight, eps=1e-5):\n    return x * weight\n"


def unpack(bundle: Path, root: Path) -> None:
    """What Gradescope does: unzip into ROOT/source, copy run_autograder to ROOT."""
    with zipfile.ZipFile(bundle) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():  # zipfile forgets the mode bits
            mode = info.external_attr >> 16
            if mode:
                os.chmod(root / "source" / info.filename, mode)
    shutil.copy2(root / "source" / "run_autograder", root / "run_autograder")
    (root / "submission").mkdir()


def test_the_bundle_grades_a_fake_autograder_tree(tmp_path):
    extra = tmp_path / "bank"
    copy_question(extra, new_id="rmsnorm-forward-copy")
    bank = load_bank([extra])
    bundle = export_bundle(bank=bank, question_ids=["rmsnorm-forward", "rmsnorm-forward-copy", "gqa-repeat-kv"],
                           output=tmp_path / "autograder.zip")
    names = zipfile.ZipFile(bundle).namelist()
    assert {"setup.sh", "run_autograder", "llamaprep/pyproject.toml", "llamaprep/grader/grading/engine.py",
            "llamaprep/solutions/rmsnorm/rmsnorm_forward.py", "banks/0/questions/rmsnorm/rmsnorm-forward-copy.yaml",
            "banks/0/solutions/rmsnorm/rmsnorm_forward_copy.py"} <= set(names)
    assert not any("__pycache__" in n or n.startswith("llamaprep/tests") for n in names)

    root = tmp_path / "autograder"
    unpack(bundle, root)
    assert os.stat(root / "run_autograder").st_mode & stat.S_IXUSR
    setup = (root / "source" / "setup.sh").read_text()
    assert "torch==2.13.0" in setup and "pip install ./llamaprep" in setup
    assert subprocess.run(["bash", "-n", str(root / "source" / "setup.sh")]).returncode == 0
    (root / "submission" / "nested").mkdir()
    shutil.copy(bank.solution_path("rmsnorm-forward"), root / "submission" / "nested" / "rmsnorm_forward.py")
    (root / "submission" / "rmsnorm_forward_copy.py").write_text(WRONG)

    env = {**os.environ, ROOT_ENV: str(root), "LLAMAPREP_PYTHON": sys.executable}
    proc = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    by_question: dict[str, list[dict]] = {}
    for test in results["tests"]:
        by_question.setdefault(test["name"].split(": ")[0], []).append(test)
    assert list(by_question) == ["rmsnorm-forward", "rmsnorm-forward-copy", "gqa-repeat-kv"]
    assert all(t["status"] == "passed" for t in by_question["rmsnorm-forward"])
    assert sum(t["score"] for t in by_question["rmsnorm-forward"]) == pytest.approx(10)
    assert results["score"] == pytest.approx(10)
    assert any(t["status"] == "failed" for t in by_question["rmsnorm-forward-copy"])
    assert all("no file gqa_repeat_kv.py" in t["output"] for t in by_question["gqa-repeat-kv"])
    assert "Missing: gqa_repeat_kv.py" in results["output"]


def test_a_broken_configuration_still_writes_results(tmp_path):
    config = tmp_path / "source" / "llamaprep-autograder.json"
    config.parent.mkdir(parents=True)
    config.write_text(json.dumps({"questions": ["no-such-question"], "banks": []}))
    results = run(root=tmp_path, config_path=config)
    assert results["score"] == 0 and "autograder failed" in results["output"]
    assert json.loads((tmp_path / "results" / "results.json").read_text()) == results


def test_cli_export(tmp_path, monkeypatch):
    from cli import app

    runner = CliRunner()
    ok = runner.invoke(app, ["export", "gradescope", "rmsnorm", "-o", str(tmp_path / "a.zip")])
    assert ok.exit_code == 0, ok.output
    config = json.loads(zipfile.ZipFile(tmp_path / "a.zip").read("llamaprep-autograder.json"))
    assert "rmsnorm-forward" in config["questions"] and config["banks"] == []
    for args, message in ((["gradescope", "nope"], "unknown topic or question"), (["moodle", "rmsnorm-forward"], "unknown export target")):
        bad = runner.invoke(app, ["export", *args, "-o", str(tmp_path / "b.zip")])
        assert bad.exit_code == 2 and message in bad.output and "Traceback" not in bad.output
    assert not (tmp_path / "b.zip").exists()
