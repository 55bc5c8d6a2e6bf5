import torch


def gqa_decode_step(
    q: torch.Tensor,
    k_new: torch.Tensor,
    v_new: torch.Tensor,
    k_cache: torch.Tensor,
    v_cache: torch.Tensor,
    position: int,
    base: float = 10000.0,
):
    # q: (bs, n_heads, new_len, head_dim); k_new, v_new: (bs, n_kv_heads, new_len, head_dim), not rotated yet
    # k_cache, v_cache: (bs, n_kv_heads, position, head_dim); the cached keys are already rotated
    # new token j sits at position + j; query head h uses kv head h // (n_heads // n_kv_heads)
    # returns (out (bs, n_heads, new_len, head_dim) in q.dtype, k_cache, v_cache each with position + new_len tokens)
    # TODO: rotate q and k_new (adjacent pairs) at position + j, append to the caches (kv heads only), attend
    raise NotImplementedError
