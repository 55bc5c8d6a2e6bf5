"""torchtitan#4489: a norm initialised with zero weight (the gain-centred convention) whose
forward multiplies by the weight itself: the output starts at zero.
https://github.com/pytorch/torchtitan/pull/4489"""
import torch


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.zeros(dim))  # gain_center=0.0

    def forward(self, x):
        xf = x.float()
        out = (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + self.eps)).type_as(x)
        return (out * self.weight).type_as(x)
