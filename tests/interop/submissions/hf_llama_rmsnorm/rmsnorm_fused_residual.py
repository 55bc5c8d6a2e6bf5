"""The residual add, then HF's LlamaRMSNorm with the given weight."""
import torch
from transformers.models.llama.modeling_llama import LlamaRMSNorm


def add_rms_norm(x, residual, weight, eps=1e-5):
    h = x + residual
    norm = LlamaRMSNorm(x.shape[-1], eps=eps)
    norm.weight = torch.nn.Parameter(weight, requires_grad=False)
    with torch.no_grad():
        return norm(h), h
