"""Accepted dtype conventions (``accept_dtypes``): Meta's and Hugging Face's RMSNorm modules
promote a half-precision input times a float32 weight to float32, torch.nn.RMSNorm keeps
x.dtype; rmsnorm-module accepts both, graded through `llamaprep grade`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch
import yaml

from grader.bank.loader import load_bank
from grader.bank.schema import CodeQuestion, Tolerance
from grader.bank.strict import ValidationError, validate
from grader.grading.compare import difference
from grader.grading.dtypes import accepted_dtypes

LLAMAPREP = str(Path(sys.executable).with_name("llamaprep"))
QID = "rmsnorm-module"

# Meta's llama/model.py RMSNorm, with the question's default eps.
META = """
import torch
from torch import nn


class RMSNorm(torch.nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def _norm(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x):
        output = self._norm(x.float()).type_as(x)
        return output * self.weight
"""

# Hugging Face's LlamaRMSNorm (modeling_llama.py), renamed.
HF = """
import torch
from torch import nn


class RMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.weight = nn.Parameter(torch.ones(dim))
        self.variance_epsilon = eps

    def forward(self, hidden_states):
        input_dtype = hidden_states.dtype
        hidden_states = hidden_states.to(torch.float32)
        variance = hidden_states.pow(2).mean(-1, keepdim=True)
        hidden_states = hidden_states * torch.rsqrt(variance + self.variance_epsilon)
        return self.weight * hidden_states.to(input_dtype)
"""

# torch.nn.RMSNorm's convention: the output keeps x.dtype.
KEEPS_INPUT_DTYPE = META.replace("return output * self.weight", "return (output * self.weight).type_as(x)")
HALF_CASES = ("large activations in float16", "bfloat16 input, float32 weight")


def grade(tmp_path: Path, source: str) -> tuple[int, dict]:
    path = tmp_path / "rmsnorm_module.py"
    path.write_text(source, encoding="utf-8")
    proc = subprocess.run([LLAMAPREP, "grade", QID, "--file", str(path), "--format", "json"], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    return proc.returncode, json.loads(proc.stdout)["questions"][0]


@pytest.mark.parametrize("source", [META, HF, KEEPS_INPUT_DTYPE], ids=["meta", "hf", "keeps-x-dtype"])
def test_every_established_output_dtype_earns_full_marks(tmp_path, source):
    code, question = grade(tmp_path, source)
    assert code == 0, [(c["name"], c["message"]) for c in question["cases"] if c["status"] != "passed"]
    assert question["score"] == question["max_score"]


def test_a_dtype_no_convention_gives_fails_and_says_which_are_accepted(tmp_path):
    code, question = grade(tmp_path, META.replace("return output * self.weight", "return (output * self.weight).double()"))
    assert code == 1
    cases = {c["name"]: c for c in question["cases"]}
    assert cases["large activations in float16"]["message"] == "dtype mismatch at output: got float64, expected float16 or float32"
    assert cases["bfloat16 input, float32 weight"]["message"] == "dtype mismatch at output: got float64, expected bfloat16 or float32"


def test_a_mistake_in_the_promoted_convention_is_still_named(tmp_path):
    wrong = META.replace("return x * torch.rsqrt(x.pow(2)", "x = x - x.mean(-1, keepdim=True)\n        return x * torch.rsqrt(x.pow(2)")
    code, question = grade(tmp_path, wrong)
    assert code == 1
    half = [c for c in question["cases"] if c["name"] in HALF_CASES]
    assert all(c["status"] == "failed" and c["mistake"] == "mean-subtraction" for c in half), half


# ---------------------------------------------------------------- the rule itself


def test_words_resolve_per_case():
    x16, w32 = torch.zeros(2, 4, dtype=torch.float16), torch.zeros(4)
    assert accepted_dtypes([], [x16, w32]) == frozenset()
    assert accepted_dtypes(["input", "promoted"], [x16, w32]) == {"float16", "float32"}
    assert accepted_dtypes(["promoted"], [x16, x16]) == {"float16"}
    assert accepted_dtypes(["promoted"], [4, x16], driver="module") == {"float32"}  # the module's own float32 weight
    assert accepted_dtypes(["expected", "float64"], [x16]) == {"float64"}


def tolerances(dtype: str) -> Tolerance:
    known = {"bfloat16": Tolerance(rtol=3e-2, atol=3e-2), "float32": Tolerance(rtol=1e-4, atol=1e-5)}
    return known.get(dtype, Tolerance(rtol=0, atol=0))


def test_an_accepted_dtype_is_judged_at_the_lower_precision():
    expected = torch.tensor([1.0, 2.0, 3.0]).to(torch.bfloat16)
    close = torch.tensor([1.01, 2.0, 3.0])  # float32, within bfloat16's tolerance only
    far = torch.tensor([1.2, 2.0, 3.0])
    assert difference(close, expected, tolerances).code == "dtype-mismatch"  # not accepted: dtype first
    assert difference(close, expected, tolerances, accept=frozenset({"float32"})) is None
    assert difference(far, expected, tolerances, accept=frozenset({"float32"})).code == "max-abs-diff"
    ints = torch.tensor([1, 2, 3])
    assert difference(ints, torch.tensor([1, 2, 3], dtype=torch.int32), tolerances, accept=frozenset({"int64"})).code == "dtype-mismatch"


def test_the_schema_names_the_allowed_words():
    data = yaml.safe_load(load_bank().paths[QID].read_text(encoding="utf-8"))
    data["grading"]["accept_dtypes"] = ["input", "widest"]
    with pytest.raises(ValidationError) as info:
        validate(CodeQuestion, data)
    assert any("accept_dtypes: unknown entry 'widest'" in message for _loc, message in info.value.errors), info.value.errors
