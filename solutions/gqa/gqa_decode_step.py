import math

import torch

from grader.properties import Property, mismatch, mismatch_each


def _rope(x: torch.Tensor, positions: torch.Tensor, base: float) -> torch.Tensor:
    # x: (bs, heads, seqlen, head_dim); Meta's adjacent pairs (2i, 2i + 1) rotated by positions * base ** (-2i / d)
    head_dim = x.shape[-1]
    theta = base ** (-torch.arange(0, head_dim, 2, dtype=torch.float64) / head_dim)  # (head_dim // 2,)
    angles = positions.double()[:, None] * theta[None, :]  # (seqlen, head_dim // 2)
    cos, sin = angles.cos(), angles.sin()
    pairs = x.double().reshape(*x.shape[:-1], head_dim // 2, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2)  # float64


def _attend(q: torch.Tensor, keys: torch.Tensor, values: torch.Tensor, offset: bool = True) -> torch.Tensor:
    # q: (bs, n_heads, new_len, d) float64; keys, values: (bs, n_kv_heads, total_len, d) -> float64
    n_rep = q.shape[1] // keys.shape[1]
    new_len, total = q.shape[2], keys.shape[2]
    k = keys.double().repeat_interleave(n_rep, dim=1)  # query head h reads kv head h // n_rep
    v = values.double().repeat_interleave(n_rep, dim=1)
    scores = q @ k.transpose(-2, -1) / math.sqrt(q.shape[-1])  # (bs, n_heads, new_len, total)
    # new token j sits at position total - new_len + j and sees every key up to it
    allowed = torch.ones(new_len, total, dtype=torch.bool).tril(total - new_len if offset else 0)
    return torch.softmax(scores.masked_fill(~allowed, float("-inf")), dim=-1) @ v


def gqa_decode_step(
    q: torch.Tensor,
    k_new: torch.Tensor,
    v_new: torch.Tensor,
    k_cache: torch.Tensor,
    v_cache: torch.Tensor,
    position: int,
    base: float = 10000.0,
):
    """One step of cached decoding: rotate the new queries and keys at positions position + j,
    append the new keys and values (kv heads, not repeated) to the cache, attend over the cache.

    Like Meta's Attention.forward, the rotated keys are stored in the cache's dtype and the
    attention reads them back from the cache; the rest is float64, rounded once at the end.
    """
    new_len = q.shape[2]  # q: (bs, n_heads, new_len, d); k_new, v_new: (bs, n_kv_heads, new_len, d)
    positions = torch.arange(position, position + new_len)
    keys = torch.cat((k_cache, _rope(k_new, positions, base).to(k_cache.dtype)), dim=2)  # (bs, n_kv, total, d)
    values = torch.cat((v_cache, v_new.to(v_cache.dtype)), dim=2)
    out = _attend(_rope(q, positions, base), keys, values)  # (bs, n_heads, new_len, d)
    return out.to(q.dtype), keys, values


# Known mistakes: same signature, each wrong in one named way.

def _step(q, k_new, v_new, k_cache, v_cache, position, base=10000.0, *, start=None, rotate_key=True,
          repeat_cache=False, rerotate=False, offset=True):
    new_len = q.shape[2]
    first = position if start is None else start(position)
    positions = torch.arange(first, first + new_len)
    if rerotate:
        # treats the cache as unrotated keys and rotates everything at 0 .. total - 1 on every step
        raw = torch.cat((k_cache, k_new.to(k_cache.dtype)), dim=2)
        keys = _rope(raw, torch.arange(raw.shape[2]), base).to(k_cache.dtype)
    else:
        k_rot = _rope(k_new, positions, base) if rotate_key else k_new.double()
        keys = torch.cat((k_cache, k_rot.to(k_cache.dtype)), dim=2)
    values = torch.cat((v_cache, v_new.to(v_cache.dtype)), dim=2)
    out = _attend(_rope(q, positions, base), keys, values, offset=offset).to(q.dtype)
    if repeat_cache:
        n_rep = q.shape[1] // k_cache.shape[1]
        keys, values = keys.repeat_interleave(n_rep, dim=1), values.repeat_interleave(n_rep, dim=1)
    return out, keys, values


def mistake_cache_after_repeat(*args):
    return _step(*args, repeat_cache=True)


def mistake_new_key_not_rotated(*args):
    return _step(*args, rotate_key=False)


def mistake_ignores_position(*args):
    return _step(*args, start=lambda position: 0)


def mistake_position_after_append(*args):
    return _step(*args, start=lambda position: position + 1)


def mistake_rerotates_cache(*args):
    return _step(*args, rerotate=True)


def mistake_mask_not_offset(*args):
    return _step(*args, offset=False)


# Properties.

def prop_steps_equal_full_pass(gen: torch.Generator) -> Property:
    """A prefill of L tokens in one call equals L single-token steps, each fed the keys cached so far."""
    bs, n_heads, n_kv, length, d = 2, 8, 2, 9, 16
    q = torch.randn(bs, n_heads, length, d, generator=gen)
    k, v = torch.randn(2, bs, n_kv, length, d, generator=gen)
    empty = torch.zeros(bs, n_kv, 0, d)
    full_out, full_k, full_v = gqa_decode_step(q, k, v, empty, empty, 0)
    calls = [(q, k, v, empty, empty, 0)] + [
        (q[:, :, t : t + 1], k[:, :, t : t + 1], v[:, :, t : t + 1], full_k[:, :, :t], full_v[:, :, :t], t)
        for t in range(length)
    ]

    def judge(outputs: list) -> str | None:
        first = outputs[0]
        if not isinstance(first, (tuple, list)) or len(first) != 3:
            return "the full pass: expected (out, k_cache, v_cache)"
        problem = mismatch_each(first, (full_out, full_k, full_v), ("out", "k_cache", "v_cache"),
                                rtol=1e-4, atol=1e-5, what="full pass from an empty cache: {}")
        if problem:
            return problem
        for t, step in enumerate(outputs[1:]):
            if not isinstance(step, (tuple, list)) or len(step) != 3:
                return f"step {t}: expected (out, k_cache, v_cache)"
            problem = mismatch(step[0], first[0][:, :, t : t + 1], rtol=1e-4, atol=1e-5,
                               what=f"step at position {t} vs row {t} of the full pass")
            problem = problem or mismatch(step[1], first[1][:, :, : t + 1], rtol=1e-5, atol=1e-6,
                                          what=f"k_cache after the step at position {t} vs the full pass's")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)
