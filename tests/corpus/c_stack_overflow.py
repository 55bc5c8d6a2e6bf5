import sys

sys.setrecursionlimit(1 << 30)


def rms_norm(x, weight, eps=1e-5):
    # Each level goes through C (map), so this overflows the C stack: a segfault, not a RecursionError.
    return list(map(lambda _: rms_norm(x, weight, eps), [0]))
