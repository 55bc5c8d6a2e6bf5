"""HF's LlamaRMSNorm itself; only the default eps differs (1e-6 in HF, 1e-5 here)."""
from transformers.models.llama.modeling_llama import LlamaRMSNorm


class RMSNorm(LlamaRMSNorm):
    def __init__(self, dim, eps=1e-5):
        super().__init__(dim, eps=eps)
