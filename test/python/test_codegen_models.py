"""Small circle-dialect models for the codegen and runtime tests, one family per scheme
(plus single-op probes, `PROBES`, whose runtime support test_runtimes.py pins).

`MODELS` maps a name to a builder returning a verified `ModuleOp`. Weights are seeded
random; scales are float32 values (the schema stores float32, so these round-trip
exactly). Every op result carries a `NameLoc`, as the importer gives them.

Schemes (shared/DESIGN.md):
- `u8pt`: uint8 activations, uint8 per-tensor asymmetric weights, int32 bias;
- `u8pc`: uint8 activations, uint8 per-channel asymmetric weights (ONE's default);
- `i8`:   int8 activations, int8 per-channel narrow-range symmetric weights, int32 bias;
- `i16`:  int16 symmetric activations (zp 0), int8 per-channel weights, int64 bias.
Suffix `_io` means integer model inputs/outputs (no QUANTIZE/DEQUANTIZE at the borders).
"""

from __future__ import annotations

import numpy as np
from xdsl.dialects.builtin import (
    IntegerType,
    ModuleOp,
    NameLoc,
    Signedness,
    StringAttr,
    TensorType,
    NoneAttr,
    f32,
    i32,
)
from xdsl.dialects.func import FuncOp, ReturnOp
from xdsl.ir import Attribute, Block, Region, SSAValue

from compiler.dialects import circle
from compiler.dialects.quant import dense_from_numpy
from compiler.ir.diagnostics import verify_module
from compiler.ir.quant_types import make_quantized_type


def f32v(x: float) -> float:
    """The float32 value nearest to x, as a Python float."""
    return float(np.float32(x))


class Graph:
    """Builds one `func.func` of circle ops, naming every value."""

    def __init__(self, name: str = "main"):
        self.name = name
        self.block = Block()
        self.rng = np.random.default_rng(0)

    def input(self, shape: list[int], element: Attribute, name: str) -> SSAValue:
        arg = self.block.insert_arg(TensorType(element, shape), len(self.block.args))
        arg.location = NameLoc(StringAttr(name), NoneAttr())
        arg.name_hint = name
        return arg

    def _add(self, op, name: str):
        op.location = NameLoc(StringAttr(name), NoneAttr())
        for r in op.results:
            r.name_hint = name
        self.block.add_op(op)
        return op

    def const(self, array: np.ndarray, qtype: Attribute | None, name: str) -> SSAValue:
        storage = {
            np.dtype("int8"): IntegerType(8),
            np.dtype("uint8"): IntegerType(8, Signedness.UNSIGNED),
            np.dtype("int16"): IntegerType(16),
            np.dtype("int32"): i32,
            np.dtype("int64"): IntegerType(64),
            np.dtype("float32"): f32,
        }[array.dtype]
        dense = dense_from_numpy(array, storage)
        result = TensorType(qtype, list(array.shape)) if qtype is not None else None
        return self._add(circle.ConstOp(dense, result), name).output

    def op(self, cls, operands, result: Attribute | list[Attribute], name: str, **options):
        results = result if isinstance(result, list) else [result]
        op = cls.from_options(list(operands), results, **options)
        self._add(op, name)
        return op.results[0] if len(op.results) == 1 else op.results

    def no_value(self) -> SSAValue:
        return self._add(circle.NoValueOp(), "none").output

    def build(self, outputs: list[SSAValue]) -> ModuleOp:
        self.block.add_op(ReturnOp(*outputs))
        func = FuncOp.from_region(
            self.name,
            [a.type for a in self.block.args],
            [o.type for o in outputs],
            Region(self.block),
        )
        module = ModuleOp([func])
        verify_module(module)
        return module

    # ---- weights -------------------------------------------------------------------
    def weights(self, shape, storage: str, per_channel_axis: int | None, name: str) -> SSAValue:
        n = shape[per_channel_axis] if per_channel_axis is not None else 1
        scales = [f32v(0.01 + 0.005 * k) for k in range(n)]
        if storage == "u8":
            data = self.rng.integers(0, 256, shape).astype(np.uint8)
            zps = [128 + (k % 3) for k in range(n)]
            qt = make_quantized_type("u8", scales if n > 1 or per_channel_axis is not None else scales[0],
                                     zps if per_channel_axis is not None else zps[0],
                                     axis=per_channel_axis)
        else:
            data = self.rng.integers(-127, 128, shape).astype(np.int8)
            qt = make_quantized_type("i8", scales if per_channel_axis is not None else scales[0],
                                     [0] * n if per_channel_axis is not None else 0,
                                     axis=per_channel_axis, qmin=-127, qmax=127)
        return self.const(data, qt, name)

    def bias(self, n: int, in_scale: float, w: SSAValue, storage: str, name: str) -> SSAValue:
        """A bias with scale s_in * s_w: per-tensor for per-tensor weights, else per-channel."""
        wt = w.type.element_type
        scales = [f32v(np.float32(in_scale) * np.float32(s)) for s in wt.scales]
        dtype = np.int32 if storage == "i32" else np.int64
        data = self.rng.integers(-200, 200, [n]).astype(dtype)
        if len(scales) == 1 and not hasattr(wt, "axis"):
            qt = make_quantized_type(storage, scales[0], 0)
        else:
            qt = make_quantized_type(storage, scales, [0] * n, axis=0)
        return self.const(data, qt, name)


