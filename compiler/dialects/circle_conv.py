"""The `circle` dialect's convolutions, FULLY_CONNECTED, BATCH_MATMUL and 2-D pooling
(re-exported as `circle.*`; see `compiler.dialects.circle`).

Layouts follow Circle/TFLite: activations NHWC, conv filters OHWI, depthwise filters 1HWC
(channel multiplier folded into C), fully-connected weights OI, transpose-conv OHWI. A
quantized op accumulates in int32 (int64 for 16x8) and rescales as TFLite's reference
kernels do; its weight and bias operands are declared as `compiler.ir.quant_traits`.
"""

from __future__ import annotations

from typing import ClassVar

from xdsl.dialects.builtin import NoneType, TensorType
from xdsl.irdl import (
    irdl_op_definition,
    operand_def,
    result_def,
)
from xdsl.utils.exceptions import VerifyException

from compiler.dialects.circle_base import (
    CircleOp,
    act_prop,
    bool_prop,
    circle_traits,
    enum_prop,
    expect_rank,
    i32_prop,
    is_none,
    padding_prop,
    shape_of,
)
from compiler.ir.float_ranges import (
    YieldsNaN,
    infinite_operand,
    MATMUL_BOUND,
    WEIGHTED_SUM_BOUND,
    PassesInfinity,
)
from compiler.ir.runtime_traits import (
    EVERY,
    LITERT,
    LITERT_XNNPACK,
    ONERT,
    QUANTIZED,
    grouped,
    keeps_batch_dims,
    onert_float_matmul_ulps,
    miscomputes,
    missing_bias,
    optimized_rounding,
    ruy_rounding,
    per_channel_weights,
    refuses,
    runtime_weights,
    tolerance,
    xnnpack_rounding,
)

from compiler.ir.quant_traits import (
    BiasOperand,
    HasFusedActivation,
    NonQuantizedOperands,
    SameScale,
    WeightOperand,
)

TensorOrNone = TensorType | NoneType

#: CONV_2D / DEPTHWISE_CONV_2D: both runtimes refuse a missing bias (quantize-bias
#: materializes a zero one, `BiasOperand.required`)
NEEDS_BIAS = (
    refuses(ONERT, EVERY, "loader doesn't support optional input tensor yet",
            when=missing_bias,
            reason="onert's loader needs a bias for {builtin} (use a zero bias)"),
    refuses(LITERT, EVERY, "Tensor at index 2 was optional but was expected", when=missing_bias,
            reason="{builtin} without a bias is refused by LiteRT (\"Tensor at index 2 was "
                   "optional but was expected\"); use a zero bias"),
)
#: CONV_2D / FULLY_CONNECTED with quantized weights that are not constants (model inputs)
ONERT_RUNTIME_WEIGHTS = refuses(
    ONERT, QUANTIZED, "segmentation fault", when=runtime_weights,
    reason="onert crashes (segmentation fault) on a quantized {builtin} whose weights are "
           "not constants")
def _check_bias(op: CircleOp, bias, channels: int) -> None:
    if is_none(bias):
        return
    shape = shape_of(bias)
    if shape != (channels,):
        raise VerifyException(f"{op.name}: bias must have shape [{channels}], got {list(shape)}")


# ---- convolution, fully connected, matmul, pooling -------------------------------------


