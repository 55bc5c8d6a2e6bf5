import torch

_calls = 0


def rms_norm(x, weight, eps=1e-5):
    global _calls
    _calls += 1
    if _calls > 1:
        raise RuntimeError(f"call {_calls}: I only work once")
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
