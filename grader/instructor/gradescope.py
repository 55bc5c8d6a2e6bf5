"""Gradescope: an autograder bundle (`llamaprep export gradescope`) and the grading it runs.

The bundle is a zip that Gradescope unpacks into /autograder/source:

    setup.sh                  installs a CPU torch, then llamaprep from llamaprep/
    run_autograder            grades /autograder/submission/*.py -> /autograder/results/results.json
    llamaprep/                this project's source (pyproject.toml, cli.py, grader/, questions/, solutions/)
    banks/<n>/                the chosen questions of extra banks, if any
    llamaprep-autograder.json the question ids and the bank folders

`run_autograder` calls ``python3 -m grader.gradescope run``.  Its root is
$LLAMAPREP_AUTOGRADER_ROOT (default /autograder), so the bundle can be tried locally on a
fake tree.  Whatever goes wrong, results.json is written: a failure is a result.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import Optional

from grader.bank.loader import Bank, builtin_bank_dir, load_bank

CONFIG = "llamaprep-autograder.json"
ROOT_ENV = "LLAMAPREP_AUTOGRADER_ROOT"
TORCH = "2.13.0"

SETUP = f"""\
#!/usr/bin/env bash
# Gradescope runs this once, when the autograder image is built.
set -euo pipefail
cd "$(dirname "$0")"
if ! command -v pip3 >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
    apt-get update && apt-get install -y python3 python3-pip
fi
# The CPU build of torch: a CUDA one is gigabytes Gradescope's machines cannot use.
python3 -m pip install "torch=={TORCH}" --index-url https://download.pytorch.org/whl/cpu \\
    || python3 -m pip install torch --index-url https://download.pytorch.org/whl/cpu
python3 -m pip install ./llamaprep
"""

RUN = f"""\
#!/usr/bin/env bash
# Gradescope runs this for every submission; it writes $ROOT/results/results.json.
set -uo pipefail
ROOT="${{{ROOT_ENV}:-/autograder}}"
export PYTHONPATH="$ROOT/source/llamaprep${{PYTHONPATH:+:$PYTHONPATH}}"
exec "${{LLAMAPREP_PYTHON:-python3}}" -m grader.gradescope run --root "$ROOT" --config "$ROOT/source/{CONFIG}"
"""

SOURCE_FILES = ("pyproject.toml", "README.md", "cli.py")
SOURCE_DIRS = ("grader", "questions", "solutions")


class ExportError(Exception):
    """Why no bundle was written: one line."""


def _add(zf: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (0o755 if executable else 0o644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, data)


def _tree(folder: Path, prefix: str, skip: tuple[str, ...] = ()) -> Iterable[tuple[Path, str]]:
    for path in sorted(folder.rglob("*")):
        parts = path.relative_to(folder).parts
        if path.is_file() and "__pycache__" not in parts and path.suffix != ".pyc" and parts[0] not in skip:
            yield path, f"{prefix}/{'/'.join(parts)}"


def _source_files(project: Path) -> Iterable[tuple[Path, str]]:
    for name in SOURCE_FILES:
        yield project / name, f"llamaprep/{name}"
    for folder in SOURCE_DIRS:
        yield from _tree(project / folder, f"llamaprep/{folder}")


# For an installed (non-editable) llamaprep, which has no pyproject.toml: the bundle's
# llamaprep/ is rebuilt from the installed files, with this pyproject (the checkout's
# wheel layout: the bank inside the package) so that setup.sh's `pip install` works alike.
INSTALLED_PYPROJECT = """\
[build-system]
requires = ["hatchling>=1.18"]
build-backend = "hatchling.build"

[project]
name = "llamaprep"
version = "{version}"
requires-python = ">=3.10"
dependencies = {dependencies}

[project.scripts]
llamaprep = "cli:main"

[tool.hatch.build.targets.wheel]
only-include = ["grader", "cli.py", "questions", "solutions"]