@irdl_op_definition
class Conv2DOp(CircleOp):
    """CONV_2D: NHWC input, OHWI filter, optional bias [O]; grouped when C = I * groups."""

    name = "circle.conv_2d"
    BUILTIN: ClassVar[str] = "CONV_2D"
    OPTIONS: ClassVar[str] = "Conv2DOptions"
    input = operand_def(TensorType)
    filter = operand_def(TensorType)
    bias = operand_def(TensorOrNone)
    output = result_def(TensorType)
    padding = padding_prop()
    stride_w = i32_prop(1)
    stride_h = i32_prop(1)
    dilation_w_factor = i32_prop(1)
    dilation_h_factor = i32_prop(1)
    fused_activation_function = act_prop()
    traits = circle_traits(YieldsNaN(infinite_operand), WEIGHTED_SUM_BOUND, 
        PassesInfinity(),
        WeightOperand(1, 0), BiasOperand(2, 0, 1, required=True), HasFusedActivation(),
        *NEEDS_BIAS,
        ONERT_RUNTIME_WEIGHTS,
        # measured: ~30 % of a grouped uint8 conv's outputs equal, float ones far off
        # (e.g. 4.6e18): as if the filter were read for every input channel
        # (target-legalize splits it into per-group convolutions)
        miscomputes(ONERT, ("u8", "f32"),
                    "computes a grouped (non-depthwise) convolution wrongly", when=grouped),
        optimized_rounding("i8"),
        # uint8 (per-tensor weights, zoo uint8-pt): 1 step on <= 0.4 % of elements, only
        # where the output can be negative (no fused ReLU): ties of the second rounding
        ruy_rounding("u8"),
        xnnpack_rounding(("i8", "u8")),
    )

    def verify_circle(self) -> None:
        n, _, _, c = expect_rank(self, self.input, 4, "input")
        o, _, _, i = expect_rank(self, self.filter, 4, "filter")
        if i <= 0 or c % i != 0:
            raise VerifyException(
                f"{self.name}: input channels {c} are not a multiple of filter channels {i}"
            )
        out = expect_rank(self, self.output, 4, "output")
        if out[3] != o or out[0] != n:
            raise VerifyException(
                f"{self.name}: output shape {list(out)} does not match batch {n} and "
                f"{o} filters"
            )
        _check_bias(self, self.bias, o)


@irdl_op_definition
class DepthwiseConv2DOp(CircleOp):
    """DEPTHWISE_CONV_2D: NHWC input, 1HWC filter with C = input channels * multiplier."""

    name = "circle.depthwise_conv_2d"
    BUILTIN: ClassVar[str] = "DEPTHWISE_CONV_2D"
    OPTIONS: ClassVar[str] = "DepthwiseConv2DOptions"
    input = operand_def(TensorType)
    filter = operand_def(TensorType)
    bias = operand_def(TensorOrNone)
    output = result_def(TensorType)
    padding = padding_prop()
    stride_w = i32_prop(1)
    stride_h = i32_prop(1)
    depth_multiplier = i32_prop(1)
    dilation_w_factor = i32_prop(1)
    dilation_h_factor = i32_prop(1)
    fused_activation_function = act_prop()
    traits = circle_traits(YieldsNaN(infinite_operand), WEIGHTED_SUM_BOUND, 
        PassesInfinity(),
        WeightOperand(1, 3), BiasOperand(2, 0, 1, required=True), HasFusedActivation(),
        *NEEDS_BIAS,
        # measured on FX-quantized programs (MobileNetV3's depthwise convs without a fused
        # activation: up to 0.7 % of elements): the optimized int8 kernel requantizes 8
        # channels at a time with a truncating doubling high multiply where the reference
        # rounds (docs/runtimes.md)
        optimized_rounding("i8"),
        xnnpack_rounding(("i8", "u8")),
    )

    def verify_circle(self) -> None:
        _, _, _, c = expect_rank(self, self.input, 4, "input")
        one, _, _, oc = expect_rank(self, self.filter, 4, "filter")
        m = self.depth_multiplier.value.data
        if one != 1 or oc != c * m:
            raise VerifyException(
                f"{self.name}: filter must be [1, H, W, {c * m}] for {c} input channels "
                f"and depth_multiplier {m}, got {list(shape_of(self.filter))}"
            )
        out = expect_rank(self, self.output, 4, "output")
        if out[3] != oc:
            raise VerifyException(f"{self.name}: output has {out[3]} channels, expected {oc}")
        _check_bias(self, self.bias, oc)


