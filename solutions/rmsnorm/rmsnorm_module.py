import torch


class RMSNorm(torch.nn.Module):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(dim))  # (dim,) the gain; no bias

    def _norm(self, x: torch.Tensor) -> torch.Tensor:
        # x: (..., dim) float32
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # x: (..., dim) -> (..., dim), x.dtype
        output = self._norm(x.float()).type_as(x)
        # Meta's code ends at `output * self.weight`; weight is float32 here even for a
        # bfloat16 x, so cast the product back to keep x's dtype.
        return (output * self.weight).type_as(x)


# Known mistakes: modules with the same constructor and forward, each wrong in one named way.
# (Class names follow the mistake ids, mistake_<id_underscored>, as the YAML expects.)

class mistake_weight_not_parameter(RMSNorm):
    def __init__(self, dim: int, eps: float = 1e-5):
        torch.nn.Module.__init__(self)
        self.eps = eps
        self.weight = torch.ones(dim)  # a plain tensor: not trained, not in parameters()


class mistake_detached_statistic(RMSNorm):
    def _norm(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.detach().pow(2).mean(-1, keepdim=True) + self.eps)


class mistake_mean_subtraction(RMSNorm):
    def _norm(self, x: torch.Tensor) -> torch.Tensor:
        x = x - x.mean(-1, keepdim=True)
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps)


class mistake_bias_added(RMSNorm):
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__(dim, eps)
        self.bias = torch.nn.Parameter(torch.zeros(dim))  # the source's "shift"

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output = self._norm(x.float()).type_as(x)
        return (output * self.weight + self.bias).type_as(x)


class mistake_weight_grad_missing(RMSNorm):
    # the weight is a parameter but gets no gradient, as when a fused backward returns None
    # for it (unsloth#4533): it would never train
    def forward(self, x: torch.Tensor) -> torch.Tensor:
        output = self._norm(x.float()).type_as(x)
        return (output * self.weight.detach()).type_as(x)


class mistake_weight_init_zeros(RMSNorm):
    # Gemma's init (its norm multiplies by 1 + weight) with Llama's x_hat * weight: the output
    # starts at zero (torchtitan#4489)
    def __init__(self, dim: int, eps: float = 1e-5):
        super().__init__(dim, eps)
        self.weight = torch.nn.Parameter(torch.zeros(dim))
