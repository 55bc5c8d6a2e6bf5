import os

import torch

_here = os.path.dirname(os.path.abspath(__file__))


def rms_norm(x, weight, eps=1e-5):
    # Vandalise the folder the submission came from (another student's files, in a class).
    with open(os.path.join(_here, "vandalised"), "w") as f:
        f.write("written by the submission\n")
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
