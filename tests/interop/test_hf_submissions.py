"""Correct answers wrapping Hugging Face's Llama code and torch's built-ins earn full marks,
graded through the command line (a class folder, one student per wrapped API), default limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("transformers")

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
FILES = sorted(SUBMISSIONS.glob("*/*.py"))
# What the brief names must stay covered, whatever else is added.
WRAPPED = {
    "hf_apply_rotary_pos_emb": {"rope-apply-half", "rope-apply-interleaved"},
    "hf_llama_rotary_embedding": {"rope-frequencies"},
    "hf_compute_llama3_parameters": {"rope-llama3-scaling"},
    "hf_llama_rmsnorm": {"rmsnorm-forward", "rmsnorm-module", "rmsnorm-fused-residual"},
    "hf_repeat_kv": {"gqa-repeat-kv"},
    "hf_eager_attention_forward": {"gqa-attention"},
    "hf_llama_attention": {"llama-attention-block"},
    "torch_sdpa_enable_gqa": {"llama-attention-block"},
    "torch_builtins": {"llama-attention-block", "gqa-repeat-kv", "rope-apply-interleaved"},
}


def _key(path: Path) -> tuple[str, str]:
    return path.parent.name, path.stem.replace("_", "-")


@pytest.fixture(scope="module")
def graded(tmp_path_factory) -> dict[tuple[str, str], dict]:
    # One run for the whole class, as an instructor would grade it; a fresh home and workspace.
    home = tmp_path_factory.mktemp("interop-home")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("LLAMAPREP_")},
           "LLAMAPREP_HOME": str(home / "home"), "LLAMAPREP_WORKSPACE": str(home / "work"),
           "LANG": "C.UTF-8"}
    proc = subprocess.run(
        [sys.executable, "-c", "import cli; cli.main()", "grade", "--submissions", str(SUBMISSIONS), "--format", "json"],
        capture_output=True, text=True, timeout=900, env=env, cwd=Path(__file__).resolve().parents[2],
    )
    assert proc.returncode in (0, 1), proc.stderr[-2000:]
    report = json.loads(proc.stdout)
    return {(s["student"], q["id"]): q for s in report["students"] for q in s["questions"]}


def test_every_wrapped_api_of_the_brief_has_its_submission():
    have = {}
    for path in FILES:
        student, qid = _key(path)
        have.setdefault(student, set()).add(qid)
    missing = {s: sorted(qids - have.get(s, set())) for s, qids in WRAPPED.items() if qids - have.get(s, set())}
    assert not missing


def test_every_file_was_graded(graded):
    # the class report also lists each question a student has no file for (score 0)
    assert {_key(p) for p in FILES} <= set(graded)


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_full_marks(graded, path):
    q = graded[_key(path)]
    lost = [f'{c["name"]}: {c["status"]}: {c["message"]}' for c in q["cases"] if c["score"] < c["max_score"]]
    assert q["score"] == q["max_score"], "\n".join(lost)
