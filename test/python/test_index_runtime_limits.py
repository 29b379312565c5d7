"""The indexing family's runtime limits, measured and pinned (LiteRT BUILTIN_REF,
onert): the codegen checks refuse exactly what the runtimes refuse, so if a runtime
gains a kernel, these tests say so.

- LiteRT has no int16 ARG_MAX/ARG_MIN: `write_tflite` refuses it;
- onert has no GATHER_ND and no quantized TILE: `onert_problems` reports them;
- LiteRT runs int8/uint8 ARG_MAX with int32 and int64 results, bit-exact with the
  interpreter (the op cases cover int64 only).
"""

from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects.builtin import i32, i64

from compiler.codegen import write_circle, write_tflite
from compiler.codegen.onert import onert_problems
from compiler.codegen.schema import TFLITE_IDENTIFIER
from compiler.codegen.writer import build_model, pack_model
from compiler.dialects import circle
from compiler.interpreter import run
from compiler.interpreter.build import Const, Input, single_op_module, tensor
from compiler.ir.diagnostics import CompileError
from compiler.ir.quant_types import make_quantized_type

runtimes = pytest.importorskip("runtimes")


def _arg_max(storage: str, index_type, output_type: str):
    t = make_quantized_type(storage, 0.015625, 0 if storage == "i16" else 3)
    return single_op_module(circle.ArgMaxOp, [Input(tensor([2, 5, 3], t)),
                                              Const(np.array([1], np.int32))],
                            [tensor([2, 3], index_type)], output_type=output_type)


def _data(dtype, shape, seed=0):
    info = np.iinfo(dtype)
    return np.random.default_rng(seed).integers(info.min, info.max + 1, shape).astype(dtype)


def test_litert_refuses_int16_arg_max_and_write_tflite_says_so():
    m = _arg_max("i16", i64, "INT64")
    with pytest.raises(CompileError, match="int16 ARG_MAX is not supported by TFLite"):
        write_tflite(m)
    unchecked = pack_model(build_model(m), TFLITE_IDENTIFIER)  # LiteRT's own refusal
    with pytest.raises(runtimes.RuntimeRefused, match="Unknown input type"):
        runtimes.run_litert(unchecked, [_data(np.int16, (2, 5, 3))])


@pytest.mark.parametrize("storage,dtype", [("i8", np.int8), ("u8", np.uint8)])
@pytest.mark.parametrize("index_type,name", [(i32, "INT32"), (i64, "INT64")])
def test_litert_arg_max_index_types(storage, dtype, index_type, name):
    m = _arg_max(storage, index_type, name)
    x = _data(dtype, (2, 5, 3))
    (ours,), (theirs,) = run(m, [x]), runtimes.run_litert(write_tflite(m), [x])
    assert ours.dtype == theirs.dtype == (np.int64 if name == "INT64" else np.int32)
    np.testing.assert_array_equal(ours, theirs)


def test_onert_problems_name_gather_nd_and_quantized_tile():
    t = make_quantized_type("u8", 0.015625, 3)
    tile = single_op_module(circle.TileOp, [Input(tensor([2, 3], t)),
                                            Const(np.array([1, 2], np.int32))],
                            [tensor([2, 6], t)])
    gnd = single_op_module(circle.GatherNdOp, [Input(tensor([2, 3], t)),
                                               Const(np.array([[1, 2]], np.int32))],
                           [tensor([1], t)])
    assert "onert has no u8 kernel for TILE" in str(onert_problems(tile)[0])
    assert "onert does not support GATHER_ND" in str(onert_problems(gnd)[0])
    x = _data(np.uint8, (2, 3))
    for m in (tile, gnd):  # and onert indeed refuses them (write_circle does not check)
        with pytest.raises(runtimes.RuntimeRefused):
            runtimes.run_onert(write_circle(m), [x])
