"""`verify_module` skips an op only when what its verification reads is unchanged since
it last passed: every change a pass can make to an op is verified again."""

from __future__ import annotations

import pytest
from xdsl.dialects.builtin import IntegerAttr, TensorType, f32, i64
from xdsl.rewriter import Rewriter

from compiler.dialects import quant
from compiler.ir import make_context
from compiler.ir.diagnostics import CompileError, LocatingParser, verify_module

Q = "!quant.uniform<i8:f32, 0.1:-3>"
IR = f"""
func.func @main(%x: tensor<1x4x4x2x{Q}>, %f: tensor<1x4x4x2xf32>) -> tensor<1x2x2x2xf32> {{
  %p = circle.max_pool_2d %x {{filter_height = 2 : i32, filter_width = 2 : i32, stride_h = 2 : i32, stride_w = 2 : i32}} : (tensor<1x4x4x2x{Q}>) -> tensor<1x2x2x2x{Q}>
  %d = quant.dcast %p : tensor<1x2x2x2x{Q}> to tensor<1x2x2x2xf32>
  %r = circle.relu %d : (tensor<1x2x2x2xf32>) -> tensor<1x2x2x2xf32>
  func.return %r : tensor<1x2x2x2xf32>
}}
"""


def _module():
    module = LocatingParser(make_context(), IR, "m.mlir").parse_module()
    verify_module(module)
    ops = {op.name: op for op in module.walk()}
    return module, ops


def _counting(monkeypatch, cls) -> list:
    calls = []
    original = cls.verify_

    def counted(self):
        calls.append(self)
        return original(self)

    monkeypatch.setattr(cls, "verify_", counted)
    return calls


def test_unchanged_ops_are_not_verified_again(monkeypatch):
    module, ops = _module()
    calls = _counting(monkeypatch, quant.DequantizeCastOp)
    verify_module(module)
    assert calls == []
    # a fresh op of the same class (no record) is verified
    new = quant.DequantizeCastOp(ops["circle.max_pool_2d"].results[0],
                                 TensorType(f32, [1, 2, 2, 2]))
    ops["quant.dcast"].parent.insert_op_after(new, ops["quant.dcast"])
    verify_module(module)
    assert calls == [new]


def test_changed_property_is_verified_again():
    module, ops = _module()
    ops["circle.max_pool_2d"].properties["stride_w"] = IntegerAttr(2, i64)
    with pytest.raises(CompileError, match="option stride_w must be an i32"):
        verify_module(module)


def test_changed_operand_type_is_verified_again():
    module, ops = _module()
    # the pool's result becomes float: the dcast's input is no longer quantized
    Rewriter.replace_value_with_new_type(ops["circle.max_pool_2d"].results[0],
                                         TensorType(f32, [1, 2, 2, 2]))
    with pytest.raises(CompileError, match="quant.dcast: expected a quantized input"):
        verify_module(module)


def test_replaced_operand_is_verified_again():
    module, ops = _module()
    f = ops["func.func"].body.block.args[1]  # a float argument
    ops["quant.dcast"].operands = [f]
    with pytest.raises(CompileError, match="quant.dcast: expected a quantized input"):
        verify_module(module)


def test_operand_replaced_by_one_of_the_same_type_is_verified_again(monkeypatch):
    """Replacing an operand by another value of the same type is a change too: the
    memo compares the operand values, not their types (nor xDSL's `op.operands` view,
    which is equal to itself whatever the operands become)."""
    module, ops = _module()
    pool, dcast = ops["circle.max_pool_2d"], ops["quant.dcast"]
    twin = pool.clone()
    pool.parent.insert_op_after(twin, pool)
    verify_module(module)
    calls = _counting(monkeypatch, quant.DequantizeCastOp)
    assert twin.results[0].type == dcast.operands[0].type
    dcast.operands = [twin.results[0]]
    verify_module(module)
    assert calls == [dcast]
    verify_module(module)  # and skipped again once verified
    assert calls == [dcast]


def test_changed_result_type_is_verified_again():
    module, ops = _module()
    Rewriter.replace_value_with_new_type(ops["circle.relu"].results[0], TensorType(f32, [1, 3]))
    with pytest.raises(CompileError, match="circle.relu"):
        verify_module(module)


def test_same_signature_in_one_call_is_verified_once(monkeypatch):
    """Two fresh ops of one class whose operand types, result type, properties and
    attributes are the very same objects: the second passes as the first did."""
    module, ops = _module()
    calls = _counting(monkeypatch, quant.DequantizeCastOp)
    dcast = ops["quant.dcast"]
    twins = [quant.DequantizeCastOp(ops["circle.max_pool_2d"].results[0], dcast.output.type)
             for _ in range(2)]
    for op in twins:
        dcast.parent.insert_op_after(op, dcast)
    verify_module(module)
    assert calls == [twins[1]]  # (the block's order: the last inserted comes first)
    # an equal but distinct result type is another signature: verified
    other = quant.DequantizeCastOp(ops["circle.max_pool_2d"].results[0],
                                   TensorType(f32, [1, 2, 2, 2]))
    dcast.parent.insert_op_after(other, dcast)
    verify_module(module)
    assert calls == [twins[1], other]


def test_plain_op_failure_has_xdsl_message():
    """The plain-op checks give way to xDSL's verifier for the message of a failure."""
    module, ops = _module()
    ops["quant.dcast"].properties["bogus"] = IntegerAttr(1, i64)
    with pytest.raises(CompileError, match="property 'bogus' is not defined"):
        verify_module(module)


def test_erased_operand_is_a_located_error():
    """An op still using a value whose producer was erased (a pass bug) is reported at
    that op as a `CompileError`, not as xDSL's ValueError traceback. (In a whole module
    the enclosing func's isolation check reports it first, also as a CompileError.)"""
    module, ops = _module()
    dcast = ops["quant.dcast"]
    dcast.detach()
    dcast.erase(safe_erase=False)
    with pytest.raises(CompileError, match="circle.relu: uses a value whose producer was erased"):
        verify_module(ops["circle.relu"])
    with pytest.raises(CompileError, match="func.func: Operation using value defined out"):
        verify_module(module)
