"""Fixtures every test gets (an isolated home), and the helpers the test files share: the
built-in bank, a bank file loaded as a module, a case's inputs, errors in tolerance units."""

from __future__ import annotations

import importlib.util
import math
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Optional

import pytest

REPO = Path(__file__).resolve().parent.parent
# The source article the bank quotes (shipped in the repo so quotes can be checked verbatim).
SEED_ARTICLE = REPO / "questions" / "_source" / "000_885669bd3c9b2fed.txt"
CORPUS = REPO / "tests" / "corpus"  # hostile and basic submissions, each with its expected outcome


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path, monkeypatch):
    """Every test gets its own progress store and workspace, never the user's."""
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
    import yaml

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
