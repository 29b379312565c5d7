"""Integer kernels of the element-wise math ops against LiteRT, on every
input value of the storage (int8: all 256; int16: a sweep of non-negative values), for
several quantization parameters: bit-exact. Plus the errors LiteRT also raises."""

from __future__ import annotations

import numpy as np
import pytest

from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type

runtimes = pytest.importorskip("runtimes")
if not runtimes.litert_available():
    pytest.skip("LiteRT is not installed", allow_module_level=True)

from compiler.codegen import write_tflite  # noqa: E402

# ELU: the BUILTIN_REF resolver does not register ELU; the builtin kernel is its table
_RESOLVER = {circle.EluOp: "BUILTIN_WITHOUT_DEFAULT_DELEGATES", circle.SqrtOp: "BUILTIN_REF"}


def _both(op_class, storage, qi, qo, values):
    m = single_op_module(op_class, [Input(tensor([values.size], qi))], [tensor([values.size], qo)])
    ours = run(m, [values])[0]
    theirs = runtimes.run_litert(write_tflite(m), [values], resolver=_RESOLVER[op_class])[0]
    return ours, theirs


@pytest.mark.parametrize("s_in,zp_in,s_out,zp_out", [
    (0.05, -3, 0.02, -80), (0.1, 20, 0.03, -100), (0.01, -128, 0.01, -28), (0.2, 0, 0.05, -108),
])
def test_elu_int8_every_input(s_in, zp_in, s_out, zp_out):
    values = np.arange(-128, 128, dtype=np.int8)
    ours, theirs = _both(circle.EluOp, "i8", make_quantized_type("i8", s_in, zp_in),
                         make_quantized_type("i8", s_out, zp_out), values)
    np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("storage,s_in,zp_in,s_out,zp_out", [
    ("i8", 0.02, -128, 0.01, -128), ("i8", 0.1, -128, 0.03, -50),
    ("i16", 1e-4, 0, 5e-5, 0), ("i16", 3e-3, 0, 1e-3, 0),
])
def test_sqrt_every_non_negative_input(storage, s_in, zp_in, s_out, zp_out):
    if storage == "i8":
        values = np.arange(zp_in, 128, dtype=np.int8)
    else:
        values = np.arange(0, 32767, 13, dtype=np.int16)
    ours, theirs = _both(circle.SqrtOp, storage, make_quantized_type(storage, s_in, zp_in),
                         make_quantized_type(storage, s_out, zp_out), values)
    np.testing.assert_array_equal(ours, theirs)


def test_sqrt_of_a_negative_input_is_an_error_like_litert():
    qi, qo = make_quantized_type("i8", 0.1, 0), make_quantized_type("i8", 0.1, -128)
    m = single_op_module(circle.SqrtOp, [Input(tensor([2], qi))], [tensor([2], qo)])
    x = np.array([4, -1], np.int8)
    with pytest.raises(CompileError, match="SQRT is only defined for non-negative inputs"):
        run(m, [x])
    with pytest.raises(runtimes.RuntimeRefused, match="only defined for non-negative"):
        runtimes.run_litert(write_tflite(m), [x])


def test_uint8_sqrt_has_no_runtime_to_check():
    q = make_quantized_type("u8", 0.1, 128)
    m = single_op_module(circle.SqrtOp, [Input(tensor([2], q))], [tensor([2], q)])
    with pytest.raises(NotImplementedError, match="no u8 SQRT kernel"):
        run(m, [np.array([130, 140], np.uint8)])
    # the writer refuses it before LiteRT would (the op's runtime traits)
    with pytest.raises(CompileError, match="UINT8 is unsupported by op Sqrt"):
        write_tflite(m)
    from compiler.codegen.schema import TFLITE_IDENTIFIER
    from compiler.codegen.writer import build_model, pack_model

    with pytest.raises(runtimes.RuntimeRefused, match="UINT8 is unsupported by op Sqrt"):
        runtimes.run_litert(pack_model(build_model(m), TFLITE_IDENTIFIER),
                            [np.array([130, 140], np.uint8)])
