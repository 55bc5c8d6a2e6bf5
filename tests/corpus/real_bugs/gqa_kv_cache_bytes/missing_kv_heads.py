"""ai-engineering-from-scratch#57 (review): 2 * d_head * bytes labelled per layer, but it is per
head: the kv head count is left out.
https://github.com/rohitg00/ai-engineering-from-scratch/pull/57"""


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    bytes_per_token_per_layer = 2 * head_dim * bytes_per_element
    return n_layers * bytes_per_token_per_layer * seq_len * batch_size
