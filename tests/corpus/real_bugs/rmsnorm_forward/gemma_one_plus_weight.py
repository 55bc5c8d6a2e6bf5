"""Liger-Kernel#74 / axolotl#1886: one RMSNorm for both Gemma, which scales by (1 + weight), and
Llama, which scales by weight.
https://github.com/linkedin/Liger-Kernel/issues/74"""
import torch


def rms_norm(x, weight, eps=1e-5):
    output = x.float() * torch.rsqrt(x.float().pow(2).mean(-1, keepdim=True) + eps)
    return (output * (1.0 + weight.float())).type_as(x)  # GemmaRMSNorm
