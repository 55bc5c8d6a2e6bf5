"""Every reference in solutions/ that Hugging Face implements too, against HF's code, case by
case and in process (no CLI, no sandbox): the expected outputs are HF's numbers, not just ours.

The HF side is the interop submissions (thin wrappers of modeling_llama and modeling_rope_utils),
plus LlamaRMSNorm under autograd for the backward and module questions."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from types import SimpleNamespace

import pytest
import torch

pytest.importorskip("transformers")

from transformers import LlamaConfig  # noqa: E402
from transformers.models.llama.modeling_llama import (  # noqa: E402
    LlamaDecoderLayer,
    LlamaMLP,
    LlamaRMSNorm,
    LlamaRotaryEmbedding,
    apply_rotary_pos_emb,
    eager_attention_forward,
)

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
    others |= set(HF_HERE)  # HF's modules driven from this file, below
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


# ---- HF's modules for the questions no interop submission wraps (driven here, in process)

def _config(dim, n_heads, n_kv_heads, head_dim, rope_base, eps=1e-5, hidden=None):
    config = LlamaConfig(hidden_size=dim, num_attention_heads=n_heads, num_key_value_heads=n_kv_heads, head_dim=head_dim,
                         intermediate_size=hidden or 4 * dim, hidden_act="silu", rms_norm_eps=eps, attention_bias=False,
                         mlp_bias=False, rope_parameters={"rope_type": "default", "rope_theta": rope_base})
    config._attn_implementation = "eager"
    return config


def _to_half_layout(w, n_heads):
    # convert_llama_weights_to_hf's permute: per head, rows 2i, 2i+1 -> i, i + head_dim/2
    out, dim = w.shape
    return w.view(n_heads, out // n_heads // 2, 2, dim).transpose(1, 2).reshape(out, dim)


def _causal_mask(q_len, kv_len, dtype):
    blocked = torch.ones(q_len, kv_len, dtype=torch.bool).triu(kv_len - q_len + 1)
    return torch.zeros(q_len, kv_len, dtype=dtype).masked_fill(blocked, torch.finfo(dtype).min)[None, None]


def hf_swiglu_ffn(x, w1, w2, w3):
    mlp = LlamaMLP(_config(x.shape[-1], 1, 1, x.shape[-1], 10000.0, hidden=w1.shape[0])).to(x.dtype)
    with torch.no_grad():
        mlp.gate_proj.weight.copy_(w1)
        mlp.up_proj.weight.copy_(w3)
        mlp.down_proj.weight.copy_(w2)
        return mlp(x)


def hf_decoder_layer(x, attention_norm, wq, wk, wv, wo, ffn_norm, w1, w2, w3, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    bs, seq, dim = x.shape
    config = _config(dim, n_heads, n_kv_heads, wq.shape[0] // n_heads, rope_base, eps, hidden=w1.shape[0])
    layer = LlamaDecoderLayer(config, layer_idx=0).to(x.dtype).eval()
    with torch.no_grad():
        for param, value in ((layer.input_layernorm.weight, attention_norm), (layer.post_attention_layernorm.weight, ffn_norm),
                             (layer.self_attn.q_proj.weight, _to_half_layout(wq, n_heads)),
                             (layer.self_attn.k_proj.weight, _to_half_layout(wk, n_kv_heads)),
                             (layer.self_attn.v_proj.weight, wv), (layer.self_attn.o_proj.weight, wo),
                             (layer.mlp.gate_proj.weight, w1), (layer.mlp.up_proj.weight, w3), (layer.mlp.down_proj.weight, w2)):
            param.copy_(value)
        cos, sin = LlamaRotaryEmbedding(config)(x, positions[None])
        return layer(x, attention_mask=_causal_mask(seq, seq, x.dtype), position_embeddings=(cos, sin))


def hf_flash_attention(q, k, v, block_size=32, causal=True):
    # HF has no tiled kernel on CPU: its eager attention is the same function, untiled
    module = SimpleNamespace(num_key_value_groups=q.shape[1] // k.shape[1], training=False)
    mask = _causal_mask(q.shape[2], k.shape[2], q.dtype) if causal else None
    out, _ = eager_attention_forward(module, q, k, v, mask, scaling=q.shape[-1] ** -0.5)
    return out.transpose(1, 2)


def hf_decode_step(q, k_new, v_new, k_cache, v_cache, position, base=10000.0):
    # HF's rotary embedding on Meta-layout heads (permuted into the half layout and back), the
    # new keys appended as DynamicCache.update does (torch.cat on the sequence axis), eager attention
    d, new_len = q.shape[-1], q.shape[2]
    to_half = torch.cat((torch.arange(0, d, 2), torch.arange(1, d, 2)))
    back = torch.argsort(to_half)
    config = _config(d, 1, 1, d, base)
    cos, sin = LlamaRotaryEmbedding(config)(q.float(), torch.arange(position, position + new_len)[None])
    q_rot, k_rot = apply_rotary_pos_emb(q.float()[..., to_half], k_new.float()[..., to_half], cos, sin)
    keys = torch.cat((k_cache, k_rot[..., back].to(k_cache.dtype)), dim=2)
    values = torch.cat((v_cache, v_new.to(v_cache.dtype)), dim=2)
    module = SimpleNamespace(num_key_value_groups=q.shape[1] // k_new.shape[1], training=False)
    mask = _causal_mask(new_len, keys.shape[2], torch.float32)
    out, _ = eager_attention_forward(module, q_rot[..., back], keys.float(), values.float(), mask, scaling=d**-0.5)
    return out.transpose(1, 2).to(q.dtype), keys, values


HF_HERE = {
    "llama-swiglu-ffn": hf_swiglu_ffn,
    "llama-decoder-layer": hf_decoder_layer,
    "gqa-flash-attention": hf_flash_attention,
    "gqa-decode-step": hf_decode_step,
}


@pytest.mark.parametrize("qid", sorted(HF_HERE))
def test_reference_equals_hugging_face_modules(qid):
    q = bank().get(qid)
    ref, lib = reference(qid), HF_HERE[qid]
    for case, args in cases(qid):
        expected = ref(*fresh(args))
        tolerance = q.grading.tolerance
        if qid == "gqa-decode-step" and all(a.dtype == torch.float64 for a in args if isinstance(a, torch.Tensor)):
            # HF (like Meta's precompute_freqs_cis) computes the rotary angles in float32 whatever
            # the input: ~1e-7 off in float64, more than this question's float64 tolerance allows
            tolerance = lambda dtype: q.grading.tolerance("float32")  # noqa: E731
        problem = compare(lib(*fresh(args)), expected, tolerance)
        assert problem is None, f"{qid} {case.name!r}: HF gives {problem}"
