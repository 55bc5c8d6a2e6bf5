"""prime-rl#2681 (review): repeat_interleave on dim 1 of (batch, seq, heads, dim) repeats the
sequence, not the kv heads.
https://github.com/PrimeIntellect-ai/prime-rl/pull/2681"""


def repeat_kv(x, n_rep):
    return x.repeat_interleave(n_rep, dim=1)
