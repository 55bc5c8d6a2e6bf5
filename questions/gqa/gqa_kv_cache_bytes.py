def kv_cache_bytes(
    n_layers: int, n_kv_heads: int, head_dim: int, seq_len: int, batch_size: int = 1, bytes_per_element: int = 2
) -> int:
    # size in bytes of the KV cache of a decoder (keys and values), as a Python int
    # TODO: count every cached element, then multiply by its size in bytes
    raise NotImplementedError
