"""`QuantFunctions`: the interpreter implementations of the `quant` dialect.

- `quant.qcast`: float -> storage integers with the type's `quantize` (round half to
  even, saturate to the storage bounds; bit-identical to torch's
  `quantize_per_tensor` / `quantize_per_channel`);
- `quant.dcast`: storage integers -> float32 with the type's `dequantize`;
- `quant.scast`: a reinterpretation; the array is unchanged apart from its dtype
  (signless `i8` and quantized `i8` storage share int8, `ui8` and `u8` uint8);
- `quant.constant`: the payload's storage integers.
"""

from __future__ import annotations

import numpy as np
from xdsl.interpreter import Interpreter, InterpreterFunctions, impl, register_impls

from compiler.dialects import quant
from compiler.interpreter.values import quantized, runtime_dtype
from compiler.ir.verify_tensors import dense_as_numpy


@register_impls
class QuantFunctions(InterpreterFunctions):
    @impl(quant.QuantizeCastOp)
    def run_qcast(self, interpreter: Interpreter, op: quant.QuantizeCastOp, args: tuple):
        q = quantized(op.output)
        assert q is not None
        return (q.quantize(np.asarray(args[0], dtype=np.float32)),)

    @impl(quant.DequantizeCastOp)
    def run_dcast(self, interpreter: Interpreter, op: quant.DequantizeCastOp, args: tuple):
        q = quantized(op.input)
        assert q is not None
        return (q.dequantize(args[0]),)

    @impl(quant.StorageCastOp)
    def run_scast(self, interpreter: Interpreter, op: quant.StorageCastOp, args: tuple):
        dtype = runtime_dtype(op.output)
        return (np.asarray(args[0]).view(dtype),)

    @impl(quant.ConstantOp)
    def run_constant(self, interpreter: Interpreter, op: quant.ConstantOp, args: tuple):
        q = quantized(op.output)
        assert q is not None
        return (dense_as_numpy(op.value).astype(q.numpy_storage_dtype),)