def single_op(storage: str, build) -> ModuleOp:
    """float [1,4,4,4] -> QUANTIZE -> `build(graph, q, storage)` -> DEQUANTIZE -> float."""
    g = Graph()
    x = g.input([1, 4, 4, 4], f32, "x")
    q = g.op(circle.QuantizeOp, [x], TensorType(_qt(storage), [1, 4, 4, 4]), "x_q")
    y = build(g, q, storage)
    return g.build([g.op(circle.DequantizeOp, [y], TensorType(f32, list(y.type.get_shape())), "y")])


def _qt(storage: str, scale: float = 1 / 32):
    return make_quantized_type(storage, f32v(scale), {"u8": 128, "i8": 0}[storage])


def _with_consts(cls, shape, consts=(), **options):
    """An op on q plus i32 constant operands, result [shape] with q's qparams."""
    def build(g, q, st):
        ops = [q] + [g.const(np.array(c, dtype=np.int32), None, f"c{i}") for i, c in enumerate(consts)]
        return g.op(cls, ops, TensorType(_qt(st), shape), "op", **options)
    return build


def _binary(cls, scale=1 / 16):
    return lambda g, q, st: g.op(cls, [q, q], TensorType(_qt(st, scale), [1, 4, 4, 4]), "op")


def _gather(g, q, st):
    idx = g.const(np.array([0, 2], np.int32), None, "idx")
    return g.op(circle.GatherOp, [q, idx], TensorType(_qt(st), [1, 4, 4, 2]), "op", axis=3)


def _transpose_conv(g, q, st):
    shape = g.const(np.array([1, 8, 8, 2], np.int32), None, "out_shape")
    w = g.weights([2, 3, 3, 4], st, None if st == "u8" else 0, "w")
    b = g.bias(2, 1 / 32, w, "i32", "b")
    return g.op(circle.TransposeConvOp, [shape, w, q, b], TensorType(_qt(st, 1 / 4), [1, 8, 8, 2]),
                "op", padding="SAME", stride_w=2, stride_h=2)


