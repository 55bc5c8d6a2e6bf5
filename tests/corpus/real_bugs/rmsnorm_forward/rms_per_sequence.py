"""llama-from-scratch#4: the RMS over (T, D) per sequence instead of over D per token.
https://github.com/bkitano/llama-from-scratch/issues/4"""
import torch


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    ff_rms = torch.linalg.norm(xf, dim=(1, 2)) * xf[0].numel() ** -0.5  # (B,)
    raw = xf / ff_rms.unsqueeze(-1).unsqueeze(-1)
    return raw.type_as(x) * weight
