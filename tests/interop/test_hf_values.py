"""Every reference in solutions/ that Hugging Face implements too, against HF's code, case by
case and in process (no CLI, no sandbox): the expected outputs are HF's numbers, not just ours.

The HF side is the interop submissions (thin wrappers of modeling_llama and modeling_rope_utils),
plus LlamaRMSNorm under autograd for the backward and module questions."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import pytest
import torch

pytest.importorskip("transformers")

from transformers.models.llama.modeling_llama import LlamaRMSNorm  # noqa: E402

from grader.bank.loader import load_bank  # noqa: E402
from grader.grading.compare import compare  # noqa: E402
from grader.grading.inputs import build_args  # noqa: E402

SUBMISSIONS = Path(__file__).resolve().parent / "submissions"
# question -> the HF wrapper whose values the reference must reproduce
HF = {
    "rope-apply-half": "hf_apply_rotary_pos_emb",
    "rope-apply-interleaved": "hf_apply_rotary_pos_emb",
    "rope-frequencies": "hf_llama_rotary_embedding",
    "rope-llama3-scaling": "hf_compute_llama3_parameters",
    "rope-position-interpolation": "hf_linear_scaling",
    "rope-ntk-scaling": "hf_dynamic_ntk",
    # YaRN's paper ramp is _compute_llama3_parameters with alpha, beta (HF's yarn ramps over pair
    # indices: tests/bank/test_bank_rope_hf.py compares what the two share)
    "rope-yarn": "hf_compute_llama3_parameters",
    "rmsnorm-forward": "hf_llama_rmsnorm",
    "rmsnorm-fused-residual": "hf_llama_rmsnorm",
    "gqa-repeat-kv": "hf_repeat_kv",
    "gqa-attention": "hf_eager_attention_forward",
    "llama-attention-block": "hf_llama_attention",
}


@cache
def bank():
    return load_bank()


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(qid: str):
    q = bank().get(qid)
    return getattr(_load(bank().solution_path(qid), "ref_" + qid.replace("-", "_")), q.entry_point)


def hf(qid: str):
    q = bank().get(qid)
    path = SUBMISSIONS / HF[qid] / (qid.replace("-", "_") + ".py")
    return getattr(_load(path, f"hf_{HF[qid]}_{qid.replace('-', '_')}"), q.entry_point)


def cases(qid: str):
    for c in bank().get(qid).grading.cases:
        yield c, build_args(qid, c.name, c.args, c.seed)


def fresh(args):
    return [a.clone() if isinstance(a, torch.Tensor) else a for a in args]


def test_every_code_question_with_an_hf_counterpart_is_listed():
    # the questions HF has nothing for: the KV-cache arithmetic, the uptraining pool, the
    # permutation (HF's is a conversion script, not in the wheel); backward and module are below
    others = {"gqa-kv-cache-bytes", "gqa-from-mha", "rope-layout-permutation", "rmsnorm-backward", "rmsnorm-module"}
    code = {qid for qid, q in bank().questions.items() if q.kind == "code" and qid in bank().paths
            and bank().paths[qid].is_relative_to(Path(__file__).resolve().parents[2] / "questions")}
    assert code - others <= set(HF), sorted(code - others - set(HF))


@pytest.mark.parametrize("qid", sorted(HF))
def test_reference_equals_hugging_face(qid):
    q = bank().get(qid)
    ref, lib = reference(qid), hf(qid)
    for case, args in cases(qid):
        expected = ref(*fresh(args))
        problem = compare(lib(*fresh(args)), expected, q.grading.tolerance)
        assert problem is None, f"{qid} {case.name!r}: HF gives {problem}"


def _hf_norm(dim, eps, weight, x, grad_out):
    """LlamaRMSNorm with ``weight`` on ``x``; with ``grad_out``, also autograd's grad_x and grad_weight."""
    norm = LlamaRMSNorm(dim, eps=eps)
    norm.weight = torch.nn.Parameter(weight.clone())
    x = x.clone().requires_grad_(grad_out is not None)
    out = norm(x)
    if grad_out is None:
        return out.detach(), None, None
    out.backward(grad_out.to(out.dtype))
    return out.detach(), x.grad, norm.weight.grad


def test_rmsnorm_backward_equals_autograd_through_hugging_face():
    qid = "rmsnorm-backward"
    q = bank().get(qid)
    ref = reference(qid)
    for case, (x, weight, grad_out, *eps) in cases(qid):
        eps = eps[0] if eps else 1e-5
        _, grad_x, grad_weight = _hf_norm(x.shape[-1], eps, weight, x, grad_out)
        problem = compare((grad_x, grad_weight), ref(x.clone(), weight.clone(), grad_out.clone(), eps), q.grading.tolerance)
        assert problem is None, f"{qid} {case.name!r}: HF autograd gives {problem}"


def test_rmsnorm_module_values_equal_hugging_face():
    # Values only: with a float32 weight and a bfloat16 x, HF promotes the output to float32
    # while the reference keeps x's dtype; which dtypes a case accepts is the question's business.
    qid = "rmsnorm-module"
    q = bank().get(qid)
    ref_cls = reference(qid)
    for case in q.grading.cases:
        args = dict(zip(case.args, build_args(qid, case.name, case.args, case.seed)))
        dim, eps, grad_out = args["dim"], args.get("eps", 1e-5), args.get("grad_out")
        weight = args.get("param_weight", torch.ones(dim))
        out, grad_x, grad_weight = _hf_norm(dim, eps, weight, args["x"], grad_out)
        ref = ref_cls(dim, eps)
        with torch.no_grad():
            ref.weight.copy_(weight)
        x = args["x"].clone().requires_grad_(grad_out is not None)
        expected = ref(x)
        problem = compare(out.to(expected.dtype), expected.detach(), q.grading.tolerance)
        if grad_out is not None:
            expected.backward(grad_out)
            problem = problem or compare((grad_x, grad_weight), (x.grad, ref.weight.grad), q.grading.tolerance)
        assert problem is None, f"{qid} {case.name!r}: HF gives {problem}"
