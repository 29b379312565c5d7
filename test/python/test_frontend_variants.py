"""Constructs of real architectures the frontend must take like their plain forms:
in-place and `_copy` ATen variants, parameters used through `expand` (class tokens),
`roll` and shifted-window masks (`new_zeros`, slice assignment), Python scalar inputs
and None outputs. Each end-to-end case compiles, and the written file runs in LiteRT
(reference kernels) equal to the interpreter bit for bit."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn as nn

import compiler
from compiler.frontend import import_program
from compiler.frontend.decompose import decompose_for_circle
from compiler.frontend.variants import functional_overload
from compiler.verify import run_stage
from runtimes import run_litert

torch.set_num_threads(1)
aten = torch.ops.aten


@pytest.mark.parametrize("variant, functional", [
    (aten.relu_.default, aten.relu.default),
    (aten.hardswish_.default, aten.hardswish.default),
    (aten.dropout_.default, aten.dropout.default),
    (aten.add_.Tensor, aten.add.Tensor),
    (aten.mul_.Tensor, aten.mul.Tensor),
    (aten.fill_.Tensor, aten.fill.Tensor),
    (aten.slice_copy.Tensor, aten.slice.Tensor),
    (aten.select_copy.int, aten.select.int),
    (aten.expand_copy.default, aten.expand.default),
    (aten.alias_copy.default, aten.alias.default),
    (aten.lift_fresh_copy.default, aten.clone.default),
    (aten.relu.default, None),
    (aten.copy.default, None),  # not a variant: copy(self, src) is src in self's shape
])
def test_functional_overload(variant, functional):
    assert functional_overload(variant) is functional


class _Inplace(nn.Module):
    """torchvision-style in-place modules and ops."""

    def __init__(self, inplace: bool):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.hs = nn.Hardswish(inplace=inplace)
        self.relu = nn.ReLU(inplace=inplace)
        self.drop = nn.Dropout(0.2, inplace=inplace)
        self.conv2 = nn.Conv2d(8, 8, 1)
        self.inplace = inplace

    def forward(self, x):
        y = self.drop(self.hs(self.conv(x)))
        z = self.conv2(y)
        if self.inplace:
            z += y
            z.mul_(0.5)
        else:
            z = (z + y) * 0.5
        return self.relu(z)


def _example(shape=(1, 3, 8, 8), n=4):
    g = torch.Generator().manual_seed(0)
    return [(torch.randn(*shape, generator=g),) for _ in range(n)]


def test_inplace_dropout_imports_with_its_own_argument_names():
    """dropout_(Tensor self, ...) vs dropout(Tensor input, ...): bound by position (was a
    KeyError on 'input')."""
    model = _Inplace(True).eval()
    ep = torch.export.export(model, _example()[0])
    assert any(n.target is aten.dropout_.default for n in ep.graph.nodes)
    module = import_program(ep)
    names = [op.name for op in module.walk()]
    assert "aten.dropout" in names and "aten.hardswish" in names and "aten.call" not in names


@pytest.mark.parametrize("scheme", ["uint8", "int8", "int16"])
def test_inplace_variants_compile_exactly_as_functional_ones(scheme):
    """Same decompositions (uint8/int16 hardswish), annotations and lowering: the circle
    IR of the in-place model is the functional model's, op for op and type for type."""
    def lowered(inplace: bool) -> str:
        torch.manual_seed(0)
        model = _Inplace(inplace).eval()
        batches = _example()
        program = compiler.quantize(model, batches[0], batches, scheme=scheme, progress=False)
        module = import_program(program)
        compiler.lower(module, scheme=scheme)
        return "\n".join(f"{op.name} {[str(r.type) for r in op.results]}" for op in module.walk())

    assert lowered(True) == lowered(False)


def test_decompose_for_circle_functionalizes_variants():
    model = _Inplace(True).eval()
    ep = decompose_for_circle(torch.export.export(model, _example()[0]), "int8")
    targets = {n.target for n in ep.graph.nodes if n.op == "call_function"}
    assert not any(functional_overload(t) for t in targets), targets


def _compile_tflite(model, batches, scheme="int8"):
    program = compiler.quantize(model.eval(), batches[0], batches[:-1], scheme=scheme,
                                progress=False)
    module = import_program(program)
    compiler.lower(module, scheme=scheme)
    assert not [op.name for op in module.walk() if op.name.split(".")[0] in ("aten", "quant")]
    data = compiler.write_tflite(module)
    held = [t.numpy() for t in batches[-1]]
    ir = run_stage(module, held).outputs[0].array
    np.testing.assert_array_equal(run_litert(data, held)[0], ir)
    pt2e = run_stage(program, held).outputs[0].real()
    return module, ir, pt2e


