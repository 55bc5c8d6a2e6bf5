"""Fixtures every test gets (an isolated home), and the helpers the test files share: the
built-in bank, a bank file loaded as a module, a case's inputs, errors in tolerance units."""

from __future__ import annotations

import importlib.util
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
# The source article the bank quotes (shipped in the repo so quotes can be checked verbatim).
SEED_ARTICLE = REPO / "questions" / "_source" / "000_885669bd3c9b2fed.txt"
CORPUS = REPO / "tests" / "corpus"  # hostile and basic submissions, each with its expected outcome


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own progress store and workspace, never the user's; and the bank
    cache trusted again (an in-process `grade` distrusts it for the rest of its process)."""
    import grader.bank.cache

    monkeypatch.setattr(grader.bank.cache, "_distrusted", False)
    monkeypatch.setenv("LLAMAPREP_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("LLAMAPREP_WORKSPACE", str(tmp_path / "work"))
    monkeypatch.delenv("LLAMAPREP_BANK", raising=False)
    monkeypatch.delenv("LLAMAPREP_LANG", raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("COLUMNS", "100")
    yield


@pytest.fixture(scope="session")
def bank():
    return builtin_bank()


@pytest.fixture(scope="session")
def zygote():
    from grader.sandbox.zygote import Zygote

    z = Zygote()
    yield z
    z.close()


# ---------------------------------------------------------------- the built-in bank


@cache
def builtin_bank():
    """The built-in bank, loaded once (also at collection, for parametrize lists)."""
    from grader.bank.loader import load_bank

    return load_bank()


def question(qid: str):
    return builtin_bank().get(qid)


def seed_text() -> str:
    return SEED_ARTICLE.read_text(encoding="utf-8")


def load_module(path: Path, name: Optional[str] = None) -> ModuleType:
    """A Python file of the bank (a reference or a stub) as a module of its own."""
    spec = importlib.util.spec_from_file_location(name or f"_t_{path.parent.name}_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def solution(qid: str) -> ModuleType:
    return load_module(builtin_bank().solution_path(qid), f"_t_solution_{qid.replace('-', '_')}")


def stub(qid: str) -> ModuleType:
    return load_module(builtin_bank().stub_path(qid), f"_t_stub_{qid.replace('-', '_')}")


# ---------------------------------------------------------------- cases and tolerances


def fresh(args: list) -> list:
    """Copies of a case's tensors, so that one call cannot change another's inputs."""
    import torch

    return [a.clone() if isinstance(a, torch.Tensor) else a for a in args]


def case_inputs(q, seed: Optional[int] = None) -> list[tuple[Any, list]]:
    """(case, its arguments as the grader builds them) for each case of ``q`` (a question or
    an id); ``seed`` replaces every case's own, for checks over many draws."""
    from grader.grading.inputs import build_args

    q = question(q) if isinstance(q, str) else q
    return [(c, build_args(q.id, c.name, c.args, c.seed if seed is None else seed)) for c in q.grading.cases]


def assert_agrees(actual: Any, expected: Any, q, what: str) -> None:
    """An independent implementation matches the reference as the grader judges it, and not by
    luck: well inside the tolerance (under 0.8 of the allowed error everywhere)."""
    from grader.grading.compare import compare

    problem = compare(actual, expected, q.grading.tolerance)
    assert problem is None, f"{what}: {problem}"
    assert excess(actual, expected, q) < 0.8, f"{what} uses most of the tolerance"


def excess(actual: Any, expected: Any, q) -> float:
    """Largest |actual - expected| in units of the allowed error (atol + rtol |expected|) at
    ``q``'s tolerance for the expected dtype; inf on a shape, type or value mismatch."""
    import torch

    if isinstance(expected, torch.Tensor):
        if not isinstance(actual, torch.Tensor) or actual.shape != expected.shape:
            return math.inf
        if actual.numel() == 0:
            return 0.0
        t = q.grading.tolerance(str(expected.dtype).removeprefix("torch."))
        a, e = actual.double(), expected.double()
        return float(((a - e).abs() / (t.atol + t.rtol * e.abs())).max())
    if isinstance(expected, (tuple, list)):
        if not isinstance(actual, (tuple, list)) or len(actual) != len(expected):
            return math.inf
        return max((excess(a, e, q) for a, e in zip(actual, expected)), default=0.0)
    return 0.0 if actual == expected else math.inf


# ---------------------------------------------------------------- the corpus


