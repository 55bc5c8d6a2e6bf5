import torch

from grader.properties import Property, mismatch


def _inv_freq(head_dim: int, base: float) -> torch.Tensor:
    # (head_dim // 2,) float32: theta_i = base ** (-2i / head_dim), as Meta's precompute_freqs_cis
    return 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


def apply_rope_interleaved(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Equal to Meta's apply_rotary_emb: view_as_complex(x.float() pairs) * polar(1, m * theta_i)."""
    # x: (batch, seq, heads, head_dim), positions: (seq,) int64
    angles = torch.outer(positions.float(), _inv_freq(x.shape[-1], base))  # (seq, head_dim/2)
    cos = angles.cos()[None, :, None, :]  # (1, seq, 1, head_dim/2)
    sin = angles.sin()[None, :, None, :]
    pairs = x.float().unflatten(-1, (-1, 2))  # (batch, seq, heads, head_dim/2, 2)
    a, b = pairs[..., 0], pairs[..., 1]
    out = torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1)  # (batch, seq, heads, head_dim/2, 2)
    return out.flatten(-2).type_as(x)


# Known mistakes: same signature, each wrong in one named way.

def _rotate_pairs(x, angles, half_layout=False):
    # angles: (seq, head_dim/2); rotates (2i, 2i+1) or, with half_layout, (i, i + head_dim/2)
    cos = angles.cos()[None, :, None, :]
    sin = angles.sin()[None, :, None, :]
    xf = x.float()
    if half_layout:
        a, b = xf.chunk(2, dim=-1)
        return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1).type_as(x)
    a, b = xf[..., 0::2], xf[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2).type_as(x)


def mistake_rotate_half_layout(x, positions, base=10000.0):
    angles = torch.outer(positions.float(), _inv_freq(x.shape[-1], base))
    return _rotate_pairs(x, angles, half_layout=True)


def mistake_exponent_i_over_d(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = 1.0 / (base ** (torch.arange(d // 2).float() / d))
    return _rotate_pairs(x, torch.outer(positions.float(), inv_freq))


def mistake_positions_ignored(x, positions, base=10000.0):
    seq = torch.arange(x.shape[1]).float()
    return _rotate_pairs(x, torch.outer(seq, _inv_freq(x.shape[-1], base)))


def mistake_sign_flipped(x, positions, base=10000.0):
    angles = torch.outer(positions.float(), _inv_freq(x.shape[-1], base))
    return _rotate_pairs(x, -angles)


def mistake_base_ignored(x, positions, base=10000.0):
    angles = torch.outer(positions.float(), _inv_freq(x.shape[-1], 10000.0))
    return _rotate_pairs(x, angles)


def mistake_table_along_heads(x, positions, base=10000.0):
    # the rotary table built along dim -2, the heads in (batch, seq, heads, head_dim): head h
    # turns by h * theta whatever the token's position (xformers#841, open_lm#4)
    angles = torch.outer(torch.arange(x.shape[-2]).float(), _inv_freq(x.shape[-1], base))  # (heads, head_dim/2)
    cos, sin = angles.cos()[None, None], angles.sin()[None, None]  # (1, 1, heads, head_dim/2)
    xf = x.float()
    a, b = xf[..., 0::2], xf[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2).type_as(x)


# Properties: each judge first anchors one output on the reference, so a constant fails.

def _anchor(out, x, positions, what):
    return mismatch(out, apply_rope_interleaved(x, positions), rtol=1e-3, atol=2e-3, what=what)


def prop_relative_position(gen: torch.Generator) -> Property:
    heads, d = 4, 64
    q = torch.randn(1, 1, heads, d, generator=gen)
    k = torch.randn(1, 1, heads, d, generator=gen)
    m = torch.randint(0, 500, (4,), generator=gen)
    n = torch.randint(0, 500, (4,), generator=gen)
    shift = torch.randint(1, 2000, (4,), generator=gen)
    q_pos = torch.cat((m, m + shift))  # (8,)
    k_pos = torch.cat((n, n + shift))
    calls = [(q.expand(1, 8, heads, d).clone(), q_pos), (k.expand(1, 8, heads, d).clone(), k_pos)]

    def judge(outputs: list) -> str | None:
        rq, rk = outputs
        for out, (x, pos), what in zip(outputs, calls, ("rotated q", "rotated k")):
            problem = _anchor(out, x, pos, what)
            if problem:
                return problem
        scores = (rq.double() * rk.double()).sum(-1)[0]  # (8, heads)
        before, after = scores[:4], scores[4:]
        scale = float(q.norm(dim=-1).max() * k.norm(dim=-1).max())
        diff = float((before - after).abs().max())
        if diff > 2e-3 * scale:
            return f"<R_m q, R_n k> changed by {diff:.3g} when both positions moved by the same shift"
        return None

    return Property(calls=calls, judge=judge)


def prop_pair_norms(gen: torch.Generator) -> Property:
    x = torch.randn(2, 6, 3, 32, generator=gen)
    positions = torch.randint(0, 4096, (6,), generator=gen)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        problem = _anchor(out, x, positions, "rotated x")
        if problem:
            return problem
        norms_in = x.double().unflatten(-1, (-1, 2)).norm(dim=-1)
        norms_out = out.double().unflatten(-1, (-1, 2)).norm(dim=-1)
        return mismatch(norms_out, norms_in, rtol=1e-4, atol=1e-5, what="norm of each pair (2i, 2i+1)")

    return Property(calls=[(x, positions)], judge=judge)


def prop_position_zero_identity(gen: torch.Generator) -> Property:
    x = torch.randn(2, 5, 4, 16, generator=gen)
    positions = torch.zeros(5, dtype=torch.int64)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        return mismatch(out, x, rtol=1e-6, atol=1e-6, what="RoPE at position 0 vs x")

    return Property(calls=[(x, positions)], judge=judge)
