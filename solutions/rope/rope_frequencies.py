import torch

from grader.properties import Property, mismatch


def rope_frequencies(head_dim: int, max_positions: int, base: float = 10000.0) -> tuple[torch.Tensor, torch.Tensor]:
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))  # (head_dim/2,)
    positions = torch.arange(max_positions, dtype=torch.float32)  # (max_positions,)
    angles = torch.outer(positions, inv_freq)  # (max_positions, head_dim/2): m * base ** (-2i / head_dim)
    return angles.cos(), angles.sin()


# Known mistakes: same signature, each wrong in one named way (none calls the entry point by name).

def _inv_freq(head_dim, base):
    return 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


def _cos_sin(inv_freq, positions):
    angles = torch.outer(positions.float(), inv_freq.float())
    return angles.cos(), angles.sin()


def mistake_cos_sin_swapped(head_dim, max_positions, base=10000.0):
    cos, sin = _cos_sin(_inv_freq(head_dim, base), torch.arange(max_positions))
    return sin, cos


def mistake_exponent_i_over_d(head_dim, max_positions, base=10000.0):
    inv_freq = 1.0 / (base ** (torch.arange(head_dim // 2).float() / head_dim))
    return _cos_sin(inv_freq, torch.arange(max_positions))


def mistake_positions_from_one(head_dim, max_positions, base=10000.0):
    return _cos_sin(_inv_freq(head_dim, base), torch.arange(1, max_positions + 1))


def mistake_full_head_dim(head_dim, max_positions, base=10000.0):
    # HF's cat(freqs, freqs): (max_positions, head_dim) instead of (max_positions, head_dim // 2)
    cos, sin = _cos_sin(_inv_freq(head_dim, base), torch.arange(max_positions))
    return torch.cat((cos, cos), dim=-1), torch.cat((sin, sin), dim=-1)


def prop_angle_addition(gen: torch.Generator) -> Property:
    head_dim, max_positions = 64, 512
    m = torch.randint(0, 256, (8,), generator=gen)
    n = torch.randint(0, 256, (8,), generator=gen)

    def judge(outputs: list) -> str | None:
        out = outputs[0]
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return "expected a pair (cos, sin)"
        cos, sin = out
        ref_cos, ref_sin = rope_frequencies(head_dim, max_positions)
        for got, ref, what in ((cos, ref_cos, "cos"), (sin, ref_sin, "sin")):
            problem = mismatch(got, ref, rtol=1e-3, atol=2e-3, what=what)
            if problem:
                return problem
        c, s = cos.double(), sin.double()
        problem = mismatch(c * c + s * s, torch.ones_like(c), rtol=0, atol=1e-5, what="cos**2 + sin**2")
        if problem:
            return problem
        # cos((m+n) t) = cos(m t) cos(n t) - sin(m t) sin(n t): the angle grows linearly with position
        lhs = c[m + n]
        rhs = c[m] * c[n] - s[m] * s[n]
        return mismatch(lhs, rhs, rtol=0, atol=1e-4, what="cos at position m + n vs cos(m) cos(n) - sin(m) sin(n)")

    return Property(calls=[(head_dim, max_positions)], judge=judge)
