import torch

from grader.properties import Property, mismatch


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    """Equal to torch.repeat_interleave(x, n_rep, dim=2): output head h is input head h // n_rep."""
    bs, seqlen, n_kv_heads, head_dim = x.shape  # (bs, seqlen, n_kv_heads, head_dim)
    if n_rep == 1:
        return x
    grouped = x[:, :, :, None, :].expand(bs, seqlen, n_kv_heads, n_rep, head_dim)
    return grouped.reshape(bs, seqlen, n_kv_heads * n_rep, head_dim)  # (bs, seqlen, n_kv_heads * n_rep, head_dim)


# Known mistakes: same signature, each wrong in one named way.

def mistake_tiled_heads(x, n_rep):
    return x.repeat(1, 1, n_rep, 1)  # heads 0, 1, .., 0, 1, ..: output head h is input head h % n_kv_heads


def mistake_repeats_seq_dim(x, n_rep):
    # Hugging Face's repeat_kv expects (bs, n_kv_heads, seqlen, head_dim) and repeats dim 1;
    # on Meta's layout that dim is the sequence.
    return torch.repeat_interleave(x, n_rep, dim=1)


# Properties.

def prop_repeat_composes(gen: torch.Generator) -> Property:
    """repeat_kv(repeat_kv(x, a), b) == repeat_kv(x, a * b)."""
    x = torch.randn(2, 3, 3, 8, generator=gen)
    calls = [(x, 6), (x, 2)]

    def judge(outputs: list) -> str | None:
        problem = mismatch(outputs[0], repeat_kv(x, 6), rtol=0, atol=0, what="repeat_kv(x, 6)")
        if problem:
            return problem
        if not isinstance(outputs[1], torch.Tensor) or outputs[1].dim() != 4:
            return "repeat_kv(x, 2): expected a 4-d tensor"
        twice = repeat_kv(outputs[1], 3)
        return mismatch(twice, outputs[0], rtol=0, atol=0, what="repeating repeat_kv(x, 2) three more times vs repeat_kv(x, 6)")

    return Property(calls=calls, judge=judge)


def prop_groups_are_copies(gen: torch.Generator) -> Property:
    """Each run of n_rep consecutive output heads holds copies of one input head."""
    x = torch.randn(1, 4, 2, 16, generator=gen)
    calls = [(x, 4)]

    def judge(outputs: list) -> str | None:
        out = outputs[0]
        if not isinstance(out, torch.Tensor) or tuple(out.shape) != (1, 4, 8, 16):
            return "repeat_kv(x, 4): expected shape (1, 4, 8, 16)"
        for h in range(8):
            problem = mismatch(out[:, :, h], x[:, :, h // 4], rtol=0, atol=0, what=f"output head {h} vs input head {h // 4}")
            if problem:
                return problem
        return None

    return Property(calls=calls, judge=judge)
