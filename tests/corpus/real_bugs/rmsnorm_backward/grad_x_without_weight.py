"""llm.c#763 (review): an RMSNorm backward that forgot to multiply by the weight.
https://github.com/karpathy/llm.c/pull/763"""
import torch


def rms_norm_backward(x, weight, grad_out, eps=1e-5):
    xf, g = x.float(), grad_out.float()
    d = xf.shape[-1]
    rstd = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    o = (g * xf).sum(-1, keepdim=True)  # should be (weight * g * x).sum
    grad_x = rstd * g - rstd.pow(3) * xf * o / d
    grad_weight = (g * xf * rstd).reshape(-1, d).sum(0)
    return grad_x.type_as(x), grad_weight.type_as(weight)
