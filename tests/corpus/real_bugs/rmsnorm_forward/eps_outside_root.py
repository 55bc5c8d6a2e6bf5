"""OLMo#281: x / (||x|| / sqrt(d) + eps), eps outside the square root.
https://github.com/allenai/OLMo/issues/281"""


def rms_norm(x, weight, eps=1e-5):
    xf = x.float()
    norm_x = xf.norm(2, dim=-1, keepdim=True)
    rms_x = norm_x * xf.shape[-1] ** (-1.0 / 2)
    return (xf / (rms_x + eps)).type_as(x) * weight
