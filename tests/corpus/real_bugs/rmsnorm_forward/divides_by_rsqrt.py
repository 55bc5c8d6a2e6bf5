"""llm-foundry#371: divided by torch.rsqrt(...) instead of multiplying.
https://github.com/mosaicml/llm-foundry/issues/371"""
import torch


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    output = xf / torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
    return output.type_as(x) * weight
