import subprocess
import sys

import torch


def rms_norm(x, weight, eps=1e-5):
    # A new program in a new session; __file__ in its argv would let the test find it.
    subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", __file__], start_new_session=True)
    xf = x.float()
    return (xf * torch.rsqrt(xf.pow(2).mean(-1, keepdim=True) + eps)).type_as(x) * weight
