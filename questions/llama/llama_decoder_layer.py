import torch


def llama_decoder_layer(
    x: torch.Tensor,
    attention_norm: torch.Tensor,
    wq: torch.Tensor,
    wk: torch.Tensor,
    wv: torch.Tensor,
    wo: torch.Tensor,
    ffn_norm: torch.Tensor,
    w1: torch.Tensor,
    w2: torch.Tensor,
    w3: torch.Tensor,
    n_heads: int,
    n_kv_heads: int,
    positions: torch.Tensor,
    eps: float = 1e-5,
    rope_base: float = 10000.0,
) -> torch.Tensor:
    # x: (bs, seqlen, dim); attention_norm, ffn_norm: (dim,); positions: (seqlen,) int64
    # wq: (n_heads * head_dim, dim); wk, wv: (n_kv_heads * head_dim, dim); wo: (dim, n_heads * head_dim)
    # w1, w3: (hidden, dim); w2: (dim, hidden)
    # returns out = h + w2(silu(w1(n)) * w3(n)) with n = rms_norm(h, ffn_norm), h = x + attention(rms_norm(x, attention_norm))
    # TODO: the attention half (norm, q/k/v, interleaved RoPE, causal GQA, wo, residual), then the SwiGLU half
    raise NotImplementedError
