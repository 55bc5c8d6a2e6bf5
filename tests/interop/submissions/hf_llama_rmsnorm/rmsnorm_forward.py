"""HF's LlamaRMSNorm with the given weight as its parameter."""
import torch
from transformers.models.llama.modeling_llama import LlamaRMSNorm


def rms_norm(x, weight, eps=1e-5):
    norm = LlamaRMSNorm(x.shape[-1], eps=eps)
    norm.weight = torch.nn.Parameter(weight, requires_grad=False)
    with torch.no_grad():
        return norm(x)
