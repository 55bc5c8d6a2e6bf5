import threading

import torch


def _spin():
    while True:
        pass


threading.Thread(target=_spin).start()  # not a daemon: would block a normal interpreter exit


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