SINGLE_OPS = {
    "mul": _binary(circle.MulOp),
    "sub": _binary(circle.SubOp),
    "maximum": _binary(circle.MaximumOp, 1 / 32),
    "concatenation": lambda g, q, st: g.op(circle.ConcatenationOp, [[q, q]],
                                           TensorType(_qt(st), [1, 4, 4, 8]), "op", axis=3),
    "pad": _with_consts(circle.PadOp, [1, 6, 6, 4], ([[0, 0], [1, 1], [1, 1], [0, 0]],)),
    "slice": _with_consts(circle.SliceOp, [1, 2, 2, 4], ([0, 1, 1, 0], [1, 2, 2, 4])),
    "strided_slice": _with_consts(circle.StridedSliceOp, [1, 2, 2, 4],
                                  ([0, 0, 0, 0], [1, 4, 4, 4], [1, 2, 2, 1])),
    "resize_bilinear": _with_consts(circle.ResizeBilinearOp, [1, 8, 8, 4], ([8, 8],)),
    "resize_nearest": _with_consts(circle.ResizeNearestNeighborOp, [1, 8, 8, 4], ([8, 8],)),
    "gather": _gather,
    "leaky_relu": lambda g, q, st: g.op(circle.LeakyReluOp, [q], TensorType(_qt(st), [1, 4, 4, 4]),
                                        "op", alpha=0.125),
    "batch_matmul": _binary(circle.BatchMatMulOp, 1 / 8),
    "reduce_max": _with_consts(circle.ReduceMaxOp, [1, 1, 1, 4], ([1, 2],), keep_dims=True),
    "sum": _with_consts(circle.SumOp, [1, 1, 1, 4], ([1, 2],), keep_dims=True),
    "transpose_conv": _transpose_conv,
}


# Options in the op's definition order, which is the order the reader gives them back
# (so that the printed round trip is identical, not just equivalent).
POOL = dict(stride_w=2, stride_h=2, filter_width=2, filter_height=2)

# activation parameters per scheme: (storage, scale, zero point)
ACT = {
    "u8pt": ("u8", f32v(1 / 64), 128),
    "u8pc": ("u8", f32v(1 / 64), 128),
    "i8": ("i8", f32v(1 / 64), 3),
    "i16": ("i16", f32v(1 / 8192), 0),
}
WEIGHTS = {"u8pt": ("u8", None), "u8pc": ("u8", 0), "i8": ("i8", 0), "i16": ("i8", 0)}
BIAS = {"u8pt": "i32", "u8pc": "i32", "i8": "i32", "i16": "i64"}


def _act(scheme: str, shape: list[int], scale_mul: float = 1.0, zp: int | None = None):
    st, s, z = ACT[scheme]
    qt = make_quantized_type(st, f32v(s * scale_mul), z if zp is None else zp)
    return TensorType(qt, shape)


def conv_model(scheme: str, integer_io: bool = False) -> ModuleOp:
    """quantize -> CONV_2D(SAME, RELU) -> DEPTHWISE_CONV_2D -> ADD(residual) ->
    AVERAGE_POOL_2D -> dequantize; per-channel axes follow OHWI / 1HWC."""
    g = Graph()
    st, w_axis = WEIGHTS[scheme]
    in_t = _act(scheme, [1, 6, 6, 3])
    if integer_io:
        q = g.input([1, 6, 6, 3], in_t.element_type, "x")
    else:
        x = g.input([1, 6, 6, 3], f32, "x")
        q = g.op(circle.QuantizeOp, [x], in_t, "x_q")
    s_in = in_t.element_type.scale.data
    w = g.weights([4, 3, 3, 3], st, w_axis, "conv_w")
    b = g.bias(4, s_in, w, BIAS[scheme], "conv_b")
    c_t = _act(scheme, [1, 6, 6, 4], 2.0, 0 if scheme != "u8pt" and scheme != "u8pc" else 0)
    c = g.op(circle.Conv2DOp, [q, w, b], c_t, "conv", padding="SAME",
             fused_activation_function="RELU")
    dw = g.weights([1, 3, 3, 4], st, 3 if w_axis is not None else None, "dw_w")
    db = g.bias(4, c_t.element_type.scale.data, dw, BIAS[scheme], "dw_b")
    d_t = _act(scheme, [1, 6, 6, 4], 2.0)
    d = g.op(circle.DepthwiseConv2DOp, [c, dw, db], d_t, "dwconv", padding="SAME")
    a_t = _act(scheme, [1, 6, 6, 4], 4.0)
    a = g.op(circle.AddOp, [d, c], a_t, "add")
    p_t = _act(scheme, [1, 3, 3, 4], 4.0)
    p = g.op(circle.AveragePool2DOp, [a], p_t, "pool", **POOL)
    if integer_io:
        return g.build([p])
    return g.build([g.op(circle.DequantizeOp, [p], TensorType(f32, [1, 3, 3, 4]), "y")])


