import torch


def swiglu_ffn(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, w3: torch.Tensor) -> torch.Tensor:
    # x: (..., dim); w1, w3: (hidden, dim); w2: (dim, hidden) in nn.Linear layout, no biases
    # returns w2(silu(w1(x)) * w3(x)) of shape (..., dim) in x.dtype, where w(x) means x @ w.T
    # TODO: gate = silu of the w1 projection; multiply by the w3 projection; project back with w2
    raise NotImplementedError
