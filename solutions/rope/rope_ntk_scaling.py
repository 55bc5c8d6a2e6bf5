import torch

from grader.properties import Property, mismatch


def ntk_inv_freq(
    head_dim: int,
    base: float,
    factor: float,
    seq_len: int | None = None,
    original_max_positions: int | None = None,
) -> torch.Tensor:
    # -> (head_dim // 2,) float32
    if seq_len is None:
        scale = factor  # NTK-aware: a fixed base change for a context factor times longer
    else:
        # dynamic NTK (HF's _compute_dynamic_ntk_parameters): no change up to the original context,
        # then a scale that grows with the current length
        length = max(seq_len, original_max_positions)
        scale = factor * length / original_max_positions - (factor - 1)
    new_base = base * scale ** (head_dim / (head_dim - 2))
    return 1.0 / (new_base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


# Known mistakes: same signature, each wrong in one named way (none calls the entry point).

def _freqs(head_dim, new_base):
    return 1.0 / (new_base ** (torch.arange(0, head_dim, 2)[: head_dim // 2].float() / head_dim))


def _scale(factor, seq_len, original_max_positions):
    if seq_len is None:
        return factor
    return factor * max(seq_len, original_max_positions) / original_max_positions - (factor - 1)


def mistake_no_exponent(head_dim, base, factor, seq_len=None, original_max_positions=None):
    return _freqs(head_dim, base * _scale(factor, seq_len, original_max_positions))


def mistake_inverted_exponent(head_dim, base, factor, seq_len=None, original_max_positions=None):
    scale = _scale(factor, seq_len, original_max_positions)
    return _freqs(head_dim, base * scale ** ((head_dim - 2) / head_dim))


def mistake_linear_interpolation(head_dim, base, factor, seq_len=None, original_max_positions=None):
    return _freqs(head_dim, base) / _scale(factor, seq_len, original_max_positions)


def mistake_dynamic_without_offset(head_dim, base, factor, seq_len=None, original_max_positions=None):
    if seq_len is None:
        scale = factor
    else:
        scale = factor * max(seq_len, original_max_positions) / original_max_positions
    return _freqs(head_dim, base * scale ** (head_dim / (head_dim - 2)))


def mistake_dynamic_not_clamped(head_dim, base, factor, seq_len=None, original_max_positions=None):
    if seq_len is None:
        scale = factor
    else:
        scale = factor * seq_len / original_max_positions - (factor - 1)
    return _freqs(head_dim, base * scale ** (head_dim / (head_dim - 2)))


def prop_lowest_frequency_interpolated(gen: torch.Generator) -> Property:
    # the point of the exponent d / (d - 2): the highest frequency (pair 0) is kept and the lowest
    # (pair d/2 - 1) is divided by exactly factor, as linear interpolation would divide it
    head_dim = int(torch.randint(4, 65, (), generator=gen)) * 2
    factor = 2.0 + float(torch.rand((), generator=gen)) * 14.0
    base = 10000.0

    def judge(outputs: list) -> str | None:
        (out,) = outputs
        problem = mismatch(out, ntk_inv_freq(head_dim, base, factor), rtol=1e-5, atol=0.0, what="frequencies")
        if problem:
            return problem
        plain = _freqs(head_dim, base).double()
        got = out.double()
        if abs(float(got[0]) - 1.0) > 1e-6:
            return f"the highest frequency (pair 0) must stay 1, got {float(got[0]):.6g}"
        ratio = float(plain[-1] / got[-1])
        if abs(ratio - factor) > 1e-4 * factor:
            return f"the lowest frequency must be divided by factor {factor:.4g}, it is divided by {ratio:.6g}"
        return None

    return Property(calls=[(head_dim, base, factor)], judge=judge)


def prop_dynamic_grows_with_length(gen: torch.Generator) -> Property:
    # dynamic NTK leaves RoPE alone up to the original context, then lowers the frequencies step by step
    original = 4096
    factor = float(torch.randint(2, 9, (), generator=gen))
    # 0.9 * original, not less: an unclamped scale stays positive there (a learner's bug must stay real-valued)
    lengths = [original * 9 // 10, original, 2 * original, 4 * original, 8 * original]
    calls = [(128, 10000.0, factor, n, original) for n in lengths]

    def judge(outputs: list) -> str | None:
        for out, n in zip(outputs, lengths):
            problem = mismatch(out, ntk_inv_freq(128, 10000.0, factor, n, original), rtol=1e-5, atol=0.0,
                               what=f"frequencies at seq_len {n}")
            if problem:
                return problem
        plain = _freqs(128, 10000.0)
        for out, n in zip(outputs[:2], lengths[:2]):
            if mismatch(out, plain, rtol=1e-6, atol=0.0, what="") is not None:
                return f"at seq_len {n} (not beyond the original {original}) the frequencies must be RoPE's own"
        for (a, n), b in zip(zip(outputs[1:], lengths[1:]), outputs[2:]):
            if not bool((b.double()[1:] < a.double()[1:]).all()):
                return f"past seq_len {n} every frequency but the first must keep decreasing as seq_len grows"
        return None

    return Property(calls=calls, judge=judge)
