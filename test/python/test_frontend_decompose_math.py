"""`decompose_for_circle` for element-wise math, instance norm and attention:
each decomposition removes its op and computes the same values as torch (float32
tolerance 1e-5 relative/absolute: the decompositions reassociate float arithmetic), and
what a decomposition cannot express exactly is refused with a located `CompileError`."""

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from compiler.frontend.decompose import decompose_for_circle
from compiler.ir.diagnostics import CompileError

torch.set_num_threads(1)
aten = torch.ops.aten


def _randn(*shape, seed):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


class Fn(nn.Module):
    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def _targets(ep):
    return {n.target for n in ep.graph.nodes if n.op == "call_function"}


def _check(model, xs, gone, scheme="int8"):
    ep = torch.export.export(model, xs)
    assert gone <= _targets(ep)
    dec = decompose_for_circle(ep, scheme)
    assert not gone & _targets(dec)
    with torch.no_grad():
        want, got = model(*xs), dec.module()(*xs)
    for w, g in zip(want if isinstance(want, tuple) else (want,),
                    got if isinstance(got, tuple) else (got,), strict=True):
        torch.testing.assert_close(g, w, rtol=1e-5, atol=1e-5)
    return dec


def test_attention_with_float_mask_scale_and_causal():
    # distinct tensors: export must not see q, k and v as one aliased input
    q, k, v = _randn(1, 2, 4, 8, seed=1), _randn(1, 2, 5, 8, seed=2), _randn(1, 2, 5, 8, seed=3)
    mask = _randn(4, 5, seed=4)
    model = Fn(lambda q, k, v, m: (
        F.scaled_dot_product_attention(q, k, v),
        F.scaled_dot_product_attention(q, k, v, attn_mask=m, scale=0.3),
        F.scaled_dot_product_attention(q, k, v, is_causal=True)))
    dec = _check(model, (q, k, v, mask), {aten.scaled_dot_product_attention.default})
    targets = _targets(dec)
    # causal: the masked logits set below the row minimum (REDUCE_MAX of the negated
    # scores, SELECT_V2) before the softmax; no SUM/DIV renormalization
    assert {aten.matmul.default, aten.softmax.int, aten.where.self, aten.max.dim} <= targets
    assert aten.div.Tensor not in targets and aten.sum.dim_IntList not in targets


def test_attention_with_boolean_mask():
    """A boolean mask (True = attend) sets the masked logits 20 below their row's minimum
    before the softmax: torch's masked softmax (to float32 precision), without the -inf
    fill."""
    q, k, v = _randn(1, 2, 4, 8, seed=5), _randn(1, 2, 5, 8, seed=6), _randn(1, 2, 5, 8, seed=7)
    mask = _randn(4, 5, seed=8) > 0
    mask[:, 0] = True  # no fully masked row (torch gives NaN there, as the decomposition)
    model = Fn(lambda q, k, v, m: F.scaled_dot_product_attention(q, k, v, attn_mask=m))
    dec = _check(model, (q, k, v, mask), {aten.scaled_dot_product_attention.default})
    assert {aten.where.self, aten.max.dim} <= _targets(dec)


def test_grouped_query_attention():
    """enable_gqa: 4 query heads share 2 key/value heads (each repeated for its group)."""
    q, k, v = _randn(1, 4, 3, 8, seed=9), _randn(1, 2, 5, 8, seed=10), _randn(1, 2, 5, 8, seed=11)
    model = Fn(lambda q, k, v: F.scaled_dot_product_attention(q, k, v, enable_gqa=True))
    _check(model, (q, k, v), {aten.scaled_dot_product_attention.default})


def test_instance_norm_log1p_pow_clamp_tensor_neg():
    norm = nn.InstanceNorm2d(3, affine=True)
    with torch.no_grad():
        norm.weight.uniform_(0.5, 1.5)
        norm.bias.uniform_(-1, 1)
    x = _randn(2, 3, 4, 4, seed=5)
    lo, hi = _randn(1, 3, 1, 1, seed=6) - 1, _randn(1, 3, 1, 1, seed=7) + 1
    model = Fn(lambda x, lo, hi: (
        norm(x), torch.log1p(x.abs()), x ** 2, x ** 3, (x.abs() + 1) ** 0.5,
        (x.abs() + 1) ** -0.5, (x.abs() + 1) ** -1, x ** 1, torch.clamp(x, lo, hi), -x))
    gone = {aten.instance_norm.default, aten.log1p.default, aten.pow.Tensor_Scalar,
            aten.clamp.Tensor, aten.neg.default}
    _check(model, (x, lo, hi), gone)


def test_neg_stays_in_int16():
    """int16 activations are symmetric: NEG's integer negation is exact there."""
    ep = torch.export.export(Fn(lambda x: -x), (_randn(4, seed=8),))
    assert aten.neg.default in _targets(decompose_for_circle(ep, "int16"))


@pytest.mark.parametrize("fn,message", [
    (lambda q, k, v: F.scaled_dot_product_attention(q, k, v, dropout_p=0.5),
     "scaled_dot_product_attention with dropout_p=0.5 (train mode) has no Circle lowering"),
    (lambda q, k, v: q ** 2.5, "pow with exponent 2.5 (exponents 1, 2, 3, 0.5, -0.5, -1 are "
     "lowered) has no Circle lowering"),
])
def test_refused_with_location(fn, message):
    xs = (_randn(1, 2, 4, 4, seed=9), _randn(1, 2, 4, 4, seed=10), _randn(1, 2, 4, 4, seed=11))
    ep = torch.export.export(Fn(fn), xs)
    with pytest.raises(CompileError, match=message.replace("(", r"\(").replace(")", r"\)")) as e:
        decompose_for_circle(ep)
    assert e.value.location and "test_frontend_decompose_math.py" in e.value.location