class _ClassToken(nn.Module):
    """ViT's class token and position embedding: parameters through expand and add."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(8, 8)
        self.cls = nn.Parameter(torch.randn(1, 1, 8))
        self.pos = nn.Parameter(torch.randn(1, 5, 8) * 0.5)

    def forward(self, x):
        x = self.proj(x)
        x = torch.cat([self.cls.expand(x.shape[0], -1, -1), x], dim=1)
        return x + self.pos


def test_class_token_through_expand_lowers_and_runs():
    """The expand of a batch-1 parameter folds away; its quantized constant must become a
    circle.const (it reached the writer as quant.constant)."""
    torch.manual_seed(0)
    _compile_tflite(_ClassToken(), _example((1, 4, 8)))


class _ShiftedWindows(nn.Module):
    """Swin's shifted windows: roll, and an additive mask built by new_zeros and slice
    assignment (fill_ on views)."""

    def __init__(self):
        super().__init__()
        self.qk = nn.Linear(4, 8)

    def forward(self, x):  # x: (1, 8, 8, 4), windows of 4, shift 2
        x = torch.roll(x, shifts=(-2, -2), dims=(1, 2))
        mask = x.new_zeros((8, 8))
        count = 0
        for hs in ((0, -4), (-4, -2), (-2, None)):
            for ws in ((0, -4), (-4, -2), (-2, None)):
                mask[hs[0]:hs[1], ws[0]:ws[1]] = count
                count += 1
        mask = mask.view(2, 4, 2, 4).permute(0, 2, 1, 3).reshape(4, 16)
        mask = mask.unsqueeze(1) - mask.unsqueeze(2)
        mask = mask.masked_fill(mask != 0, -100.0).masked_fill(mask == 0, 0.0)
        w = x.view(1, 2, 4, 2, 4, 4).permute(0, 1, 3, 2, 4, 5).reshape(4, 16, 4)
        q, k = self.qk(w).chunk(2, dim=-1)
        attn = torch.softmax(q @ k.transpose(-2, -1) + mask, dim=-1)
        y = (attn @ w).reshape(1, 2, 2, 4, 4, 4).permute(0, 1, 3, 2, 4, 5).reshape(1, 8, 8, 4)
        return torch.roll(y, shifts=(2, 2), dims=(1, 2))


def test_shifted_window_roll_and_mask_lower_and_run():
    torch.manual_seed(0)
    module, ir, pt2e = _compile_tflite(_ShiftedWindows(), _example((1, 8, 8, 4), 5))
    # the mask is one constant (folded before quantization); roll is slices + concat
    names = [op.name for op in module.walk()]
    assert "circle.concatenation" in names and "circle.slice" in names or "circle.strided_slice" in names


def test_roll_decomposition_is_exact():
    from compiler.frontend.decompose import _roll

    x = torch.arange(60.0).reshape(3, 4, 5)
    for shifts, dims in [((1,), (0,)), ((-2, 3), (1, 2)), ((7,), ()), ((0, 9), (0, 1))]:
        torch.testing.assert_close(_roll(x, shifts, dims), torch.roll(x, shifts, dims),
                                   rtol=0, atol=0)


class _ScalarArgs(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)

    def forward(self, x, scale: float, n: int, mask=None):
        y = self.fc(x) * scale
        return y[:, :n], None


def test_python_scalar_inputs_and_none_outputs():
    """torch.export specialises Python scalars and None inputs (unused placeholders) and
    keeps None outputs: neither is an argument or a result of the compiled function."""
    model = _ScalarArgs().eval()
    x = torch.randn(2, 4)
    ep = torch.export.export(model, (x, 2.0, 3, None))
    module = import_program(ep)
    func = next(op for op in module.walk() if op.name == "func.func")
    assert [str(t) for t in func.function_type.inputs.data] == ["tensor<2x4xf32>"]
    assert [str(t) for t in func.function_type.outputs.data] == ["tensor<2x3xf32>"]
    (y,) = compiler.run(module, [x.numpy()])
    np.testing.assert_allclose(y, model(x, 2.0, 3)[0].detach().numpy(), rtol=1e-6)


class _CopyVariants(nn.Module):
    def forward(self, x):
        a = aten.slice_copy.Tensor(x, 1, 0, 4)
        b = aten.select_copy.int(x, 1, 4)
        c = aten.expand_copy.default(b.unsqueeze(1), [2, 4, 3])
        d = aten.alias_copy.default(a)
        e = torch.zeros(2, 4, 3).copy_(d)
        return e + c


def test_copy_variants_import_and_compute_as_torch():
    model = _CopyVariants()
    x = torch.randn(2, 6, 3)
    ep = torch.export.export(model, (x,))
    module = import_program(ep)
    assert "aten.call" not in [op.name for op in module.walk()]
    (y,) = compiler.run(module, [x.numpy()])
    np.testing.assert_array_equal(y, model(x).numpy())
    # and quantized to the end
    _compile_tflite(model, _example((2, 6, 3), 4))
