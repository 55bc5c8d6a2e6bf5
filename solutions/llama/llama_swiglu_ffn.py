import torch
import torch.nn.functional as F

from grader.properties import Property, mismatch


def swiglu_ffn(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, w3: torch.Tensor) -> torch.Tensor:
    """Meta's FeedForward.forward: w2(silu(w1(x)) * w3(x)), in float64 and rounded once.

    x: (..., dim); w1, w3: (hidden, dim); w2: (dim, hidden) in nn.Linear layout.
    """
    xd = x.double()
    gate = F.linear(xd, w1.double())
    return F.linear(gate * torch.sigmoid(gate) * F.linear(xd, w3.double()), w2.double()).to(x.dtype)


def llama_ffn_hidden_dim(dim: int, multiple_of: int, ffn_dim_multiplier: float | None = None) -> int:
    """FeedForward.__init__ with hidden_dim = 4 * dim, as TransformerBlock passes it."""
    hidden = int(2 * (4 * dim) / 3)
    if ffn_dim_multiplier is not None:
        hidden = int(ffn_dim_multiplier * hidden)
    return multiple_of * ((hidden + multiple_of - 1) // multiple_of)


# Known mistakes: same signature, each wrong in one named way.

def _ffn(x, w1, w2, w3, act, *, gate_on_up=False, after_product=False, gated=True):
    xd = x.double()
    a, b = F.linear(xd, w1.double()), F.linear(xd, w3.double())
    if gate_on_up:
        a, b = b, a
    if not gated:
        hidden = act(a)
    elif after_product:
        hidden = act(a * b)
    else:
        hidden = act(a) * b
    return F.linear(hidden, w2.double()).to(x.dtype)


def mistake_gate_on_w3(x, w1, w2, w3):
    # silu(w3 x) * w1 x: the same as swapping w1 and w3
    return _ffn(x, w1, w2, w3, F.silu, gate_on_up=True)


def mistake_silu_after_product(x, w1, w2, w3):
    return _ffn(x, w1, w2, w3, F.silu, after_product=True)


def mistake_sigmoid_gate(x, w1, w2, w3):
    return _ffn(x, w1, w2, w3, torch.sigmoid)


def mistake_gelu_gate(x, w1, w2, w3):
    return _ffn(x, w1, w2, w3, F.gelu)


def mistake_no_w3(x, w1, w2, w3):
    return _ffn(x, w1, w2, w3, F.silu, gated=False)


# Properties.

def _weights(gen, dim=16, hidden=24):
    s = dim ** -0.5
    return (torch.randn(hidden, dim, generator=gen) * s, torch.randn(dim, hidden, generator=gen) * s,
            torch.randn(hidden, dim, generator=gen) * s)


def prop_linear_in_w3(gen: torch.Generator) -> Property:
    """w3(x) enters as a plain factor: negating w3 negates the output, doubling it doubles the output."""
    x = torch.randn(2, 5, 16, generator=gen) * 2
    w1, w2, w3 = _weights(gen)
    calls = [(x, w1, w2, w3), (x, w1, w2, -w3), (x, w1, w2, 2 * w3)]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], swiglu_ffn(x, w1, w2, w3), rtol=1e-4, atol=1e-5, what="swiglu_ffn(x)")
        problem = problem or mismatch(outputs[1], -outputs[0], rtol=1e-4, atol=1e-5, what="with -w3 vs minus the output")
        return problem or mismatch(outputs[2], 2 * outputs[0], rtol=1e-4, atol=1e-5, what="with 2 * w3 vs twice the output")

    return Property(calls=calls, judge=judge)


def prop_silu_gate_values(gen: torch.Generator) -> Property:
    """With w1 = w3 = the identity and w2 = the identity, the block computes silu(x) * x elementwise."""
    x = torch.linspace(-6, 6, 48).reshape(1, 3, 16)
    eye = torch.eye(16)
    calls = [(x, eye, eye, eye)]

    def judge(outputs: list) -> str | None:
        return mismatch(outputs[0], x * torch.sigmoid(x) * x, rtol=1e-4, atol=1e-5,
                        what="identity weights vs silu(x) * x")

    return Property(calls=calls, judge=judge)
