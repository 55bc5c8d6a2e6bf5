import importlib.util
from pathlib import Path

import torch

from grader.properties import Property, mismatch


def interleaved_to_half_permutation(head_dim: int) -> torch.Tensor:
    """perm = [0, 2, 4, ..., 1, 3, 5, ...]: new dims j and j + head_dim/2 hold old dims 2j and 2j + 1."""
    return torch.cat((torch.arange(0, head_dim, 2), torch.arange(1, head_dim, 2)))  # (head_dim,) int64


# Known mistakes: same signature, each wrong in one named way.

def mistake_inverse_permutation(head_dim):
    # [0, d/2, 1, d/2 + 1, ...]: maps the half layout back to the interleaved one
    return torch.stack((torch.arange(head_dim // 2), torch.arange(head_dim // 2) + head_dim // 2), dim=-1).flatten()


def mistake_identity(head_dim):
    return torch.arange(head_dim)


def mistake_odds_first(head_dim):
    return torch.cat((torch.arange(1, head_dim, 2), torch.arange(0, head_dim, 2)))


def _reference(stem: str, name: str):
    # the reference RoPE of a sibling question (same folder), loaded by path
    path = Path(__file__).resolve().with_name(f"{stem}.py")
    spec = importlib.util.spec_from_file_location(f"_llamaprep_ref_{stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, name)


def prop_layouts_agree(gen: torch.Generator) -> Property:
    head_dims = (8, 32, 128)
    xs = [torch.randn(2, 5, 3, d, generator=gen) for d in head_dims]
    positions = torch.randint(0, 2048, (5,), generator=gen)

    def judge(outputs: list) -> str | None:
        rope_half = _reference("rope_apply_half", "apply_rope_half")
        rope_interleaved = _reference("rope_apply_interleaved", "apply_rope_interleaved")
        for d, x, perm in zip(head_dims, xs, outputs):
            if not isinstance(perm, torch.Tensor) or perm.dtype not in (torch.int64, torch.int32) or perm.shape != (d,):
                return f"head_dim {d}: expected an integer tensor of shape ({d},)"
            if not torch.equal(perm.sort().values.long(), torch.arange(d)):
                return f"head_dim {d}: not a permutation of 0..{d - 1}"
            perm = perm.long()
            lhs = rope_half(x[..., perm], positions)
            rhs = rope_interleaved(x, positions)[..., perm]
            problem = mismatch(lhs, rhs, rtol=1e-4, atol=1e-5, what=f"head_dim {d}: apply_rope_half(x[..., perm]) vs apply_rope_interleaved(x)[..., perm]")
            if problem:
                return problem
        return None

    return Property(calls=[(d,) for d in head_dims], judge=judge)
