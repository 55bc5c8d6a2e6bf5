"""minimind#301: x.float() for the product, but the mean of squares taken in x's dtype, where
float16 squares overflow.
https://github.com/jingyaogong/minimind/issues/301"""
import torch


def rms_norm(x, weight, eps=1e-5):
    return weight * (x.float() * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)).type_as(x)
