import torch

from grader.properties import Property, mismatch, mismatch_each


def rms_norm_backward(
    x: torch.Tensor, weight: torch.Tensor, grad_out: torch.Tensor, eps: float = 1e-5
) -> tuple[torch.Tensor, torch.Tensor]:
    """Gradients of y = x / rms(x) * weight, rms(x) = sqrt(mean(x**2, -1) + eps):

    grad_x = (g * w - x_hat * mean(g * w * x_hat, -1)) / rms,   x_hat = x / rms
    grad_weight = sum of g * x_hat over every leading dim
    """
    # x, grad_out: (..., dim), weight: (dim,)
    dim = x.shape[-1]
    xf, gf = x.float(), grad_out.float()
    rstd = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)  # (..., 1)
    x_hat = xf * rstd  # (..., dim)
    gw = gf * weight.float()  # (..., dim)
    grad_x = rstd * (gw - x_hat * (gw * x_hat).mean(-1, keepdim=True))  # (..., dim)
    grad_weight = (gf * x_hat).reshape(-1, dim).sum(0)  # (dim,)
    return grad_x.type_as(x), grad_weight.type_as(weight)


# Known mistakes: same signature, each wrong in one named way.

def mistake_rms_as_constant(x, weight, grad_out, eps=1e-5):
    xf, gf = x.float(), grad_out.float()
    rstd = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    grad_x = gf * weight.float() * rstd  # misses the path through rms(x)
    grad_weight = (gf * xf * rstd).reshape(-1, x.shape[-1]).sum(0)
    return grad_x.type_as(x), grad_weight.type_as(weight)


def mistake_grad_x_without_weight(x, weight, grad_out, eps=1e-5):
    grad_x = rms_norm_backward(x, torch.ones_like(weight), grad_out, eps)[0]  # g instead of g * weight
    return grad_x, rms_norm_backward(x, weight, grad_out, eps)[1]


def mistake_grad_weight_not_summed(x, weight, grad_out, eps=1e-5):
    xf = x.float()
    x_hat = xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    grad_x = rms_norm_backward(x, weight, grad_out, eps)[0]
    return grad_x, (grad_out.float() * x_hat).type_as(weight)  # (..., dim), one row per token


def mistake_grad_weight_unnormalised(x, weight, grad_out, eps=1e-5):
    grad_x = rms_norm_backward(x, weight, grad_out, eps)[0]
    grad_weight = (grad_out.float() * x.float()).reshape(-1, x.shape[-1]).sum(0)  # x, not x / rms
    return grad_x, grad_weight.type_as(weight)


def mistake_no_float32_upcast(x, weight, grad_out, eps=1e-5):
    rstd = torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)  # x**2 overflows in float16
    x_hat = x * rstd
    gw = grad_out * weight
    grad_x = rstd * (gw - x_hat * (gw * x_hat).mean(-1, keepdim=True))
    return grad_x, (grad_out * x_hat).reshape(-1, x.shape[-1]).sum(0)



def mistake_weight_twice_in_correction(x, weight, grad_out, eps=1e-5):
    # the variance term multiplied by the weight a second time (Megatron-LM#6859)
    xf, gf, wf = x.float(), grad_out.float(), weight.float()
    rstd = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    x_hat = xf * rstd
    gw = gf * wf
    grad_x = rstd * (gw - wf * x_hat * (gw * x_hat).mean(-1, keepdim=True))
    grad_weight = (gf * x_hat).reshape(-1, x.shape[-1]).sum(0)
    return grad_x.type_as(x), grad_weight.type_as(weight)


# Properties.

NAMES = ("grad_x", "grad_weight")


def prop_linear_in_grad_out(gen: torch.Generator) -> Property:
    x = torch.randn(2, 5, 32, generator=gen) * 1.5 + 0.3
    weight = torch.randn(32, generator=gen) * 0.5 + 1.0
    g = torch.randn(2, 5, 32, generator=gen)
    scales = (1.0, 10.0, 0.01, -3.0)
    calls = [(x, weight, g * c, 1e-5) for c in scales]

    def judge(outputs: list) -> str | None:
        if any(not isinstance(out, (tuple, list)) or len(out) != 2 for out in outputs):
            return "expected a pair (grad_x, grad_weight)"
        # Anchor on the true gradients, so that a constant answer cannot pass.
        expected = rms_norm_backward(x, weight, g, 1e-5)
        problem = mismatch_each(outputs[0], expected, NAMES, rtol=1e-4, atol=1e-5)
        if problem:
            return problem
        # Scaling grad_out by c scales both gradients by c: nothing normalises them.
        for c, out in zip(scales[1:], outputs[1:]):
            scaled = [o * c for o in outputs[0]]
            what = f"{{0}} for {c} * grad_out vs {c} * {{0}}"
            problem = mismatch_each(out, scaled, NAMES, rtol=1e-4, atol=1e-5 * abs(c), what=what)
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)


def prop_rescaling_x(gen: torch.Generator) -> Property:
    x = torch.randn(3, 4, 48, generator=gen) * 2.0 + 0.5
    weight = torch.randn(48, generator=gen) * 0.5 + 1.0
    g = torch.randn(3, 4, 48, generator=gen)
    scales = (1.0, 0.25, 4.0, 100.0)
    calls = [(x * c, weight, g, 1e-12) for c in scales]

    def judge(outputs: list) -> str | None:
        if any(not isinstance(out, (tuple, list)) or len(out) != 2 for out in outputs):
            return "expected a pair (grad_x, grad_weight)"
        # Anchor on the true gradients, so that a constant answer cannot pass.
        expected = rms_norm_backward(x, weight, g, 1e-12)
        problem = mismatch_each(outputs[0], expected, NAMES, rtol=1e-4, atol=1e-5)
        if problem:
            return problem
        # The output does not change when x -> c * x, so grad_x has no component along x ...
        gx = outputs[0][0].double()
        cos = (gx * x.double()).sum(-1) / (gx.norm(dim=-1) * x.double().norm(dim=-1))
        if float(cos.abs().max()) > 1e-4:
            return f"grad_x is not orthogonal to x: |cos| up to {float(cos.abs().max()):.3g}"
        # ... and scales as 1/c, while grad_weight does not change.
        for c, (gx_c, gw_c) in zip(scales[1:], outputs[1:]):
            problem = mismatch(gx_c, outputs[0][0] / c, rtol=1e-4, atol=1e-5 / c, what=f"grad_x at {c} * x vs grad_x / {c}")
            problem = problem or mismatch(gw_c, outputs[0][1], rtol=1e-4, atol=1e-5, what=f"grad_weight at {c} * x")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)
