import torch


def grouped_query_attention(
    q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, causal: bool = True
) -> torch.Tensor:
    # q: (bs, n_heads, q_len, head_dim); k, v: (bs, n_kv_heads, kv_len, head_dim)
    # query i sits at position kv_len - q_len + i; query head h uses kv head h // (n_heads // n_kv_heads)
    # returns (bs, n_heads, q_len, head_dim) in q.dtype
    # TODO: share each kv head with its group, scale by 1/sqrt(head_dim), offset causal mask, softmax over keys
    raise NotImplementedError
