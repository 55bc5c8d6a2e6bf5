import torch


def mha_to_gqa(w: torch.Tensor, n_heads: int, n_kv_heads: int) -> torch.Tensor:
    # w: (n_heads * head_dim, dim), a K or V projection in nn.Linear layout (out_features, in_features)
    # returns (n_kv_heads * head_dim, dim) in w.dtype
    # TODO: mean-pool each group of n_heads // n_kv_heads consecutive heads into one kv head
    raise NotImplementedError
