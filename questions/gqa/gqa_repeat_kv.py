import torch


def repeat_kv(x: torch.Tensor, n_rep: int) -> torch.Tensor:
    # x: (bs, seqlen, n_kv_heads, head_dim)  ->  (bs, seqlen, n_kv_heads * n_rep, head_dim)
    # output head h is input head h // n_rep
    # TODO: repeat each kv head n_rep times, copies next to each other (0,0,1,1,... not 0,1,0,1,...)
    raise NotImplementedError
