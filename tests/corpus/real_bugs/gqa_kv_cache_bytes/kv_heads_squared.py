"""vllm-fit#2: 2 * num_layers * num_attention_heads * hidden_size * bytes, an extra head factor
(hidden_size already holds the heads). Here hidden_size is n_kv_heads * head_dim.
https://github.com/jranaraki/vllm-fit/issues/2"""


def kv_cache_bytes(n_layers, n_kv_heads, head_dim, seq_len, batch_size=1, bytes_per_element=2):
    hidden_size = n_kv_heads * head_dim
    per_token = 2 * n_layers * n_kv_heads * hidden_size * bytes_per_element
    return per_token * seq_len * batch_size