[tool.hatch.build.targets.wheel.sources]
"questions" = "grader/_bank/questions"
"solutions" = "grader/_bank/solutions"
"""


def _installed_pyproject() -> bytes:
    from importlib.metadata import PackageNotFoundError, distribution

    try:
        dist = distribution("llamaprep")
        version, requires = dist.version, [r for r in dist.requires or [] if "extra ==" not in r]
    except PackageNotFoundError:
        version, requires = "0", ["torch>=2.5", "numpy>=1.24", "pyyaml>=6", "rich>=13", "typer>=0.12,<0.29", "platformdirs>=3", "watchfiles>=0.20"]
    return INSTALLED_PYPROJECT.format(version=version, dependencies=json.dumps(requires)).encode()


def _installed_files(bank_dir: Path) -> Iterable[tuple[Path, str]]:
    """The installed package as a source tree: grader/ (its _bank apart), cli.py, questions/, solutions/."""
    import importlib.util

    package = Path(__file__).resolve().parents[1]  # grader/
    cli = importlib.util.find_spec("cli")
    if cli is None or cli.origin is None:
        raise ExportError("the bundle needs llamaprep's cli.py, which is not installed beside grader/")
    yield Path(cli.origin), "llamaprep/cli.py"
    yield from _tree(package, "llamaprep/grader", skip=("_bank",))
    for folder in ("questions", "solutions"):
        yield from _tree(bank_dir / folder, f"llamaprep/{folder}")


def export_bundle(*, bank: Bank, question_ids: list[str], output: Path) -> Path:
    """Write the autograder zip for ``question_ids`` (code questions of ``bank``), from a
    checkout or from an installed llamaprep."""
    project = builtin_bank_dir()
    checkout = all((project / name).is_file() for name in SOURCE_FILES)
    questions = [bank.get(qid) for qid in question_ids]
    if not questions:
        raise ExportError("name at least one question to grade")
    not_code = [q.id for q in questions if q.kind != "code"]
    if not_code:
        raise ExportError(f"{', '.join(not_code)}: not a code question (only code is graded)")
    extra_roots = list(dict.fromkeys(bank.roots[q.id] for q in questions if bank.roots[q.id].resolve() != project.resolve()))
    config = {"questions": [q.id for q in questions], "banks": [f"banks/{n}" for n in range(len(extra_roots))]}
    output.parent.mkdir(parents=True, exist_ok=True)
    tmp = output.with_name(output.name + ".part")
    with zipfile.ZipFile(tmp, "w") as zf:
        _add(zf, "setup.sh", SETUP.encode(), executable=True)
        _add(zf, "run_autograder", RUN.encode(), executable=True)
        _add(zf, CONFIG, json.dumps(config, indent=2).encode())
        if checkout:
            for path, name in _source_files(project):
                _add(zf, name, path.read_bytes())
        else:
            _add(zf, "llamaprep/pyproject.toml", _installed_pyproject())
            for path, name in _installed_files(project):
                _add(zf, name, path.read_bytes())
        for n, root in enumerate(extra_roots):
            for q in questions:
                if bank.roots[q.id] != root:
                    continue
                yaml_path = bank.paths[q.id]
                topic_file = yaml_path.parent / "_topic.yaml"
                for path in (yaml_path, bank.stub_path(q.id), bank.solution_path(q.id), topic_file):
                    if path.is_file():
                        _add(zf, f"banks/{n}/{path.relative_to(root).as_posix()}", path.read_bytes())
    os.replace(tmp, output)
    return output


# ---------------------------------------------------------------- inside Gradescope


def find_submission(folder: Path, stem: str) -> Optional[Path]:
    """The learner's ``<stem>.py`` anywhere in the upload, the shallowest first."""
    matches = sorted(folder.rglob(f"{stem}.py"), key=lambda p: (len(p.parts), str(p)))
    return matches[0] if matches else None


def run(*, root: Path, config_path: Path) -> dict:
    """Grade the submission under ``root`` and write root/results/results.json."""
    from grader.grading.results import GradeReport
    from grader.report.formats import gradescope_results
    from grader.report.safe_text import clean_tree
    from grader.sandbox.isolation import IsolationRequired

    results_dir = root / "results"
    results_dir.mkdir(parents=True, exist_ok=True)
    try:
        config = json.loads(config_path.read_text(encoding="utf-8"))
        from grader.bank import cache

        cache.distrust()  # grading parses the bank afresh (grader.bank.cache)
        bank = load_bank([config_path.parent / b for b in config["banks"]])
        from grader.grading.engine import grade_submissions, missing_file_result
        from grader.grading.reasons import reason

        targets, missing = [], []
        for qid in config["questions"]:
            q = bank.get(qid)
            path = find_submission(root / "submission", q.file_stem)
            if path is None:
                missing.append((q, root / "submission" / f"{q.file_stem}.py"))
            else:
                targets.append((qid, path))
        from grader.sandbox.isolation import confined_zygote

        # The bundle grades only under full kernel confinement unless its config says
        # "require_isolation": false (SECURITY.md: a container that cannot give it).
        with confined_zygote(require=bool(config.get("require_isolation", True))) as (zygote, isolation):
            report = grade_submissions(bank=bank, targets=targets, zygote=zygote) if targets else GradeReport()
        report.isolation = isolation
        for q, path in missing:
            report.questions.append(missing_file_result(q, path, reason("missing-file", file=f"{q.file_stem}.py")))
        order = {qid: n for n, qid in enumerate(config["questions"])}
        report.questions.sort(key=lambda r: order.get(r.id, len(order)))
        note = f"Missing: {', '.join(q.file_stem + '.py' for q, _ in missing)}" if missing else None
        results = gradescope_results(report, note=note)
    except IsolationRequired as exc:
        results = {"score": 0.0, "output": f"The autograder refused to grade: {exc}. Please tell your instructor.", "tests": []}
    except Exception as exc:  # noqa: BLE001 - Gradescope must get a results.json whatever happens
        results = {
            "score": 0.0,
            "output": f"The autograder failed: {type(exc).__name__}: {exc}. Please tell your instructor.",
            "tests": [],
        }
        traceback.print_exc()
    (results_dir / "results.json").write_text(json.dumps(clean_tree(results), ensure_ascii=False, indent=1), encoding="utf-8")
    return results


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m grader.gradescope")
    sub = parser.add_subparsers(dest="op", required=True)
    go = sub.add_parser("run", help="grade root/submission, write root/results/results.json")
    go.add_argument("--root", type=Path, default=Path(os.environ.get(ROOT_ENV, "/autograder")))
    go.add_argument("--config", type=Path, required=True)
    args = parser.parse_args(argv)
    results = run(root=args.root, config_path=args.config)
    print(results.get("output", ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