def fc_model(scheme: str, integer_io: bool = False) -> ModuleOp:
    """quantize -> RESHAPE -> FULLY_CONNECTED(RELU) -> SOFTMAX -> dequantize."""
    g = Graph()
    st, w_axis = WEIGHTS[scheme]
    in_t = _act(scheme, [1, 2, 4])
    if integer_io:
        q = g.input([1, 2, 4], in_t.element_type, "x")
    else:
        x = g.input([1, 2, 4], f32, "x")
        q = g.op(circle.QuantizeOp, [x], in_t, "x_q")
    shape = g.const(np.array([1, 8], dtype=np.int32), None, "shape")
    r = g.op(circle.ReshapeOp, [q, shape], _act(scheme, [1, 8]), "flatten")
    w = g.weights([5, 8], st, w_axis, "fc_w")
    b = g.bias(5, in_t.element_type.scale.data, w, BIAS[scheme], "fc_b")
    f = g.op(circle.FullyConnectedOp, [r, w, b], _act(scheme, [1, 5], 4.0), "fc",
             fused_activation_function="RELU")
    st_a = ACT[scheme][0]
    sm_t = {"u8": ("u8", 1 / 256, 0), "i8": ("i8", 1 / 256, -128), "i16": ("i16", 1 / 32768, 0)}[st_a]
    sm = g.op(circle.SoftmaxOp, [f], TensorType(make_quantized_type(*sm_t), [1, 5]), "softmax")
    if integer_io:
        return g.build([sm])
    return g.build([g.op(circle.DequantizeOp, [sm], TensorType(f32, [1, 5]), "y")])


def float_model() -> ModuleOp:
    """A float model: CONV_2D -> MAX_POOL_2D, concatenated with a pool of the input."""
    g = Graph()
    x = g.input([1, 4, 4, 2], f32, "x")
    w = g.const(g.rng.standard_normal([3, 1, 1, 2]).astype(np.float32), None, "w")
    b = g.const(np.array([0.5, -0.25, 0.0], dtype=np.float32), None, "b")
    c = g.op(circle.Conv2DOp, [x, w, b], TensorType(f32, [1, 4, 4, 3]), "conv")
    p = g.op(circle.MaxPool2DOp, [c], TensorType(f32, [1, 2, 2, 3]), "pool", **POOL)
    q = g.op(circle.MaxPool2DOp, [x], TensorType(f32, [1, 2, 2, 2]), "pool_x", **POOL)
    cat = g.op(circle.ConcatenationOp, [[p, q]], TensorType(f32, [1, 2, 2, 5]), "cat", axis=3)
    return g.build([cat])


MODELS = {
    "float": float_model,  # with a bias: see PROBES["conv_without_bias"]
    **{f"conv_{s}": (lambda s=s: conv_model(s)) for s in ACT},
    **{f"conv_{s}_io": (lambda s=s: conv_model(s, True)) for s in ACT},
    **{f"fc_{s}": (lambda s=s: fc_model(s)) for s in ACT},
    **{f"fc_{s}_io": (lambda s=s: fc_model(s, True)) for s in ACT},
}


def example_inputs(module: ModuleOp, seed: int = 1) -> list[np.ndarray]:
    """Random inputs in each input's dtype: floats in [-1, 1], integers over the range."""
    from compiler.ir.verify_tensors import numpy_dtype

    rng = np.random.default_rng(seed)
    func = next(iter(module.body.ops))
    out = []
    for arg in func.body.block.args:
        t = arg.type
        shape = t.get_shape()
        et = t.element_type
        if hasattr(et, "numpy_storage_dtype"):
            dt = np.dtype(et.numpy_storage_dtype)
            info = np.iinfo(dt)
            out.append(rng.integers(info.min, int(info.max) + 1, shape).astype(dt))
        else:
            out.append(rng.uniform(-1, 1, shape).astype(numpy_dtype(et)))
    return out


