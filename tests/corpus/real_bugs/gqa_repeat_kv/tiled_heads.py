"""jax-js#180: kv heads tiled across the query heads instead of repeated.
https://github.com/ekzhang/jax-js/pull/180"""


def repeat_kv(x, n_rep):
    return x.tile(1, 1, n_rep, 1)
