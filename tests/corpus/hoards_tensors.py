import torch


def rms_norm(x, weight, eps=1e-5):
    return torch.ones(1 << 40) * x.sum()  # 4 TiB
