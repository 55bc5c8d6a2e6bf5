"""HF's LlamaRMSNorm, LlamaRotaryEmbedding and LlamaAttention (eager) on Meta-layout weights.

HF's rotate-half layout reproduces Meta's interleaved RoPE once the rows of wq and wk are
permuted per head, as convert_llama_weights_to_hf.py does."""
import torch
from transformers import LlamaConfig
from transformers.models.llama.modeling_llama import LlamaAttention, LlamaRMSNorm, LlamaRotaryEmbedding


def _permute(w, n_heads):
    # convert_llama_weights_to_hf.permute: per head, rows 2i, 2i+1 -> i, i + head_dim/2
    out_features, dim = w.shape
    return w.view(n_heads, out_features // n_heads // 2, 2, dim).transpose(1, 2).reshape(out_features, dim)


def llama_attention_block(x, norm_weight, wq, wk, wv, wo, n_heads, n_kv_heads, positions, eps=1e-5, rope_base=10000.0):
    bs, seq, dim = x.shape
    head_dim = wq.shape[0] // n_heads
    config = LlamaConfig(hidden_size=dim, num_attention_heads=n_heads, num_key_value_heads=n_kv_heads,
                         head_dim=head_dim, rms_norm_eps=eps, attention_bias=False,
                         rope_parameters={"rope_type": "default", "rope_theta": rope_base})
    config._attn_implementation = "eager"
    attention = LlamaAttention(config, layer_idx=0).to(x.dtype).eval()
    norm = LlamaRMSNorm(dim, eps=eps).to(x.dtype)
    with torch.no_grad():
        norm.weight.copy_(norm_weight)
        attention.q_proj.weight.copy_(_permute(wq, n_heads))
        attention.k_proj.weight.copy_(_permute(wk, n_kv_heads))
        attention.v_proj.weight.copy_(wv)
        attention.o_proj.weight.copy_(wo)
        h = norm(x)
        cos, sin = LlamaRotaryEmbedding(config)(h, positions[None])
        blocked = torch.ones(seq, seq, dtype=torch.bool).triu(1)
        mask = torch.zeros(seq, seq, dtype=x.dtype).masked_fill(blocked, torch.finfo(x.dtype).min)[None, None]
        out, _weights = attention(h, position_embeddings=(cos, sin), attention_mask=mask)
        return x + out
