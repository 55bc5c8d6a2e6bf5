from grader.properties import Property


def kv_cache_bytes(
    n_layers: int, n_kv_heads: int, head_dim: int, seq_len: int, batch_size: int = 1, bytes_per_element: int = 2
) -> int:
    # one key and one value vector per layer, kv head, token and sequence of the batch
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_element


# Known mistakes: same signature, each wrong in one named way.

def mistake_keys_only(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    return n_layers * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_element


def mistake_bits_not_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_element * 8


def mistake_missing_batch(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    return 2 * n_layers * n_kv_heads * head_dim * seq_len * bytes_per_element



def mistake_kv_heads_squared(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    # an extra head factor, e.g. n_heads * hidden_size where hidden_size already holds the
    # heads (vllm-fit#2): 8x too much with 8 kv heads
    return 2 * n_layers * n_kv_heads * n_kv_heads * head_dim * seq_len * batch_size * bytes_per_element


def mistake_missing_kv_heads(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    # one head's worth per layer, the n_kv_heads factor left out (ai-engineering-from-scratch#57)
    return 2 * n_layers * head_dim * seq_len * batch_size * bytes_per_element


# Properties.

def prop_scaling(gen) -> Property:
    """Llama 2 70B: 64 kv heads (MHA) would cost 8x its 8 (GQA); the cache grows linearly in tokens and batch."""
    calls = [(80, 8, 128, 1), (80, 64, 128, 1), (80, 8, 128, 2048, 3)]

    def judge(outputs: list) -> str | None:
        if not all(isinstance(o, int) and not isinstance(o, bool) for o in outputs):
            return "expected Python ints, got " + ", ".join(type(o).__name__ for o in outputs)
        per_token, mha, long = outputs
        if per_token != 327680:
            return f"Llama 2 70B per token in bf16: expected 327680 bytes (320 KiB), got {per_token}"
        if mha != 8 * per_token:
            return f"64 kv heads should cost 8x 8 kv heads ({8 * per_token}), got {mha}"
        if long != per_token * 2048 * 3:
            return f"2048 tokens x batch 3 should cost {per_token * 2048 * 3} bytes, got {long}"
        return None

    return Property(calls=calls, judge=judge)