# ---- probes: single ops whose runtime support the runtime tests pin -----------------------


def unary_probe(cls, storage: str, out_scale: float | None = None, out_zp: int | None = None,
                **options) -> ModuleOp:
    """quantize -> one quantized op -> dequantize, on a [1, 4, 4, 4] tensor."""
    g = Graph()
    x = g.input([1, 4, 4, 4], f32, "x")
    zp = {"u8": 128, "i8": 0, "i16": 0}[storage]
    qt = make_quantized_type(storage, f32v(1 / 32), zp)
    q = g.op(circle.QuantizeOp, [x], TensorType(qt, [1, 4, 4, 4]), "x_q")
    operands = [q]
    shape = [1, 4, 4, 4]
    if cls in (circle.MaxPool2DOp, circle.AveragePool2DOp):
        shape = [1, 2, 2, 4]
    elif cls is circle.MeanOp:
        operands.append(g.const(np.array([1, 2], dtype=np.int32), None, "axes"))
        shape = [1, 1, 1, 4]
        options.setdefault("keep_dims", True)
    elif cls is circle.TransposeOp:
        operands.append(g.const(np.array([0, 2, 1, 3], dtype=np.int32), None, "perm"))
    out_qt = make_quantized_type(
        storage,
        qt.scale.data if out_scale is None else f32v(out_scale),
        zp if out_zp is None else out_zp,
    )
    y = g.op(cls, operands, TensorType(out_qt, shape), "op", **options)
    return g.build([g.op(circle.DequantizeOp, [y], TensorType(f32, shape), "y")])


def conv_without_bias() -> ModuleOp:
    """A float CONV_2D whose bias is absent (`circle.no_value`, tensor index -1)."""
    g = Graph()
    x = g.input([1, 4, 4, 2], f32, "x")
    w = g.const(g.rng.standard_normal([3, 1, 1, 2]).astype(np.float32), None, "w")
    c = g.op(circle.Conv2DOp, [x, w, g.no_value()], TensorType(f32, [1, 4, 4, 3]), "conv")
    return g.build([c])


def depthwise_without_bias() -> ModuleOp:
    """A float DEPTHWISE_CONV_2D whose bias is absent."""
    g = Graph()
    x = g.input([1, 4, 4, 2], f32, "x")
    w = g.const(g.rng.standard_normal([1, 3, 3, 2]).astype(np.float32), None, "w")
    d = g.op(circle.DepthwiseConv2DOp, [x, w, g.no_value()], TensorType(f32, [1, 4, 4, 2]),
             "dw", padding="SAME")
    return g.build([d])


def fc_u8_without_bias() -> ModuleOp:
    """A uint8 FULLY_CONNECTED whose bias is absent."""
    g = Graph()
    x = g.input([1, 8], f32, "x")
    q = g.op(circle.QuantizeOp, [x], TensorType(make_quantized_type("u8", 1 / 64, 128), [1, 8]), "x_q")
    w = g.weights([3, 8], "u8", None, "w")
    f = g.op(circle.FullyConnectedOp, [q, w, g.no_value()],
             TensorType(make_quantized_type("u8", 1 / 16, 128), [1, 3]), "fc")
    return g.build([g.op(circle.DequantizeOp, [f], TensorType(f32, [1, 3]), "y")])


def quantize_dequantize(storage: str, zp: int) -> ModuleOp:
    """float -> QUANTIZE -> ADD (x + x) -> DEQUANTIZE -> float."""
    g = Graph()
    x = g.input([1, 4], f32, "x")
    q = g.op(circle.QuantizeOp, [x], TensorType(make_quantized_type(storage, 1 / 1024, zp), [1, 4]), "x_q")
    a = g.op(circle.AddOp, [q, q], TensorType(make_quantized_type(storage, 1 / 512, zp), [1, 4]), "add")
    return g.build([g.op(circle.DequantizeOp, [a], TensorType(f32, [1, 4]), "y")])