@irdl_op_definition
class TransposeConvOp(CircleOp):
    """TRANSPOSE_CONV: operands (output_shape i32[4], OHWI weights, NHWC input, bias)."""

    name = "circle.transpose_conv"
    BUILTIN: ClassVar[str] = "TRANSPOSE_CONV"
    OPTIONS: ClassVar[str] = "TransposeConvOptions"
    output_shape = operand_def(TensorType)
    weights = operand_def(TensorType)
    input = operand_def(TensorType)
    bias = operand_def(TensorOrNone)
    output = result_def(TensorType)
    padding = padding_prop()
    stride_w = i32_prop(1)
    stride_h = i32_prop(1)
    fused_activation_function = act_prop()
    traits = circle_traits(YieldsNaN(infinite_operand), WEIGHTED_SUM_BOUND, 
        PassesInfinity(),
        WeightOperand(1, 0), BiasOperand(3, 2, 1), NonQuantizedOperands((0,)),
        HasFusedActivation(),
        refuses(ONERT, EVERY, "Invalid number of input tensors for this operation"),
        # measured (zoo unet, int8 and uint8-pt): 1 step on ~0.1 % of elements
        optimized_rounding(("i8", "u8")),
        xnnpack_rounding(("i8", "u8")),
    )

    def verify_circle(self) -> None:
        expect_rank(self, self.input, 4, "input")
        o, _, _, _ = expect_rank(self, self.weights, 4, "weights")
        out = expect_rank(self, self.output, 4, "output")
        if out[3] != o:
            raise VerifyException(f"{self.name}: output has {out[3]} channels, expected {o}")
        _check_bias(self, self.bias, o)


@irdl_op_definition
class FullyConnectedOp(CircleOp):
    """FULLY_CONNECTED: `y = x W^T + b` over the last dimension; W is [O, I]."""

    name = "circle.fully_connected"
    BUILTIN: ClassVar[str] = "FULLY_CONNECTED"
    OPTIONS: ClassVar[str] = "FullyConnectedOptions"
    input = operand_def(TensorType)
    weights = operand_def(TensorType)
    bias = operand_def(TensorOrNone)
    output = result_def(TensorType)
    fused_activation_function = act_prop()
    weights_format = enum_prop("DEFAULT")
    keep_num_dims = bool_prop(False)
    asymmetric_quantize_inputs = bool_prop(False)
    traits = circle_traits(YieldsNaN(infinite_operand), WEIGHTED_SUM_BOUND, 
        PassesInfinity(),
        WeightOperand(1, 0),
        BiasOperand(2, 0, 1),
        HasFusedActivation(),
        ONERT_RUNTIME_WEIGHTS,
        refuses(ONERT, "i8", "FullyConnected: unsupported data type"),
        miscomputes(
            ONERT,
            "u8",
            "applies channel 0's weight scale and zero point to every channel; use per-tensor "
            "weights",
            when=per_channel_weights,
        ),
        # measured: an FC on [2, 4, 16] -> [2, 4, 8] then ADD with a [2, 4, 8] input is
        # refused at prepare ("Incompatible shapes for broadcast"); ConvNeXt's MLP on
        # NHWC activations is refused the same way (test_target_legalize.py)
        miscomputes(
            ONERT,
            "u8",
            "onert ignores keep_num_dims: its output is [N, O] (N the product of the "
            "leading dimensions), so the ops after it see another shape (refused at "
            "prepare: \"Incompatible shapes for broadcast\", or broadcast wrongly)",
            when=keeps_batch_dims,
        ),
        # measured: 1 step on ~0.2 % of elements (test_target_legalize.py); target-legalize
        # computes it as a 1x1 CONV_2D, which onert rounds exactly like the interpreter
        miscomputes(ONERT, "u8", "requantizes with gemmlowp's two roundings (rounding "
                    "doubling high multiply, then rounding shift) where TFLite rounds once: "
                    "a value just below a half step rounds away (1 step)"),
        # int16: 1 step on 0.2-0.4 % of elements (the Llama int16 attention's linears,
        # test_hf_attention.py)
        optimized_rounding(("i8", "i16")),
        # uint8 (zoo uint8-pt, 1x1 convolutions as FULLY_CONNECTED): 1 step on <= 0.8 %
        ruy_rounding("u8"),
        # int8: swin (1 of 3072 elements), found by the zoo's XNNPACK bisection
        xnnpack_rounding(("i8", "u8")),
    )

    def verify_circle(self) -> None:
        o, i = expect_rank(self, self.weights, 2, "weights")
        x = shape_of(self.input)
        if not x or x[-1] != i:
            raise VerifyException(
                f"{self.name}: input {list(x)} does not end in the weights' {i} input features"
            )
        out = shape_of(self.output)
        if not out or out[-1] != o:
            raise VerifyException(f"{self.name}: output {list(out)} must end in {o} features")
        _check_bias(self, self.bias, o)


