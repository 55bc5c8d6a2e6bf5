"""The numbers the context-extension quizzes state, recomputed, and the right answer checked
against the rule it states (the wrong ones are the usual slips)."""

from __future__ import annotations

import math

import torch

from conftest import question, solution


def right(q):
    return q.choices[q.answer_index]


def wrong(q):
    return [c for i, c in enumerate(q.choices) if i != q.answer_index]


def both(q, needle):
    return needle in q.explanation.en and needle in q.explanation.zh


def test_yarn_temperature_numbers():
    q = question("rope-quiz-yarn-temperature")
    mscale = 0.1 * math.log(16) + 1
    assert f"{mscale:.3f}" == "1.277" and f"{mscale ** 2:.3f}" == "1.631"
    assert "1.277" in right(q).en and "1.631" in right(q).en and both(q, "1.631")
    assert f"{0.1 * math.log10(16) + 1:.3f}" == "1.120" and any("1.120" in c.en for c in wrong(q))  # log10 slip
    assert solution("rope-yarn").yarn_parameters(torch.tensor([1.0]), 16.0, 4096)[1] == mscale


def test_dynamic_ntk_numbers():
    q = question("rope-quiz-dynamic-ntk")
    s = 4 * 10000 / 4096 - (4 - 1)
    assert s == 6.765625 and "6.77" in right(q).en and both(q, "6.765625")
    ntk = solution("rope-ntk-scaling").ntk_inv_freq
    plain = ntk(128, 10000.0, 1.0)
    assert torch.equal(ntk(128, 10000.0, 4.0, 3000, 4096), plain)  # the 3000-token input: plain RoPE
    lowest = plain[-1] / ntk(128, 10000.0, 4.0, 10000, 4096)[-1]
    assert math.isclose(float(lowest), s, rel_tol=1e-5)  # and at 10000 tokens the lowest frequency / s


def test_ntk_exponent_numbers():
    q = question("rope-quiz-ntk-exponent")
    assert any("1.016" in c.en for c in wrong(q))  # "d / (d - 2) is about 1"
    assert f"{128 / 126:.3f}" == "1.016" and f"{8 ** (126 / 128):.2f}" == "7.74" and both(q, "7.74")
    f = solution("rope-ntk-scaling").ntk_inv_freq(128, 10000.0, 8.0).double()
    plain = solution("rope-ntk-scaling").ntk_inv_freq(128, 10000.0, 1.0).double()
    assert float(f[0]) == 1.0 and math.isclose(float(plain[-1] / f[-1]), 8.0, rel_tol=1e-5)
    i = torch.arange(64, dtype=torch.float64)
    torch.testing.assert_close(plain / f, 8.0 ** (2 * i / 126), rtol=2e-5, atol=0)  # pair i: s ** (2i / (d - 2))


def test_yarn_vs_llama31_numbers():
    q = question("rope-quiz-yarn-vs-llama31")
    for piece in ("alpha = low_freq_factor = 1", "beta = high_freq_factor = 4", "s = 8", "L = 8192", "500000"):
        assert piece in right(q).en, piece
    assert any("beta = 32" in c.en for c in wrong(q))  # YaRN's own defaults are the distractor
    inv_freq = 500000.0 ** (-torch.arange(0, 128, 2, dtype=torch.float64) / 128)
    yarn = solution("rope-yarn").yarn_parameters(inv_freq, 8.0, 8192, 1.0, 4.0)[0]
    torch.testing.assert_close(yarn, solution("rope-llama3-scaling").llama3_scale_inv_freq(inv_freq), rtol=1e-12, atol=0)


def test_context_extension_methods_numbers():
    q = question("rope-quiz-context-extension-methods")
    assert "base * s ** (d / (d - 2))" in right(q).en and "m / s" in right(q).en
    assert both(q, "1000") and "beta (32" in q.explanation.en and "0.1 ln(s) + 1" in q.explanation.en
