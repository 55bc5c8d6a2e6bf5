import torch

from grader.properties import Property, mismatch


def mha_to_gqa(w: torch.Tensor, n_heads: int, n_kv_heads: int) -> torch.Tensor:
    # w: (n_heads * head_dim, dim), rows of head h at h * head_dim .. (h + 1) * head_dim
    head_dim, dim = w.shape[0] // n_heads, w.shape[1]
    group = n_heads // n_kv_heads
    acc = torch.promote_types(w.dtype, torch.float32)
    heads = w.to(acc).reshape(n_kv_heads, group, head_dim, dim)  # consecutive heads form a group
    return heads.mean(dim=1).reshape(n_kv_heads * head_dim, dim).to(w.dtype)  # (n_kv_heads * head_dim, dim)


# Known mistakes: same signature, each wrong in one named way.

def _split(w, n_heads, n_kv_heads):
    head_dim = w.shape[0] // n_heads
    return w.float().reshape(n_kv_heads, n_heads // n_kv_heads, head_dim, w.shape[1])


def mistake_first_head_of_group(w, n_heads, n_kv_heads):
    heads = _split(w, n_heads, n_kv_heads)
    return heads[:, 0].reshape(-1, w.shape[1]).to(w.dtype)


def mistake_strided_groups(w, n_heads, n_kv_heads):
    head_dim = w.shape[0] // n_heads
    # group g pooled from heads g, g + n_kv_heads, g + 2 * n_kv_heads, ...
    heads = w.float().reshape(n_heads // n_kv_heads, n_kv_heads, head_dim, w.shape[1])
    return heads.mean(dim=0).reshape(-1, w.shape[1]).to(w.dtype)


def mistake_summed_not_averaged(w, n_heads, n_kv_heads):
    return _split(w, n_heads, n_kv_heads).sum(dim=1).reshape(-1, w.shape[1]).to(w.dtype)


# Properties.

def prop_group_mean_of_keys(gen: torch.Generator) -> Property:
    """Projecting with the pooled weights gives, for each group, the mean of the group's MHA keys."""
    n_heads, n_kv_heads, head_dim, dim = 8, 2, 16, 64
    w = torch.randn(n_heads * head_dim, dim, generator=gen) / dim**0.5
    x = torch.randn(5, dim, generator=gen, dtype=torch.float64)
    keys = (x @ w.double().T).reshape(5, n_kv_heads, n_heads // n_kv_heads, head_dim)
    group_mean = keys.mean(dim=2).reshape(5, n_kv_heads * head_dim)  # (tokens, n_kv_heads * head_dim)
    calls = [(w, n_heads, n_kv_heads)]

    def judge(outputs: list) -> str | None:
        out = outputs[0]
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (n_kv_heads * head_dim, dim):
            return f"expected a tensor of shape {(n_kv_heads * head_dim, dim)}"
        return mismatch(x @ out.double().T, group_mean, rtol=1e-4, atol=1e-5,
                        what="keys from the pooled weights vs mean of each group's MHA keys")

    return Property(calls=calls, judge=judge)
