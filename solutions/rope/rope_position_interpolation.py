import torch

from grader.properties import Property, mismatch


def position_interpolation(
    positions: torch.Tensor, head_dim: int, factor: float, base: float = 10000.0
) -> tuple[torch.Tensor, torch.Tensor]:
    # positions: (n,) int64  ->  (cos, sin), each float32 (n, head_dim // 2)
    # Chen et al.: position m is used as m * L / L' = m / factor. HF folds 1/factor into inv_freq; same angles.
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))
    angles = torch.outer(positions.float() / factor, inv_freq)  # float32, as Meta's and HF's RoPE
    return angles.cos(), angles.sin()


# Known mistakes: same signature, each wrong in one named way (none calls the entry point).

def _inv_freq(head_dim, base):
    return 1.0 / (base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


def _cos_sin(angles):
    return angles.cos(), angles.sin()


def mistake_multiply_by_factor(positions, head_dim, factor, base=10000.0):
    # stretches positions further out instead of squeezing them into the trained range
    return _cos_sin(torch.outer(positions.float() * factor, _inv_freq(head_dim, base)))


def mistake_integer_division(positions, head_dim, factor, base=10000.0):
    # floor division of the int64 position ids: groups of `factor` tokens share one position
    return _cos_sin(torch.outer(torch.div(positions, factor, rounding_mode="floor").float(), _inv_freq(head_dim, base)))


def mistake_scaled_base(positions, head_dim, factor, base=10000.0):
    # a base change (NTK-aware / Code Llama style) instead of interpolating positions
    return _cos_sin(torch.outer(positions.float(), _inv_freq(head_dim, base * factor)))


def mistake_bfloat16_angles(positions, head_dim, factor, base=10000.0):
    # angles formed under bf16 autocast: HF forces float32 here for this reason (transformers PR 29285)
    angles = torch.outer((positions.float() / factor).bfloat16(), _inv_freq(head_dim, base).bfloat16())
    return _cos_sin(angles.float())


def prop_interpolated_equals_original(gen: torch.Generator) -> Property:
    # PI's promise: position factor * m after interpolation is exactly position m of the original RoPE,
    # so every interpolated position lands inside the range the model was trained on
    factor = int(torch.randint(2, 9, (), generator=gen))
    m = torch.randint(0, 2048, (16,), generator=gen)
    head_dim = 64
    calls = [(m * factor, head_dim, float(factor)), (m, head_dim, 1.0)]

    def judge(outputs: list) -> str | None:
        for out in outputs:
            if not (isinstance(out, (tuple, list)) and len(out) == 2):
                return "expected a pair (cos, sin)"
        ref = position_interpolation(m * factor, head_dim, float(factor))
        for got, want, what in zip(outputs[0], ref, ("cos", "sin")):
            problem = mismatch(got, want, rtol=1e-3, atol=2e-3, what=f"{what} at positions factor * m")
            if problem:
                return problem
        for got, plain, what in zip(outputs[0], outputs[1], ("cos", "sin")):
            problem = mismatch(got, plain, rtol=1e-3, atol=2e-3,
                               what=f"{what} at position factor * m (factor {factor}) vs {what} at m without scaling")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)


def prop_factor_one_is_plain_rope(gen: torch.Generator) -> Property:
    # factor 1 must give RoPE's own tables: cos(m * base ** (-2i/d)), computed here in float64
    head_dim = 32
    positions = torch.randint(0, 4096, (24,), generator=gen)

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            return "expected a pair (cos, sin)"
        i = torch.arange(head_dim // 2, dtype=torch.float64)
        angles = positions.double()[:, None] * 10000.0 ** (-2 * i / head_dim)
        for got, want, what in zip(out, (angles.cos().float(), angles.sin().float()), ("cos", "sin")):
            problem = mismatch(got, want, rtol=1e-3, atol=2e-3, what=f"{what} with factor 1")
            if problem:
                return problem
        return None

    return Property(calls=[(positions, head_dim, 1.0)], judge=judge)