PROBES = {
    "relu_u8": lambda: unary_probe(circle.ReluOp, "u8", out_zp=0, out_scale=1 / 64),
    "relu6_u8": lambda: unary_probe(circle.Relu6Op, "u8", out_zp=0, out_scale=1 / 64),
    "relu_i8": lambda: unary_probe(circle.ReluOp, "i8"),
    "relu6_i8": lambda: unary_probe(circle.Relu6Op, "i8"),
    "max_pool_u8": lambda: unary_probe(circle.MaxPool2DOp, "u8", **POOL),
    "max_pool_i8": lambda: unary_probe(circle.MaxPool2DOp, "i8", **POOL),
    "logistic_u8": lambda: unary_probe(circle.LogisticOp, "u8", 1 / 256, 0),
    "logistic_i8": lambda: unary_probe(circle.LogisticOp, "i8", 1 / 256, -128),
    "tanh_u8": lambda: unary_probe(circle.TanhOp, "u8", 1 / 128, 128),
    "tanh_i8": lambda: unary_probe(circle.TanhOp, "i8", 1 / 128, 0),
    "mean_u8": lambda: unary_probe(circle.MeanOp, "u8"),
    "mean_i8": lambda: unary_probe(circle.MeanOp, "i8"),
    "transpose_u8": lambda: unary_probe(circle.TransposeOp, "u8"),
    "transpose_i8": lambda: unary_probe(circle.TransposeOp, "i8"),
    "hard_swish_u8": lambda: unary_probe(circle.HardSwishOp, "u8"),
    "softmax_i16": lambda: unary_probe(circle.SoftmaxOp, "i16", 1 / 32768, 0),
    "avg_pool_i16": lambda: unary_probe(circle.AveragePool2DOp, "i16", **POOL),
    "add_i8": lambda: quantize_dequantize("i8", 3),
    "add_i16": lambda: quantize_dequantize("i16", 0),
    "add_i16_asymmetric": lambda: quantize_dequantize("i16", 3),
    **{f"{op}_u8": (lambda op=op: single_op("u8", SINGLE_OPS[op])) for op in SINGLE_OPS},
    **{f"{op}_i8": (lambda op=op: single_op("i8", SINGLE_OPS[op])) for op in (
        "maximum", "slice", "gather", "batch_matmul")},
    "conv_without_bias": conv_without_bias,
    "depthwise_without_bias": depthwise_without_bias,
    "fc_u8_without_bias": fc_u8_without_bias,
}


#: Models `write_tflite` refuses, with the reason (LiteRT's own refusal where measured).
TFLITE_REFUSED = {
    "conv_u8pc": "uint8 per-channel weights are not supported by TFLite kernels",
    "conv_u8pc_io": "uint8 per-channel weights are not supported by TFLite kernels",
    "fc_u8pc": "uint8 per-channel weights are not supported by TFLite kernels",
    "fc_u8pc_io": "uint8 per-channel weights are not supported by TFLite kernels",
    "add_i16_asymmetric": "int16 quantization must be symmetric (zero point 0)",
    "conv_without_bias": "CONV_2D without a bias is refused by LiteRT",
    "depthwise_without_bias": "DEPTHWISE_CONV_2D without a bias is refused by LiteRT",
    "batch_matmul_u8": "uint8 BATCH_MATMUL is not supported by TFLite kernels",
}


def test_every_model_verifies_and_is_named():
    """The builders produce verified modules whose every op result has a NameLoc."""
    for name, build in {**MODELS, **PROBES}.items():
        module = build()  # verify_module raises on a bad module
        func = next(iter(module.body.ops))
        for op in func.body.block.ops:
            if op.results:
                assert isinstance(op.location, NameLoc), (name, op.name)
