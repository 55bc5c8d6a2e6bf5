"""The RMSNorm code questions: references against independent implementations, mistakes, properties.

Covers rmsnorm-forward, rmsnorm-module, rmsnorm-backward and rmsnorm-fused-residual.  The
module driver (grader/sandbox/drivers.py) is re-implemented here by hand from docs/authoring.md,
so that these tests do not depend on the engine.
"""

from __future__ import annotations

import inspect
import warnings

import pytest
import torch

from conftest import builtin_bank, question, solution, stub
from grader.bank.schema import Tolerance
from grader.grading.compare import compare
from grader.grading.inputs import build_args

BANK = builtin_bank()
IDS = ["rmsnorm-forward", "rmsnorm-module", "rmsnorm-backward", "rmsnorm-fused-residual"]
CALL_IDS = [qid for qid in IDS if qid != "rmsnorm-module"]

def tol_for(q, factor: float = 1.0):
    def tolerance_for(dtype: str) -> Tolerance:
        t = q.grading.tolerance(dtype)
        return Tolerance(rtol=t.rtol * factor, atol=t.atol * factor)

    return tolerance_for


def run_module(cls, names: list[str], values: list):
    """The module driver, by hand: constructor args by name, then x, grad_out?, param_<name>?."""
    i = names.index("x")
    m = cls(**dict(zip(names[:i], values[:i])))
    rest = dict(zip(names[i:], values[i:]))
    with torch.no_grad():
        for key, value in rest.items():
            if key.startswith("param_"):
                getattr(m, key.removeprefix("param_")).copy_(value)
    x = rest["x"].requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.nn.RMSNorm warns about a float32 weight with bf16 x
        out = m(x)
        if "grad_out" in rest:
            out.backward(rest["grad_out"])
    params = dict(m.named_parameters())
    return {
        "output": out.detach(),
        "grad_x": x.grad,
        "grads": {name: params[name].grad for name in sorted(params)},
        "parameters": sorted(params),
    }


def run(qid, fn, case):
    """What the grader would get from `fn` (a function, or a module class) on one case."""
    args = build_args(qid, case.name, case.args, case.seed)
    if question(qid).grading.driver == "module":
        return run_module(fn, list(case.args), args)
    return fn(*args)


def case_ids(qid):
    return [(qid, c.name) for c in question(qid).grading.cases]


def get_case(qid, name):
    return next(c for c in question(qid).grading.cases if c.name == name)


ALL_CASES = [pair for qid in IDS for pair in case_ids(qid)]


# ---- independent implementations -------------------------------------------------------------


def forward_f_rms_norm(x, weight, eps=1e-5):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return torch.nn.functional.rms_norm(x, (x.shape[-1],), weight, eps)


def forward_float64(x, weight, eps=1e-5):
    xd = x.double()
    return (xd / (xd.pow(2).mean(-1, keepdim=True) + eps).sqrt() * weight.double()).to(x.dtype)


def module_torch(dim, eps=1e-5):
    return torch.nn.RMSNorm(dim, eps=eps)


