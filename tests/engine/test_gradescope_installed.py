"""`export gradescope` from an installed (non-editable) llamaprep: no pyproject.toml beside
the package, the bank inside it (grader/_bank) — the bundle is rebuilt from those files."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from test_gradescope import unpack

from grader.instructor.gradescope import ROOT_ENV

REPO = Path(__file__).resolve().parents[2]


def installed_copy(site: Path) -> None:
    """The layout `pip install .` gives (pyproject.toml's wheel sources), without pip."""
    skip = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(REPO / "grader", site / "grader", ignore=skip)
    shutil.copytree(REPO / "questions", site / "grader" / "_bank" / "questions", ignore=skip)
    shutil.copytree(REPO / "solutions", site / "grader" / "_bank" / "solutions", ignore=skip)
    shutil.copy2(REPO / "cli.py", site / "cli.py")


def test_export_works_from_an_installed_copy_and_the_bundle_grades(tmp_path):
    site = tmp_path / "site"
    installed_copy(site)
    bundle = tmp_path / "autograder.zip"
    env = {**os.environ, "PYTHONPATH": str(site), "LLAMAPREP_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", "import sys, cli; sys.argv = ['llamaprep', 'export', 'gradescope', 'rmsnorm-forward', '-o', sys.argv[1]]; cli.main()",
         str(bundle)],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    names = set(zipfile.ZipFile(bundle).namelist())
    assert {"llamaprep/pyproject.toml", "llamaprep/cli.py", "llamaprep/grader/grading/engine.py",
            "llamaprep/questions/rmsnorm/rmsnorm-forward.yaml", "llamaprep/solutions/rmsnorm/rmsnorm_forward.py"} <= names
    assert not any(n.startswith("llamaprep/grader/_bank") or "__pycache__" in n for n in names)
    pyproject = zipfile.ZipFile(bundle).read("llamaprep/pyproject.toml").decode()
    assert 'name = "llamaprep"' in pyproject and "torch" in pyproject and '"questions" = "grader/_bank/questions"' in pyproject

    root = tmp_path / "autograder"
    unpack(bundle, root)
    shutil.copy(REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py", root / "submission" / "rmsnorm_forward.py")
    env = {**os.environ, ROOT_ENV: str(root), "LLAMAPREP_PYTHON": sys.executable}
    env.pop("PYTHONPATH", None)
    run = subprocess.run([str(root / "run_autograder")], env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    results = json.loads((root / "results" / "results.json").read_text())
    assert results["score"] == 10, results["output"]
