"""unsloth#4533: the fused kernel's backward returns None for the weight, so the norm weights
never train.
https://github.com/unslothai/unsloth/issues/4533"""
import torch


class _FastRMSNorm(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, weight, eps):
        xf = x.float()
        r = torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)
        ctx.save_for_backward(xf, weight, r)
        return ((xf * r).type_as(x) * weight).type_as(x)

    @staticmethod
    def backward(ctx, grad_out):
        xf, weight, r = ctx.saved_tensors
        gw = grad_out.float() * weight.float()
        x_hat = xf * r
        grad_x = r * (gw - x_hat * (gw * x_hat).mean(-1, keepdim=True))
        return grad_x.to(grad_out.dtype), None, None  # no gradient for W


class RMSNorm(torch.nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return _FastRMSNorm.apply(x, self.weight, self.eps)
