import torch


def llama_attention_block(
    x: torch.Tensor,
    norm_weight: torch.Tensor,
    wq: torch.Tensor,
    wk: torch.Tensor,
    wv: torch.Tensor,
    wo: torch.Tensor,
    n_heads: int,
    n_kv_heads: int,
    positions: torch.Tensor,
    eps: float = 1e-5,
    rope_base: float = 10000.0,
) -> torch.Tensor:
    # x: (bs, seqlen, dim); norm_weight: (dim,); positions: (seqlen,) int64
    # wq: (n_heads * head_dim, dim); wk, wv: (n_kv_heads * head_dim, dim); wo: (dim, n_heads * head_dim)
    # returns x + wo(attention(rope(q), rope(k), v)) with q, k, v projected from rms_norm(x): (bs, seqlen, dim)
    # TODO: rms_norm -> q, k, v -> interleaved RoPE on q, k -> causal GQA -> wo -> add x
    raise NotImplementedError
