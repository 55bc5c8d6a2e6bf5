import time


def rms_norm(x, weight, eps=1e-5):
    time.sleep(3600)
