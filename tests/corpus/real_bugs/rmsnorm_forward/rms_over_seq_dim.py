"""zeta#180: the norm taken over dim -2 instead of -1.
https://github.com/kyegomez/zeta/issues/180"""
import torch


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    variance = torch.mean(xf * xf, dim=-2, keepdim=True)
    return (xf / torch.sqrt(variance + eps)).type_as(x) * weight
