import torch

from grader.properties import Property, mismatch


def _inv_freq(head_dim: int, base: float) -> torch.Tensor:
    # (head_dim // 2,) float32: theta_i = base ** (-2i / head_dim)
    return 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


def apply_rope_half(x: torch.Tensor, positions: torch.Tensor, base: float = 10000.0) -> torch.Tensor:
    """Equal to HF's x * cos + rotate_half(x) * sin with cos, sin = cat(freqs, freqs).cos(), .sin()."""
    # x: (batch, seq, heads, head_dim), positions: (seq,) int64
    angles = torch.outer(positions.float(), _inv_freq(x.shape[-1], base))  # (seq, head_dim/2)
    cos = angles.cos()[None, :, None, :]  # (1, seq, 1, head_dim/2)
    sin = angles.sin()[None, :, None, :]
    a, b = x.float().chunk(2, dim=-1)  # (batch, seq, heads, head_dim/2) each: dims i and i + head_dim/2
    return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1).type_as(x)


# Known mistakes: same signature, each wrong in one named way.

def _angles(x, positions, base):
    return torch.outer(positions.float(), _inv_freq(x.shape[-1], base))  # (seq, head_dim/2)


def _rotate_half_layout(x, angles):
    cos = angles.cos()[None, :, None, :]
    sin = angles.sin()[None, :, None, :]
    a, b = x.float().chunk(2, dim=-1)
    return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1).type_as(x)


def mistake_interleaved_layout(x, positions, base=10000.0):
    angles = _angles(x, positions, base)
    cos = angles.cos()[None, :, None, :]
    sin = angles.sin()[None, :, None, :]
    xf = x.float()
    a, b = xf[..., 0::2], xf[..., 1::2]
    return torch.stack((a * cos - b * sin, a * sin + b * cos), dim=-1).flatten(-2).type_as(x)


def mistake_rotate_half_sign(x, positions, base=10000.0):
    # rotate_half written as cat(x2, -x1): every pair turns by -angle
    return _rotate_half_layout(x, -_angles(x, positions, base))


def mistake_repeat_interleaved_freqs(x, positions, base=10000.0):
    # cos/sin built with repeat_interleave(freqs, 2) (Meta's order) but used with rotate_half
    emb = _angles(x, positions, base).repeat_interleave(2, dim=-1)  # (seq, head_dim)
    cos = emb.cos()[None, :, None, :]
    sin = emb.sin()[None, :, None, :]
    xf = x.float()
    a, b = xf.chunk(2, dim=-1)
    return (xf * cos + torch.cat((-b, a), dim=-1) * sin).type_as(x)


def mistake_positions_ignored(x, positions, base=10000.0):
    return _rotate_half_layout(x, _angles(x, torch.arange(x.shape[1]), base))


def mistake_table_along_heads(x, positions, base=10000.0):
    # the rotary table built along dim -2, the heads in (batch, seq, heads, head_dim): head h
    # turns by h * theta whatever the token's position (xformers#841, open_lm#4)
    angles = _angles(x, torch.arange(x.shape[-2]), base)  # (heads, head_dim/2)
    cos, sin = angles.cos()[None, None], angles.sin()[None, None]  # (1, 1, heads, head_dim/2)
    a, b = x.float().chunk(2, dim=-1)
    return torch.cat((a * cos - b * sin, a * sin + b * cos), dim=-1).type_as(x)


def mistake_angles_in_low_precision(x, positions, base=10000.0):
    # inv_freq and positions in x's dtype before the product m * theta (gpt-neox#1003,
    # transformers#29285): at position 8191 bfloat16 cannot even hold the position
    inv_freq = _inv_freq(x.shape[-1], base).to(x.dtype)
    angles = positions.to(x.dtype)[:, None] * inv_freq[None, :]
    return _rotate_half_layout(x, angles.float())


# Properties: each judge first anchors one output on the reference, so a constant fails.

def _anchor(out, x, positions, what):
    return mismatch(out, apply_rope_half(x, positions), rtol=1e-3, atol=2e-3, what=what)


def prop_relative_position(gen: torch.Generator) -> Property:
    heads, d = 4, 64
    q = torch.randn(1, 1, heads, d, generator=gen)
    k = torch.randn(1, 1, heads, d, generator=gen)
    m = torch.randint(0, 500, (4,), generator=gen)
    n = torch.randint(0, 500, (4,), generator=gen)
    shift = torch.randint(1, 2000, (4,), generator=gen)
    calls = [
        (q.expand(1, 8, heads, d).clone(), torch.cat((m, m + shift))),
        (k.expand(1, 8, heads, d).clone(), torch.cat((n, n + shift))),
    ]

    def judge(outputs: list) -> str | None:
        for out, (x, pos), what in zip(outputs, calls, ("rotated q", "rotated k")):
            problem = _anchor(out, x, pos, what)
            if problem:
                return problem
        scores = (outputs[0].double() * outputs[1].double()).sum(-1)[0]  # (8, heads)
        scale = float(q.norm(dim=-1).max() * k.norm(dim=-1).max())
        diff = float((scores[:4] - scores[4:]).abs().max())
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

        def pair_norms(t):  # (..., head_dim/2): norm of (t[i], t[i + head_dim/2])
            a, b = t.double().chunk(2, dim=-1)
            return torch.sqrt(a * a + b * b)

        return mismatch(pair_norms(out), pair_norms(x), rtol=1e-4, atol=1e-5, what="norm of each pair (i, i + head_dim/2)")

    return Property(calls=[(x, positions)], judge=judge)


def prop_position_zero_identity(gen: torch.Generator) -> Property:
    x = torch.randn(2, 5, 4, 16, generator=gen)
    positions = torch.zeros(5, dtype=torch.int64)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        return mismatch(out, x, rtol=1e-6, atol=1e-6, what="RoPE at position 0 vs x")

    return Property(calls=[(x, positions)], judge=judge)
