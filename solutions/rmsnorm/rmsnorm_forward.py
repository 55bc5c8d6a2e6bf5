import torch

from grader.properties import Property, mismatch


def rms_norm(x: torch.Tensor, weight: torch.Tensor, eps: float = 1e-5) -> torch.Tensor:
    # x: (..., dim), weight: (dim,)
    xf = x.float()
    normed = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return normed.type_as(x) * weight


# Known mistakes: same signature, each wrong in one named way.

def mistake_mean_subtraction(x, weight, eps=1e-5):
    xf = x.float()
    xc = xf - xf.mean(-1, keepdim=True)
    return (xc * torch.rsqrt(xc.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight


def mistake_eps_outside_root(x, weight, eps=1e-5):
    xf = x.float()
    return (xf / (xf.pow(2).mean(-1, keepdim=True).sqrt() + eps)).type_as(x) * weight


def mistake_no_weight(x, weight, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x)


def mistake_no_float32_upcast(x, weight, eps=1e-5):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * weight



def _normed(xf, ms, eps):
    return xf * torch.rsqrt(ms + eps)


def mistake_gemma_one_plus_weight(x, weight, eps=1e-5):
    # Gemma's norm, x_hat * (1 + weight), run on Llama weights (Liger-Kernel#74, axolotl#1886)
    xf = x.float()
    return _normed(xf, xf.pow(2).mean(-1, keepdim=True), eps).type_as(x) * (1 + weight)


def mistake_divides_by_rsqrt(x, weight, eps=1e-5):
    # x / rsqrt(...) multiplies by the rms instead of dividing (llm-foundry#371)
    xf = x.float()
    return (xf / torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight


def mistake_rms_over_seq_dim(x, weight, eps=1e-5):
    # mean over dim -2, the sequence, instead of the features (zeta#180)
    xf = x.float()
    return _normed(xf, xf.pow(2).mean(-2, keepdim=True), eps).type_as(x) * weight


def mistake_rms_per_sequence(x, weight, eps=1e-5):
    # one statistic per sequence, over (seq, dim), instead of one per token (llama-from-scratch#4)
    xf = x.float()
    return _normed(xf, xf.pow(2).mean(tuple(range(1, x.dim())), keepdim=True), eps).type_as(x) * weight


def prop_rescaling_invariance(gen: torch.Generator) -> Property:
    x = torch.randn(3, 5, 64, generator=gen)
    weight = torch.randn(64, generator=gen) * 0.5 + 1.0
    scales = (1.0, 0.37, 8.0, 250.0)
    calls = [(x * c, weight, 1e-12) for c in scales]

    def judge(outputs: list) -> str | None:
        # Anchor on the true answer first, so that a constant output cannot pass.
        problem = mismatch(outputs[0], rms_norm(x, weight, 1e-12), rtol=1e-4, atol=1e-5, what="rms_norm(x)")
        if problem:
            return problem
        for c, out in zip(scales[1:], outputs[1:]):
            problem = mismatch(out, outputs[0], rtol=1e-4, atol=1e-5, what=f"rms_norm({c} * x) vs rms_norm(x)")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)
