"""Run every op of a lowered module alone in onert, on the interpreter's values of its
inputs, and list where onert departs from the interpreter beyond its tolerance.

Why per op: onert reuses intermediate buffers, so a debug model that also returns every
intermediate tensor reads overwritten values (measured on examples/transformer.py: the
first QUANTIZE came back 2 % equal as a graph output, 100 % equal alone). One op at a
time also keeps a documented 1-step difference (uint8 MEAN, FULLY_CONNECTED) from
propagating into the ops after it.

Tolerances (docs/codegen.md): uint8 MEAN and FULLY_CONNECTED 1 step (onert rounds
once where TFLite rounds twice); float ops 1e-5 of the output's magnitude (onert's float
kernels differ from numpy in the last bits); everything else exact.
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import ModuleOp, TensorType
from xdsl.ir import Block, Region

from compiler.codegen import write_circle
from compiler.dialects.circle_base import ConstOp, NoValueOp
from compiler.interpreter import run

#: (builtin, storage) -> steps onert may differ by
STEPS = {("MEAN", "u8"): 1, ("FULLY_CONNECTED", "u8"): 1}
FLOAT_RTOL = 1e-5


def _all_values(module: ModuleOp, inputs: list[np.ndarray]) -> dict:
    """Interpreter values of every op result (the module is cloned, not changed)."""
    m = module.clone()
    f = next(o for o in m.walk() if isinstance(o, func.FuncOp))
    ops = [o for o in f.body.block.ops if not isinstance(o, ConstOp | NoValueOp | func.ReturnOp)]
    values = [r for o in ops for r in o.results if isinstance(r.type, TensorType)]
    ret = f.body.block.last_op
    ret.operands = values
    from xdsl.dialects.builtin import FunctionType

    f.function_type = FunctionType.from_lists([a.type for a in f.body.block.args],
                                              [v.type for v in values])
    outs = run(m, inputs)
    index = {id(v): i for i, v in enumerate(values)}
    return {"ops": ops, "args": list(f.body.block.args), "outs": outs, "index": index}


def _alone(op) -> tuple[ModuleOp, list]:
    block = Block()
    operands, fed = [], []
    for v in op.operands:
        if isinstance(v.owner, ConstOp | NoValueOp):
            c = v.owner.clone()
            block.add_op(c)
            operands.append(c.results[0])
        else:
            operands.append(block.insert_arg(v.type, len(block.args)))
            fed.append(v)
    new = op.clone()
    for i, v in enumerate(operands):
        new.operands[i] = v
    block.add_op(new)
    block.add_op(func.ReturnOp(*new.results))
    fn = func.FuncOp("main", ([a.type for a in block.args], [r.type for r in new.results]),
                     Region(block))
    return ModuleOp([fn]), fed


def departures(module: ModuleOp, inputs: list[np.ndarray]) -> list[str]:
    """Each op whose onert result (alone, on the interpreter's inputs) differs from the
    interpreter's beyond the tolerance, as `name: builtin: how much`."""
    from runtimes import run_onert

    state = _all_values(module, inputs)
    env = {id(a): x for a, x in zip(state["args"], inputs)}
    for v_id, i in state["index"].items():
        env[v_id] = state["outs"][i]
    found = []
    for op in state["ops"]:
        alone, fed = _alone(op)
        theirs = run_onert(write_circle(alone), [env[id(v)] for v in fed])
        for r, b in zip(op.results, theirs, strict=True):
            a = env[id(r)]
            b = np.asarray(b).reshape(a.shape)
            st = getattr(getattr(r.type, "element_type", None), "storage_spelling", None)
            if a.dtype.kind == "f":
                bad = np.abs(a - b).max(initial=0) > FLOAT_RTOL * max(1.0, np.abs(a).max(
                    initial=0))
            else:
                steps = np.abs(a.astype(np.int64) - b.astype(np.int64)).max(initial=0)
                bad = steps > STEPS.get((op.BUILTIN, st), 0)
            if bad:
                found.append(f"{r.name_hint or op.name}: {op.BUILTIN}: "
                             f"{(a != b).mean() * 100:.1f} % of elements differ")
    return found