class ModuleFloat64(torch.nn.Module):
    def __init__(self, dim, eps=1e-5):
        super().__init__()
        self.eps = eps
        self.weight = torch.nn.Parameter(torch.ones(dim))

    def forward(self, x):
        xd = x.double()
        y = xd / torch.sqrt(xd.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight.double()
        return y.to(x.dtype)


def backward_autograd_float64(x, weight, grad_out, eps=1e-5):
    xd = x.detach().double().requires_grad_()
    wd = weight.detach().double().requires_grad_()
    y = xd / torch.sqrt(xd.pow(2).mean(-1, keepdim=True) + eps) * wd
    gx, gw = torch.autograd.grad(y, (xd, wd), grad_out.double())
    return gx.to(x.dtype), gw.to(weight.dtype)


def backward_autograd_llama_forward(x, weight, grad_out, eps=1e-5):
    """Autograd through Meta's forward as written, in the input dtype (its roundings included)."""
    reference = solution("rmsnorm-forward").rms_norm
    xr = x.detach().clone().requires_grad_()
    wr = weight.detach().clone().requires_grad_()
    gx, gw = torch.autograd.grad(reference(xr, wr, eps), (xr, wr), grad_out)
    return gx, gw


def fused_float64(x, residual, weight, eps=1e-5):
    h = x + residual
    return forward_float64(h, weight, eps), h


def fused_f_rms_norm(x, residual, weight, eps=1e-5):
    h = x + residual
    return forward_f_rms_norm(h, weight, eps), h


def fused_norm_of_float32_sum(x, residual, weight, eps=1e-5):
    """A fused kernel's order: add in float32, normalise the unrounded sum, store the sum rounded."""
    hf = x.float() + residual.float()
    normed = hf * torch.rsqrt(hf.pow(2).mean(-1, keepdim=True) + eps) * weight.float()
    return normed.to(x.dtype), hf.to(x.dtype)


INDEPENDENT = {
    "rmsnorm-forward": [forward_f_rms_norm, forward_float64],
    "rmsnorm-module": [module_torch, ModuleFloat64],
    "rmsnorm-backward": [backward_autograd_float64, backward_autograd_llama_forward],
    "rmsnorm-fused-residual": [fused_float64, fused_f_rms_norm, fused_norm_of_float32_sum],
}


def reference(qid):
    return getattr(solution(qid), question(qid).entry_point)


# ---- the files --------------------------------------------------------------------------------


@pytest.mark.parametrize("qid", IDS)
def test_question_loads_with_its_files(qid):
    q = question(qid)
    assert q.kind == "code" and q.points == 10
    assert BANK.stub_path(qid).is_file() and BANK.solution_path(qid).is_file()
    assert len(q.grading.cases) >= 6 and len(q.grading.mistakes) >= 2 and 2 <= len(q.hints) <= 3
    assert q.corrects and q.sources
    assert any("1910.07467" in s.url for s in q.sources)
    assert any("meta-llama/llama" in s.url for s in q.sources)
    sol = solution(qid)
    for m in q.grading.mistakes:
        assert hasattr(sol, m.function_name), m.function_name
    for p in q.grading.properties:
        assert callable(getattr(sol, p.function)), p.function


@pytest.mark.parametrize("qid", IDS)
def test_case_args_follow_the_signature(qid):
    q = question(qid)
    ref = reference(qid)
    if q.grading.driver == "module":
        ctor = list(inspect.signature(ref.__init__).parameters)[1:]
        for case in q.grading.cases:
            names = list(case.args)
            i = names.index("x")
            assert all(n in ctor for n in names[:i]), case.name
            tail = [n for n in names[i + 1 :]]
            assert tail == sorted(tail, key=lambda n: (n != "grad_out", n)), case.name
            assert all(n == "grad_out" or n.startswith("param_") for n in tail), case.name
        return
    params = list(inspect.signature(ref).parameters)
    for case in q.grading.cases:
        names = list(case.args)
        assert names == params[: len(names)], f"{case.name}: {names} vs {params}"


@pytest.mark.parametrize("qid", IDS)
def test_stub_matches_the_reference_and_scores_zero(qid):
    q = question(qid)
    ref, st = reference(qid), getattr(stub(qid), q.entry_point)
    if q.grading.driver == "module":
        assert issubclass(st, torch.nn.Module)
        assert inspect.signature(st.__init__) == inspect.signature(ref.__init__)
        assert inspect.signature(st.forward) == inspect.signature(ref.forward)
    else:
        assert inspect.signature(st) == inspect.signature(ref)
    with pytest.raises(NotImplementedError):
        run(qid, st, q.grading.cases[0])


def test_banned_apis_are_listed():
    for qid in IDS:
        assert "torch.nn.functional.rms_norm" in question(qid).grading.banned
    banned = set(question("rmsnorm-backward").grading.banned)
    for api in ("torch.autograd.grad", "torch.autograd.backward", "torch.Tensor.backward", "torch.func.grad",
                "torch.func.vjp", "torch.autograd.functional.vjp"):
        assert api in banned
    # The references themselves stay clear of what they ban.
    for qid in IDS:
        text = BANK.solution_path(qid).read_text()
        for api in question(qid).grading.banned:
            assert api not in text, (qid, api)
    assert ".backward(" not in BANK.solution_path("rmsnorm-backward").read_text()


def test_inputs_are_deterministic():
    for qid, name in ALL_CASES:
        case = get_case(qid, name)
        a = build_args(qid, case.name, case.args, case.seed)
        b = build_args(qid, case.name, case.args, case.seed)
        for u, v in zip(a, b):
            assert (torch.equal(u, v) and u.stride() == v.stride()) if isinstance(u, torch.Tensor) else u == v


# ---- the reference against independent implementations ---------------------------------------


@pytest.mark.parametrize("qid,name", ALL_CASES)
def test_reference_agrees_with_independent_implementations(qid, name):
    q, case = question(qid), get_case(qid, name)
    expected = run(qid, reference(qid), case)
    for other in INDEPENDENT[qid]:
        problem = compare(run(qid, other, case), expected, q.grading.tolerance)
        assert problem is None, f"{getattr(other, '__name__', other)}: {problem}"


def test_reference_outputs_keep_the_input_dtype():
    for qid, name in ALL_CASES:
        case = get_case(qid, name)
        args = build_args(qid, case.name, case.args, case.seed)
        out = run(qid, reference(qid), case)
        x = args[list(case.args).index("x")]
        if qid == "rmsnorm-module":
            assert out["output"].dtype == x.dtype and out["output"].shape == x.shape
            assert out["parameters"] == ["weight"]
            assert (out["grad_x"] is None) == ("grad_out" not in case.args)
            if out["grad_x"] is not None:
                assert out["grad_x"].dtype == x.dtype and out["grads"]["weight"].shape == (x.shape[-1],)
        elif qid == "rmsnorm-forward":
            assert out.dtype == x.dtype and out.shape == x.shape
        else:
            assert all(t.dtype == x.dtype for t in out)
            assert out[0].shape == x.shape and out[1].shape == (x.shape if qid != "rmsnorm-backward" else x.shape[-1:])
        assert all(bool(torch.isfinite(t).all()) for t in _tensors(out)), (qid, name)


def _tensors(value):
    if isinstance(value, torch.Tensor):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _tensors(v)
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _tensors(v)


def test_hand_driver_matches_the_engine_module_driver():
    from grader.sandbox.drivers import module as engine_module_driver

    q, sol = question("rmsnorm-module"), solution("rmsnorm-module")
    # Not bit-exact: the engine's driver clones x (a strided x becomes contiguous), which can
    # change the order of a reduction by an ulp.
    close = lambda dtype: Tolerance(rtol=1e-5, atol=1e-6)  # noqa: E731
    classes = [sol.RMSNorm] + [getattr(sol, m.function_name) for m in q.grading.mistakes]
    for case in q.grading.cases:
        for cls in classes:
            ours = run("rmsnorm-module", cls, case)
            theirs = engine_module_driver(cls, list(case.args), build_args(q.id, case.name, case.args, case.seed))
            assert compare(theirs, ours, close) is None, (case.name, cls.__name__)


def test_backward_matches_autograd_of_the_module():
    """rmsnorm-backward's reference equals autograd through rmsnorm-module's reference (float32)."""
    backward = reference("rmsnorm-backward")
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, 24, generator=gen) * 2 + 0.4
    w = torch.randn(24, generator=gen) * 0.5 + 1
    g = torch.randn(3, 5, 24, generator=gen)
    out = run_module(reference("rmsnorm-module"), ["dim", "x", "grad_out", "param_weight"], [24, x, g, w])
    gx, gw = backward(x, w, g)
    torch.testing.assert_close(gx, out["grad_x"], rtol=1e-5, atol=1e-6)
    torch.testing.assert_close(gw, out["grads"]["weight"], rtol=1e-5, atol=1e-6)


