"""Megatron-LM#6859: dL/dx_k = g_k w_k r - w_k r^3 x_k s / D with s = sum_i g_i x_i w_i, the weight
counted twice in the second term.
https://github.com/NVIDIA/Megatron-LM/pull/6859"""
import torch


def rms_norm_backward(x, weight, grad_out, eps=1e-5):
    xf, g, w = x.float(), grad_out.float(), weight.float()
    d = xf.shape[-1]
    r = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    s = (g * xf * w).sum(-1, keepdim=True)
    grad_x = g * w * r - w * r.pow(3) * xf * s / d
    grad_weight = (g * xf * r).reshape(-1, d).sum(0)
    return grad_x.type_as(x), grad_weight.type_as(weight)