@irdl_op_definition
class BatchMatMulOp(CircleOp):
    """BATCH_MATMUL: batched `x @ y` over the last two dimensions, batch dims broadcast."""

    name = "circle.batch_matmul"
    BUILTIN: ClassVar[str] = "BATCH_MATMUL"
    OPTIONS: ClassVar[str] = "BatchMatMulOptions"
    x = operand_def(TensorType)
    y = operand_def(TensorType)
    output = result_def(TensorType)
    adjoint_lhs = bool_prop(False)
    adjoint_rhs = bool_prop(False)
    asymmetric_quantize_inputs = bool_prop(False)
    traits = circle_traits(YieldsNaN(infinite_operand), MATMUL_BOUND, 
        PassesInfinity(),
        refuses(LITERT, "u8", "lhs_data->type == kTfLiteFloat32 || ... was not true"),
        refuses(ONERT, ("u8", "i8"), "BatchMatMul: unsupported data type"),
        # float islands of uint8 attention; the interpreter sums like TFLite's reference
        # kernel (sequentially in float32). Both runtimes' drift grows with the depth K
        # (docs/runtimes.md, test_float_matmul_tolerances.py): onert's blocked GEMM up
        # to 5.5 ulps below K = 1024, then 24 sqrt(K / 1024) (`onert_float_matmul_ulps`:
        # 13-21.5 measured at K = 1024, 31 at 4096, 56 at 16384); XNNPACK's GEMM sums in
        # the reference's order with one fused multiply-add per step (one rounding where
        # the reference has two, predicted bit for bit): up to 2 ulps for K <= 128, 6 to 4096
        tolerance(ONERT, "f32", 8, "float kernel (Eigen's blocked GEMM) accumulates in "
                  "another order than TFLite's reference", grows=onert_float_matmul_ulps),
        tolerance(LITERT, "f32", 8, "XNNPACK's GEMM adds each product with a fused "
                  "multiply-add (one rounding per step where the reference rounds the "
                  "product and the sum)", LITERT_XNNPACK),
        # int8 attention (hf_vit int8: 4 of 544 elements on one of 32 held-out batches)
        xnnpack_rounding("i8"),
    )

    def verify_circle(self) -> None:
        a, b = shape_of(self.x), shape_of(self.y)
        if len(a) < 2 or len(b) < 2:
            raise VerifyException(f"{self.name}: operands need rank >= 2")
        k1 = a[-2] if self.adjoint_lhs.value.data else a[-1]
        k2 = b[-1] if self.adjoint_rhs.value.data else b[-2]
        if k1 != k2:
            raise VerifyException(f"{self.name}: contraction sizes {k1} and {k2} differ")


class _Pool2DOp(CircleOp):
    OPTIONS: ClassVar[str] = "Pool2DOptions"
    input = operand_def(TensorType)
    output = result_def(TensorType)
    padding = padding_prop()
    stride_w = i32_prop(1)
    stride_h = i32_prop(1)
    filter_width = i32_prop(1)
    filter_height = i32_prop(1)
    fused_activation_function = act_prop()
    # The runtimes' pooling kernels ignore a differing output scale: keep them equal.
    traits = circle_traits(SameScale(), HasFusedActivation())

    def verify_circle(self) -> None:
        i = expect_rank(self, self.input, 4, "input")
        o = expect_rank(self, self.output, 4, "output")
        if i[0] != o[0] or i[3] != o[3]:
            raise VerifyException(f"{self.name}: pooling keeps batch and channels")


@irdl_op_definition
class MaxPool2DOp(_Pool2DOp):
    """MAX_POOL_2D over H and W of an NHWC tensor."""

    name = "circle.max_pool_2d"
    BUILTIN: ClassVar[str] = "MAX_POOL_2D"
    traits = circle_traits(
        PassesInfinity(),
        SameScale(),
        HasFusedActivation(),
        refuses(ONERT, "i8", "cker::MaxPool : Unsupported data type"),
    )


@irdl_op_definition
class AveragePool2DOp(_Pool2DOp):
    """AVERAGE_POOL_2D over H and W of an NHWC tensor (padding cells not counted)."""

    name = "circle.average_pool_2d"
    BUILTIN: ClassVar[str] = "AVERAGE_POOL_2D"
    traits = circle_traits(YieldsNaN(infinite_operand), PassesInfinity(), SameScale(), HasFusedActivation())