# ---- mistakes ---------------------------------------------------------------------------------


def mistake_outputs(qid):
    q, sol = question(qid), solution(qid)
    return {
        m.id: {c.name: run(qid, getattr(sol, m.function_name), c) for c in q.grading.cases}
        for m in q.grading.mistakes
    }


@pytest.mark.parametrize("qid", IDS)
def test_every_mistake_fails_widely_and_is_diagnosed_as_itself(qid):
    q = question(qid)
    tol, tol10 = q.grading.tolerance, tol_for(q, 10.0)
    expected = {c.name: run(qid, reference(qid), c) for c in q.grading.cases}
    outs = mistake_outputs(qid)
    for mid, by_case in outs.items():
        failing = [name for name, out in by_case.items() if compare(out, expected[name], tol) is not None]
        assert failing, f"{mid} passes every case"
        wide = [name for name in failing if compare(by_case[name], expected[name], tol10) is not None]
        assert wide, f"{mid} fails only within 10x the tolerance"
        # Wherever it fails, it must not look like another listed mistake.
        for name in failing:
            for other, other_cases in outs.items():
                if other != mid:
                    assert compare(by_case[name], other_cases[name], tol) is not None, (
                        f"{mid} on {name!r} is indistinguishable from {other}"
                    )


# ---- properties -------------------------------------------------------------------------------