def expected_outcomes(section: str) -> dict:
    """What grading each corpus file must come to (tests/corpus/expected.yaml)."""
    return yaml.safe_load((CORPUS / "expected.yaml").read_text(encoding="utf-8"))[section]


@pytest.fixture
def fast_bank(tmp_path):
    """A bank of one copy of rmsnorm-forward with short limits (1 s a call, 4 s a question),
    so that hangs are cheap to test: (its folder, the bank loaded with the built-in one, the
    copy's id)."""
    from bank_copies import copy_question, fast_limits
    from grader.bank.loader import load_bank

    root = tmp_path / "bank"
    qid = "rmsnorm-forward-copy"
    copy_question(root, new_id=qid, yaml_edit=fast_limits)
    return root, load_bank([root]), qid


# ---------------------------------------------------------------- grading hostile code through the CLI

LLAMAPREP = str(Path(sys.executable).with_name("llamaprep"))
HOSTILE_QID = "rmsnorm-forward"  # every corpus file answers it
CASES = 9  # its 8 cases and 1 property, 10/9 points each
ONE = 10 / CASES


def qid_of(name: str) -> str:
    return "rmsnorm-" + name.replace("_", "-")


def env_for(root: Path) -> dict:
    env = dict(os.environ, LLAMAPREP_HOME=str(root / "home"), LLAMAPREP_WORKSPACE=str(root / "work"), COLUMNS="100")
    env.pop("LLAMAPREP_BANK", None)
    return env


def make_bank(root: Path, names, *, time_limit=2, question_time_limit=6, memory_limit_mb=512, load_time_limit=2) -> Path:
    """A bank holding one copy of rmsnorm-forward per name, with the given limits."""
    bank = root / "bank"
    for sub in ("questions", "solutions"):
        (bank / sub / "rmsnorm").mkdir(parents=True, exist_ok=True)
    data = yaml.safe_load((REPO / "questions" / "rmsnorm" / f"{HOSTILE_QID}.yaml").read_text(encoding="utf-8"))
    data["grading"].update(
        time_limit=time_limit, question_time_limit=question_time_limit, memory_limit_mb=memory_limit_mb, load_time_limit=load_time_limit
    )
    for name in names:
        qid = qid_of(name)
        stem = qid.replace("-", "_")
        data["id"] = qid
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)  # case args are positional
        (bank / "questions" / "rmsnorm" / f"{qid}.yaml").write_text(text, encoding="utf-8")
        shutil.copy(REPO / "questions" / "rmsnorm" / "rmsnorm_forward.py", bank / "questions" / "rmsnorm" / f"{stem}.py")
        shutil.copy(REPO / "solutions" / "rmsnorm" / "rmsnorm_forward.py", bank / "solutions" / "rmsnorm" / f"{stem}.py")
    return bank


def processes_mentioning(text: str) -> list[str]:
    """Live (non-zombie) processes whose command line contains ``text``: forks of a grader
    run inherit its command line, which names the run's own temporary folder."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            cmd = Path(f"/proc/{entry}/cmdline").read_bytes()
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if text.encode() in cmd and stat[stat.rindex(")") + 2] != "Z":
            found.append(f"{entry}: {cmd[:120]!r}")
    return found


def no_leftovers(text: str, patience: float = 10.0) -> list[str]:
    """Leftover processes after a grader run, allowing a moment for the kernel to deliver kills."""
    give_up = time.monotonic() + patience
    while True:
        left = processes_mentioning(text)
        if not left or time.monotonic() > give_up:
            return left
        time.sleep(0.1)


def open_folder() -> Path:
    """A temporary folder anyone may enter and write to.  pytest's own are private to
    their owner, so a worker that dropped to ``nobody`` (grading as root) would be kept
    out by the kernel alone; here only the grader's guard can refuse it."""
    path = Path(tempfile.mkdtemp(prefix="llamaprep-adversarial-"))
    path.chmod(0o777)
    return path


def opened(path: Path) -> Path:
    """Make ``path`` and everything in it writable by anyone (see open_folder)."""
    for item in [path, *path.rglob("*")]:
        item.chmod(0o777 if item.is_dir() else 0o666)
    return path


@pytest.fixture
def open_tmp():
    """An open_folder(), removed afterwards."""
    path = open_folder()
    yield path
    shutil.rmtree(path, ignore_errors=True)


def run_cli(args: list[str], root: Path, timeout: float = 240) -> subprocess.CompletedProcess:
    return subprocess.run([LLAMAPREP, *args], capture_output=True, timeout=timeout, env=env_for(root), cwd=root)
