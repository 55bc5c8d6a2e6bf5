import sys

sys.exit("bye")


def rms_norm(x, weight, eps=1e-5):
    return x