PROPERTY_CASES = [(qid, p.name) for qid in CALL_IDS for p in question(qid).grading.properties]


def _evaluate(prop, fn):
    return [fn(*[a.clone() if isinstance(a, torch.Tensor) else a for a in call]) for call in prop.calls]


def _constant_like(value):
    if isinstance(value, torch.Tensor):
        return torch.ones_like(value)
    return type(value)(_constant_like(v) for v in value)


@pytest.mark.parametrize("qid,pname", PROPERTY_CASES)
def test_property_holds_for_the_reference_and_catches_wrong_answers(qid, pname):
    q, sol = question(qid), solution(qid)
    check = next(p for p in q.grading.properties if p.name == pname)
    make = getattr(sol, check.function)
    prop = make(torch.Generator().manual_seed(1234))
    outputs = _evaluate(prop, reference(qid))
    assert prop.judge(outputs) is None
    assert prop.judge([_constant_like(o) for o in outputs]) is not None
    caught = [m.id for m in q.grading.mistakes if prop.judge(_evaluate(prop, getattr(sol, m.function_name)))]
    assert caught, f"{pname} catches no listed mistake"
    # Deterministic for a given generator seed.
    again = make(torch.Generator().manual_seed(1234))
    assert all(torch.equal(a, b) for c1, c2 in zip(prop.calls, again.calls) for a, b in zip(c1, c2)
               if isinstance(a, torch.Tensor))


def test_backward_properties_catch_the_rms_as_constant_mistake_beyond_the_anchor():
    """Even if the first call were right, a wrong rescaled call must be caught by the relation."""
    sol = solution("rmsnorm-backward")
    prop = sol.prop_rescaling_x(torch.Generator().manual_seed(7))
    outs = _evaluate(prop, sol.rms_norm_backward)
    outs[2] = sol.mistake_rms_as_constant(*prop.calls[2])
    assert prop.judge(outs) is not None
    prop = sol.prop_linear_in_grad_out(torch.Generator().manual_seed(7))
    outs = _evaluate(prop, sol.rms_norm_backward)
    gx, gw = outs[1]
    outs[1] = (gx / gx.norm() , gw)  # a "normalised gradient", as the source would have it
    assert prop.judge(outs) is not None
