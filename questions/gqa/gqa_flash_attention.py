import torch


def flash_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, block_size: int = 32, causal: bool = True
) -> torch.Tensor:
    # q: (bs, n_heads, q_len, head_dim); k, v: (bs, n_kv_heads, kv_len, head_dim); query i sits at kv_len - q_len + i
    # query head h uses kv head h // (n_heads // n_kv_heads); returns (bs, n_heads, q_len, head_dim) in q.dtype
    # TODO: loop over query tiles and key tiles of block_size; keep a running max m, running sum l and
    #       unnormalised output o per query row; rescale l and o by exp(m_old - m_new); return o / l
    raise NotImplementedError
