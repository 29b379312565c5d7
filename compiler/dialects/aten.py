"""The `aten` dialect: ATen operators as torch.export produces them, one op per overload.

Ops are defined from ATen's own schema strings (`native_functions.yaml` syntax, as
`torch.ops.aten.<op>.<overload>._schema` prints them), so an op's operands and
properties are exactly the schema's arguments:

- `Tensor` arguments are operands; `Tensor?` operands may be a `none` value from
  `aten.none`; a `Tensor[]` (or `Tensor?[]`) argument is a variadic operand (at most one
  per op);
- every other argument is a property named after it: `int` -> `i64`, `int[]` ->
  `array<i64: ...>`, `float` -> `f64`, `float[]` -> `array<f64: ...>`, `bool`,
  `str` and `ScalarType` -> string, `Scalar` -> `i64` or `f64`; an optional argument
  that is None is left out;
- `Layout`, `Device`, `pin_memory` and `MemoryFormat` arguments carry no semantics for
  this compiler and are not represented.

Op names are the qualified ATen names: `aten.conv2d` for a `.default` overload,
`aten.add.Tensor` otherwise. The semantics of each op is ATen's (float, on tensors);
the interpreter evaluates them with torch itself. The ops are those of `SCHEMAS` (with
their docstrings) and every op a legalization names, which `define` builds from ATen's
own schema when `compiler.transforms.legalize.load_all` asks: a new op needs no line
here. Anything else is imported as `aten.call`, which carries the operator's qualified
name, so that import never drops a node; the legalizer reports it with the user's
source line.

Syntax (properties in the attribute dictionary):

    %y = aten.conv2d %x, %w, %b {stride = array<i64: 1, 1>, padding = array<i64: 1, 1>,
           dilation = array<i64: 1, 1>, groups = 1 : i64} : (...) -> tensor<1x8x8x8xf32>
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable
from pathlib import Path
from dataclasses import dataclass
from typing import ClassVar

from xdsl.dialects.builtin import (
    BoolAttr,
    DenseArrayBase,
    FloatAttr,
    IntegerAttr,
    NoneType,
    StringAttr,
    TensorType,
)
from xdsl.ir import Attribute, Dialect
from xdsl.irdl import (
    IRDLOperation,
    ParsePropInAttrDict,
    irdl_op_definition,
    operand_def,
    opt_prop_def,
    prop_def,
    result_def,
    traits_def,
    var_operand_def,
    var_result_def,
)
from xdsl.traits import Pure
from xdsl.utils.exceptions import VerifyException

# (schema, semantics). The schema is ATen's, verbatim; the second entry is the docstring.
# Ops without a lowering (decomposed or folded by the frontend) must be listed here; an op
# a legalization names needs no entry (`define`).
SCHEMAS: list[tuple[str, str]] = [
    # -- convolution, linear algebra
    ("conv1d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], SymInt[1] padding=[0], SymInt[1] dilation=[1], SymInt groups=1) -> Tensor",
     "1-D convolution, input NCW, weight OIW (I = C / groups)."),
    ("conv1d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[1] stride=[1], str padding=\"valid\", SymInt[1] dilation=[1], SymInt groups=1) -> Tensor",
     "1-D convolution with padding 'valid' or 'same'."),
    ("conv2d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], SymInt[2] padding=[0, 0], SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor",
     "2-D convolution, input NCHW, weight OIHW (I = C / groups); depthwise when groups = C."),
    ("conv2d.padding(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], str padding=\"valid\", SymInt[2] dilation=[1, 1], SymInt groups=1) -> Tensor",
     "2-D convolution with padding 'valid' or 'same'."),
    ("conv3d(Tensor input, Tensor weight, Tensor? bias=None, SymInt[3] stride=[1, 1, 1], SymInt[3] padding=[0, 0, 0], SymInt[3] dilation=[1, 1, 1], SymInt groups=1) -> Tensor",
     "3-D convolution, input NCDHW, weight OIDHW."),
    ("conv_transpose2d.input(Tensor input, Tensor weight, Tensor? bias=None, SymInt[2] stride=[1, 1], SymInt[2] padding=[0, 0], SymInt[2] output_padding=[0, 0], SymInt groups=1, SymInt[2] dilation=[1, 1]) -> Tensor",
     "2-D transposed convolution, input NCHW, weight IOHW (O per group)."),
    ("convolution(Tensor input, Tensor weight, Tensor? bias, SymInt[] stride, SymInt[] padding, SymInt[] dilation, bool transposed, SymInt[] output_padding, SymInt groups) -> Tensor",
     "Generic N-d (transposed) convolution, as run_decompositions() produces."),
    ("linear(Tensor input, Tensor weight, Tensor? bias=None) -> Tensor",
     "y = x W^T + b over the last dimension; W is [out, in]."),
    ("addmm(Tensor self, Tensor mat1, Tensor mat2, *, Scalar beta=1, Scalar alpha=1) -> Tensor",
     "beta * self + alpha * (mat1 @ mat2)."),
    ("matmul(Tensor self, Tensor other) -> Tensor", "Matrix product with broadcasting (torch.matmul)."),
    ("mm(Tensor self, Tensor mat2) -> Tensor", "2-D matrix product."),
    ("bmm(Tensor self, Tensor mat2) -> Tensor", "Batched 3-D matrix product."),
    ("scaled_dot_product_attention(Tensor query, Tensor key, Tensor value, Tensor? attn_mask=None, float dropout_p=0., bool is_causal=False, *, float? scale=None, bool enable_gqa=False) -> Tensor",
     "softmax(Q K^T * scale + mask) V."),
    # -- normalization
    ("batch_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor",
     "Batch normalization over dim 1 (inference: running statistics)."),
    ("_native_batch_norm_legit_no_training(Tensor input, Tensor? weight, Tensor? bias, Tensor running_mean, Tensor running_var, float momentum, float eps) -> (Tensor, Tensor, Tensor)",
     "Inference batch normalization; results (output, save_mean, save_invstd)."),
    ("layer_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enable=True) -> Tensor",
     "Normalize over the trailing `normalized_shape` dims, then scale and shift."),
    ("group_norm(Tensor input, int num_groups, Tensor? weight=None, Tensor? bias=None, float eps=1e-05, bool cudnn_enabled=True) -> Tensor",
     "Normalize over groups of channels (dim 1), then per-channel scale and shift."),
    ("instance_norm(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var, bool use_input_stats, float momentum, float eps, bool cudnn_enabled) -> Tensor",
     "Normalize each (sample, channel) over the spatial dims."),
    ("rms_norm(Tensor input, SymInt[] normalized_shape, Tensor? weight=None, float? eps=None) -> Tensor",
     "x / sqrt(mean(x^2) + eps) * weight over the trailing dims."),
    # -- element-wise arithmetic
    ("add.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", "self + alpha * other, broadcasting."),
    ("add.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", "self + alpha * other."),
    ("sub.Tensor(Tensor self, Tensor other, *, Scalar alpha=1) -> Tensor", "self - alpha * other, broadcasting."),
    ("sub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", "self - alpha * other."),
    ("rsub.Scalar(Tensor self, Scalar other, Scalar alpha=1) -> Tensor", "other - alpha * self."),
    ("mul.Tensor(Tensor self, Tensor other) -> Tensor", "self * other, broadcasting."),
    ("mul.Scalar(Tensor self, Scalar other) -> Tensor", "self * other."),
    ("div.Tensor(Tensor self, Tensor other) -> Tensor", "self / other, broadcasting."),
    ("div.Scalar(Tensor self, Scalar other) -> Tensor", "self / other."),
    ("div.Tensor_mode(Tensor self, Tensor other, *, str? rounding_mode) -> Tensor", "Division with rounding mode."),
    ("pow.Tensor_Scalar(Tensor self, Scalar exponent) -> Tensor", "self ** exponent."),
    ("pow.Tensor_Tensor(Tensor self, Tensor exponent) -> Tensor", "self ** exponent, broadcasting."),
    ("maximum(Tensor self, Tensor other) -> Tensor", "Element-wise maximum."),
    ("minimum(Tensor self, Tensor other) -> Tensor", "Element-wise minimum."),
    ("neg(Tensor self) -> Tensor", "-self."),
    ("abs(Tensor self) -> Tensor", "|self|."),
    ("reciprocal(Tensor self) -> Tensor", "1 / self."),
    ("sqrt(Tensor self) -> Tensor", "Square root."),
    ("rsqrt(Tensor self) -> Tensor", "1 / sqrt(self)."),
    ("exp(Tensor self) -> Tensor", "e ** self."),
    ("log(Tensor self) -> Tensor", "Natural logarithm."),
    ("log1p(Tensor self) -> Tensor", "log(1 + self)."),
    ("erf(Tensor self) -> Tensor", "The error function (ONNX Erf; torch's exact GELU exported to ONNX)."),
    ("sin(Tensor self) -> Tensor", "Sine."),
    ("cos(Tensor self) -> Tensor", "Cosine."),
    ("round(Tensor self) -> Tensor", "Round half to even."),
    ("clamp(Tensor self, Scalar? min=None, Scalar? max=None) -> Tensor", "Clamp to [min, max]."),
    ("clamp.Tensor(Tensor self, Tensor? min=None, Tensor? max=None) -> Tensor", "Clamp to tensor bounds."),
    ("cumsum(Tensor self, int dim, *, ScalarType? dtype=None) -> Tensor", "Cumulative sum along dim."),
    ("where.self(Tensor condition, Tensor self, Tensor other) -> Tensor", "condition ? self : other."),
    # -- comparisons and logic
    ("eq.Tensor(Tensor self, Tensor other) -> Tensor", "self == other (bool)."),
    ("eq.Scalar(Tensor self, Scalar other) -> Tensor", "self == other (bool)."),
    ("ne.Tensor(Tensor self, Tensor other) -> Tensor", "self != other (bool)."),
    ("ne.Scalar(Tensor self, Scalar other) -> Tensor", "self != other (bool)."),
    ("gt.Tensor(Tensor self, Tensor other) -> Tensor", "self > other (bool)."),
    ("gt.Scalar(Tensor self, Scalar other) -> Tensor", "self > other (bool)."),
    ("ge.Tensor(Tensor self, Tensor other) -> Tensor", "self >= other (bool)."),
    ("ge.Scalar(Tensor self, Scalar other) -> Tensor", "self >= other (bool)."),
    ("lt.Tensor(Tensor self, Tensor other) -> Tensor", "self < other (bool)."),
    ("lt.Scalar(Tensor self, Scalar other) -> Tensor", "self < other (bool)."),
    ("le.Tensor(Tensor self, Tensor other) -> Tensor", "self <= other (bool)."),
    ("le.Scalar(Tensor self, Scalar other) -> Tensor", "self <= other (bool)."),
    ("logical_and(Tensor self, Tensor other) -> Tensor", "Logical and."),
    ("logical_or(Tensor self, Tensor other) -> Tensor", "Logical or."),
    ("logical_not(Tensor self) -> Tensor", "Logical not."),
    ("any(Tensor self) -> Tensor", "True if any element is nonzero."),
    ("any.dim(Tensor self, int dim, bool keepdim=False) -> Tensor", "Any along dim."),
    # -- activations
    ("relu(Tensor self) -> Tensor", "max(self, 0)."),
    ("relu6(Tensor self) -> Tensor", "min(max(self, 0), 6)."),
    ("hardtanh(Tensor self, Scalar min_val=-1, Scalar max_val=1) -> Tensor", "Clamp to [min_val, max_val] (ReLU6 is hardtanh(0, 6))."),
    ("leaky_relu(Tensor self, Scalar negative_slope=0.01) -> Tensor", "self if self >= 0 else negative_slope * self."),
    ("prelu(Tensor self, Tensor weight) -> Tensor", "self if self >= 0 else weight * self (weight per channel, dim 1)."),
    ("elu(Tensor self, Scalar alpha=1, Scalar scale=1, Scalar input_scale=1) -> Tensor", "ELU."),
    ("sigmoid(Tensor self) -> Tensor", "1 / (1 + exp(-self))."),
    ("tanh(Tensor self) -> Tensor", "Hyperbolic tangent."),
    ("hardsigmoid(Tensor self) -> Tensor", "relu6(self + 3) / 6."),
    ("hardswish(Tensor self) -> Tensor", "self * relu6(self + 3) / 6."),
    ("gelu(Tensor self, *, str approximate=\"none\") -> Tensor", "GELU, exact ('none') or tanh approximation."),
    ("silu(Tensor self) -> Tensor", "self * sigmoid(self)."),
    ("softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", "Softmax along dim."),
    ("_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", "Softmax along dim."),
    ("log_softmax.int(Tensor self, int dim, ScalarType? dtype=None) -> Tensor", "Log-softmax along dim."),
    ("_log_softmax(Tensor self, int dim, bool half_to_float) -> Tensor", "Log-softmax along dim."),
    ("dropout(Tensor input, float p, bool train) -> Tensor", "Dropout (identity when not training)."),
    # -- pooling and reductions
    ("max_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> Tensor",
     "2-D max pooling over NCHW (padding with -inf)."),
    ("max_pool2d_with_indices(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, int[2] dilation=1, bool ceil_mode=False) -> (Tensor, Tensor)",
     "2-D max pooling with argmax indices."),
    ("avg_pool2d(Tensor self, int[2] kernel_size, int[2] stride=[], int[2] padding=0, bool ceil_mode=False, bool count_include_pad=True, int? divisor_override=None) -> Tensor",
     "2-D average pooling over NCHW."),
    ("adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor", "Adaptive average pooling to output_size."),
    ("_adaptive_avg_pool2d(Tensor self, SymInt[2] output_size) -> Tensor", "Adaptive average pooling to output_size."),
    ("mean.dim(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", "Mean over dims."),
    ("mean(Tensor self, *, ScalarType? dtype=None) -> Tensor", "Mean of all elements."),
    ("sum.dim_IntList(Tensor self, int[1]? dim, bool keepdim=False, *, ScalarType? dtype=None) -> Tensor", "Sum over dims."),
    ("sum(Tensor self, *, ScalarType? dtype=None) -> Tensor", "Sum of all elements."),
    ("max.dim(Tensor self, int dim, bool keepdim=False) -> (Tensor values, Tensor indices)", "Max and argmax along dim."),
    ("argmax(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", "Index of the maximum."),
    ("var_mean.correction(Tensor self, int[1]? dim=None, *, Scalar? correction=None, bool keepdim=False) -> (Tensor, Tensor)", "Variance and mean."),
    # -- shape and data movement
    ("reshape(Tensor(a) self, SymInt[] shape) -> Tensor(a)", "Same elements in a new shape."),
    ("view(Tensor(a) self, SymInt[] size) -> Tensor(a)", "Same elements in a new shape."),
    ("_unsafe_view(Tensor self, SymInt[] size) -> Tensor", "Same elements in a new shape."),
    ("flatten.using_ints(Tensor(a) self, int start_dim=0, int end_dim=-1) -> Tensor(a)", "Merge dims start_dim..end_dim."),
    ("unflatten.int(Tensor(a) self, int dim, SymInt[] sizes) -> Tensor(a)", "Split dim into sizes."),
    ("permute(Tensor(a) self, int[] dims) -> Tensor(a)", "Output dim i is input dim dims[i]."),
    ("transpose.int(Tensor(a) self, int dim0, int dim1) -> Tensor(a)", "Swap two dims."),
    ("t(Tensor(a) self) -> Tensor(a)", "Transpose a 2-D tensor."),
    ("squeeze.dim(Tensor(a) self, int dim) -> Tensor(a)", "Drop dim if its size is 1."),
    ("squeeze.dims(Tensor(a) self, int[] dim) -> Tensor(a)", "Drop the listed size-1 dims."),
    ("squeeze(Tensor(a) self) -> Tensor(a)", "Drop all size-1 dims."),
    ("unsqueeze(Tensor(a) self, int dim) -> Tensor(a)", "Insert a size-1 dim."),
    ("expand(Tensor(a) self, SymInt[] size, *, bool implicit=False) -> Tensor(a)", "Broadcast to size."),
    ("repeat(Tensor self, SymInt[] repeats) -> Tensor", "Tile the tensor."),
    ("cat(Tensor[] tensors, int dim=0) -> Tensor", "Concatenate along dim."),
    ("slice.Tensor(Tensor(a) self, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor(a)", "self[start:end:step] along dim."),
    ("slice_scatter(Tensor self, Tensor src, int dim=0, SymInt? start=None, SymInt? end=None, SymInt step=1) -> Tensor", "self with src written into a slice."),
    ("select.int(Tensor(a) self, int dim, SymInt index) -> Tensor(a)", "self[index] along dim (dim removed)."),
    ("split.Tensor(Tensor(a -> *) self, SymInt split_size, int dim=0) -> Tensor(a)[]", "Parts of split_size along dim."),
    ("split_with_sizes(Tensor(a -> *) self, SymInt[] split_sizes, int dim=0) -> Tensor(a)[]", "Parts of the given sizes along dim."),
    ("chunk(Tensor(a -> *) self, int chunks, int dim=0) -> Tensor(a)[]", "`chunks` near-equal parts along dim."),
    ("unbind.int(Tensor(a -> *) self, int dim=0) -> Tensor(a)[]", "The slices along dim, dim removed."),
    ("constant_pad_nd(Tensor self, SymInt[] pad, Scalar value=0) -> Tensor", "Pad with a constant (pairs from the last dim)."),
    ("pad(Tensor self, SymInt[] pad, str mode=\"constant\", float? value=None) -> Tensor", "Pad (constant, reflect, replicate, circular)."),
    ("gather(Tensor self, int dim, Tensor index, *, bool sparse_grad=False) -> Tensor", "out[i][j] = self[index[i][j]][j] (dim 0)."),
    ("index_select(Tensor self, int dim, Tensor index) -> Tensor", "Slices of self at index along dim."),
    ("index.Tensor(Tensor self, Tensor?[] indices) -> Tensor", "Advanced indexing."),
    ("embedding(Tensor weight, Tensor indices, SymInt padding_idx=-1, bool scale_grad_by_freq=False, bool sparse=False) -> Tensor", "Rows of weight at indices."),
    ("upsample_nearest2d.vec(Tensor input, SymInt[]? output_size, float[]? scale_factors) -> Tensor", "Nearest-neighbour resize of NCHW."),
    ("upsample_bilinear2d.vec(Tensor input, SymInt[]? output_size, bool align_corners, float[]? scale_factors) -> Tensor", "Bilinear resize of NCHW."),
    ("upsample_nearest2d(Tensor self, SymInt[2] output_size, float? scales_h=None, float? scales_w=None) -> Tensor", "Nearest-neighbour resize of NCHW."),
    ("upsample_bilinear2d(Tensor self, SymInt[2] output_size, bool align_corners, float? scales_h=None, float? scales_w=None) -> Tensor", "Bilinear resize of NCHW."),
    # -- identities, dtype, constants
    ("alias(Tensor(a) self) -> Tensor(a)", "Identity."),
    ("clone(Tensor self, *, MemoryFormat? memory_format=None) -> Tensor", "Identity (a copy)."),
    ("detach(Tensor(a) self) -> Tensor(a)", "Identity."),
    ("contiguous(Tensor(a) self, *, MemoryFormat memory_format=0) -> Tensor(a)", "Identity."),
    ("copy(Tensor self, Tensor src, bool non_blocking=False) -> Tensor", "src broadcast into the shape of self."),
    ("to.dtype(Tensor(a) self, ScalarType dtype, bool non_blocking=False, bool copy=False, MemoryFormat? memory_format=None) -> Tensor(a)", "Convert to dtype."),
    ("_to_copy(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, bool non_blocking=False, MemoryFormat? memory_format=None) -> Tensor", "Convert to dtype."),
    ("arange(Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "[0, end)."),
    ("arange.start(Scalar start, Scalar end, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "[start, end)."),
    ("arange.start_step(Scalar start, Scalar end, Scalar step=1, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "[start, end) by step."),
    ("full(SymInt[] size, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "A tensor filled with fill_value."),
    ("full_like(Tensor self, Scalar fill_value, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", "Like self, filled."),
    ("ones(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "Ones."),
    ("zeros(SymInt[] size, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None) -> Tensor", "Zeros."),
    ("ones_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", "Ones like self."),
    ("zeros_like(Tensor self, *, ScalarType? dtype=None, Layout? layout=None, Device? device=None, bool? pin_memory=None, MemoryFormat? memory_format=None) -> Tensor", "Zeros like self."),
    # -- indexing family
    ("argmin(Tensor self, int? dim=None, bool keepdim=False) -> Tensor", "Index of the minimum."),
    # -- comparisons, logic, select (family: comparisons)
    ("any.dims(Tensor self, int[]? dim=None, bool keepdim=False) -> Tensor", "Any over dims (all when dim is None)."),
    ("where.ScalarOther(Tensor condition, Tensor self, Scalar other) -> Tensor", "condition ? self : other (a scalar)."),
    ("where.ScalarSelf(Tensor condition, Scalar self, Tensor other) -> Tensor", "condition ? self (a scalar) : other."),
    ("where.Scalar(Tensor condition, Scalar self, Scalar other) -> Tensor", "condition ? self : other, both scalars."),
    ("masked_fill.Scalar(Tensor self, Tensor mask, Scalar value) -> Tensor", "value where mask, else self."),
    ("bitwise_not(Tensor self) -> Tensor", "~self (logical not on bool)."),
    ("bitwise_and.Tensor(Tensor self, Tensor other) -> Tensor", "self & other (logical and on bool)."),
    ("bitwise_or.Tensor(Tensor self, Tensor other) -> Tensor", "self | other (logical or on bool)."),
    ("__and__.Tensor(Tensor self, Tensor other) -> Tensor", "self & other (logical and on bool)."),
    ("__or__.Tensor(Tensor self, Tensor other) -> Tensor", "self | other (logical or on bool)."),
]

#: Argument types that carry no semantics here (placement and memory layout).
_IGNORED_TYPES = ("Layout", "Device", "MemoryFormat")
_IGNORED_NAMES = ("pin_memory",)


@dataclass(frozen=True)
class Argument:
    name: str
    type: str  # normalized: Tensor, Tensor?, Tensor[], int, int[], float, float[], bool, str, Scalar, ScalarType
    optional: bool
    default: str | None

    @property
    def is_tensor(self) -> bool:
        return self.type.startswith("Tensor")


@dataclass(frozen=True)
class Schema:
    name: str  # "add"
    overload: str  # "Tensor", or "" for default
    arguments: tuple[Argument, ...]
    returns: tuple[str, ...]  # "Tensor" or "Tensor[]"

    @property
    def op_name(self) -> str:
        return f"aten.{self.name}" + (f".{self.overload}" if self.overload else "")

    @property
    def qualified_target(self) -> str:
        """The torch op's `str(target)`: `aten.add.Tensor`, `aten.conv2d.default`."""
        return f"aten.{self.name}.{self.overload or 'default'}"

    @property
    def tensor_args(self) -> list[Argument]:
        return [a for a in self.arguments if a.is_tensor]

    @property
    def attribute_args(self) -> list[Argument]:
        return [a for a in self.arguments if not a.is_tensor]


_ARG = re.compile(r"^(?P<type>[\w\[\]\d?]+(?:\([^)]*\))?[\[\]\d]*\??)\s+(?P<name>\w+)(?:=(?P<default>.*))?$")


def _split_top(text: str) -> list[str]:
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur.strip())
    return parts


def _normalize_type(t: str) -> tuple[str, bool]:
    t = re.sub(r"\([^)]*\)", "", t)  # alias annotations: Tensor(a) -> Tensor
    optional = t.endswith("?")
    t = t.rstrip("?")
    t = t.replace("SymInt", "int")
    t = re.sub(r"\[\d+\]", "[]", t)  # int[2] -> int[]
    if t == "Tensor?[]":
        return "Tensor?[]", optional
    return t, optional


def parse_schema(text: str) -> Schema:
    m = re.match(r"^(?P<name>[\w]+)(?:\.(?P<ov>\w+))?\((?P<args>.*)\)\s*->\s*(?P<ret>.*)$", text)
    if m is None:
        raise ValueError(f"bad schema: {text}")
    args: list[Argument] = []
    for raw in _split_top(m["args"]):
        if raw == "*":
            continue
        am = _ARG.match(raw)
        if am is None:
            raise ValueError(f"bad argument '{raw}' in {text}")
        t, optional = _normalize_type(am["type"])
        if t in _IGNORED_TYPES or am["name"] in _IGNORED_NAMES:
            continue
        args.append(Argument(am["name"], t, optional, am["default"]))
    ret = m["ret"].strip()
    if ret.startswith("("):
        rets = tuple(_normalize_type(r.split()[0])[0] for r in _split_top(ret[1:-1]))
    else:
        rets = (_normalize_type(ret)[0],)
    return Schema(m["name"], m["ov"] or "", tuple(args), rets)


def _prop_constraint(arg: Argument):
    t = arg.type
    if t in ("int",):
        return IntegerAttr
    if t in ("float",):
        return FloatAttr
    if t == "bool":
        return BoolAttr
    if t in ("str", "ScalarType"):
        return StringAttr
    if t == "Scalar":
        return IntegerAttr | FloatAttr
    if t in ("int[]", "float[]"):
        return DenseArrayBase
    raise ValueError(f"unsupported argument type {t} ({arg.name})")


class AtenOp(IRDLOperation):
    """Base of the schema-defined ATen ops."""

    SCHEMA: ClassVar[Schema]  # set per generated class
    irdl_options = (ParsePropInAttrDict(),)
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"

    def verify_(self) -> None:
        for arg, value in zip(self.SCHEMA.tensor_args, self.operands):
            if not arg.optional and arg.type == "Tensor" and isinstance(value.type, NoneType):
                raise VerifyException(f"{self.name}: operand '{arg.name}' is not optional")

    def arg(self, name: str):
        """The Python value of a non-tensor argument (None when absent)."""
        attr = self.properties.get(name)
        return None if attr is None else attr_to_python(attr)


def attr_to_python(attr: Attribute):
    if isinstance(attr, DenseArrayBase):
        return list(attr.get_values())
    if isinstance(attr, IntegerAttr):
        if attr.type.width.data == 1:  # BoolAttr
            return bool(attr.value.data)
        return attr.value.data
    if isinstance(attr, FloatAttr):
        return attr.value.data
    if isinstance(attr, StringAttr):
        return attr.data
    raise TypeError(f"unsupported ATen argument attribute {attr}")


def _class_name(schema: Schema) -> str:
    base = "".join(p.capitalize() for p in schema.name.strip("_").split("_"))
    ov = "".join(p.capitalize() for p in schema.overload.split("_"))
    return f"Aten{base}{ov}Op"


def _make_op(schema: Schema, doc: str) -> type[AtenOp]:
    fields: dict[str, object] = {"name": schema.op_name, "__doc__": f"`{schema.qualified_target}`: {doc}",
                                 "__module__": __name__}  # (else `abc`, the metaclass's)
    variadic = [a for a in schema.tensor_args if a.type.endswith("[]")]
    if len(variadic) > 1:
        raise ValueError(f"{schema.op_name}: more than one variadic operand")
    for a in schema.tensor_args:
        attr = f"{a.name}_" if a.name in ("self", "input") else a.name
        if a.type.endswith("[]"):
            fields[attr] = var_operand_def(TensorType | NoneType)
        elif a.optional:
            fields[attr] = operand_def(TensorType | NoneType)
        else:
            fields[attr] = operand_def(TensorType)
    for a in schema.attribute_args:
        constraint = _prop_constraint(a)
        fields[a.name] = opt_prop_def(constraint) if a.optional else prop_def(constraint)
    if len(schema.returns) == 1 and schema.returns[0].endswith("[]"):
        fields["results_"] = var_result_def(TensorType)
    else:
        for i, _ in enumerate(schema.returns):
            fields[f"result{i}" if len(schema.returns) > 1 else "result"] = result_def(TensorType)
    if not schema.tensor_args:  # arange, full, ones...: no operands to spell
        fields["assembly_format"] = "attr-dict `:` type(results)"
    fields["traits"] = traits_def(Pure())
    fields["SCHEMA"] = schema
    fields["__annotations__"] = {"SCHEMA": ClassVar[Schema]}
    cls = type(_class_name(schema), (AtenOp,), fields)
    return irdl_op_definition(cls)


@irdl_op_definition
class NoneOp(IRDLOperation):
    """An absent optional tensor argument (`None` in the ATen call)."""

    name = "aten.none"
    output = result_def(NoneType)
    traits = traits_def(Pure())
    assembly_format = "attr-dict `:` type($output)"

    def __init__(self):
        super().__init__(result_types=[NoneType()])


@irdl_op_definition
class CallOp(IRDLOperation):
    """Any ATen operator without a dedicated op, kept by name so import never drops it.

        %r = aten.call %x {target = "aten.grid_sampler_2d.default", args = "..."} : ...

    `target` is the operator's qualified name, `args` a readable rendering of its
    non-tensor arguments. It has no lowering: the legalizer reports it.
    """

    name = "aten.call"
    irdl_options = (ParsePropInAttrDict(),)
    inputs = var_operand_def(TensorType | NoneType)
    outputs = var_result_def(TensorType)
    target = prop_def(StringAttr)
    args = opt_prop_def(StringAttr)
    assembly_format = "operands attr-dict `:` functional-type(operands, results)"


#: every op class defined so far: the ones of `SCHEMAS`, then those `define` added
ATEN_OPS: list[type[AtenOp]] = [_make_op(parse_schema(s), doc) for s, doc in SCHEMAS]

#: qualified torch target (`aten.add.Tensor`) -> op class
BY_TARGET: dict[str, type[AtenOp]] = {op.SCHEMA.qualified_target: op for op in ATEN_OPS}
#: op name (`aten.add.Tensor`, `aten.conv2d`) -> op class
BY_NAME: dict[str, type[AtenOp]] = {op.SCHEMA.op_name: op for op in ATEN_OPS}


def _native_functions() -> Path | None:
    """ATen's `native_functions.yaml` as the installed torch ships it (in `torchgen`),
    found without importing torch."""
    spec = importlib.util.find_spec("torchgen")
    if spec is None or not spec.submodule_search_locations:
        return None
    for root in spec.submodule_search_locations:
        path = Path(root) / "packaged" / "ATen" / "native" / "native_functions.yaml"
        if path.is_file():
            return path
    return None


def aten_schema(name: str) -> str:
    """ATen's own schema of `aten.<op>[.<overload>]`, as `torch.ops.aten.<op>.<overload>._schema`
    prints it (without `aten::`). Read from `native_functions.yaml`, the file torch generates
    those schemas from, so that defining an op does not import torch (qopt, lit tests); torch
    itself only for an operator the file does not list."""
    head = name.removeprefix("aten.")
    path = _native_functions()
    if path is not None:
        prefix = f"- func: {head}("
        with path.open(encoding="utf-8") as f:
            for line in f:
                if line.startswith(prefix):
                    return line[len("- func: "):].strip()
    import torch  # an operator outside native_functions.yaml

    op, _, overload = head.partition(".")
    packet = getattr(torch.ops.aten, op, None)
    overload_packet = getattr(packet, overload or "default", None) if packet is not None else None
    if overload_packet is None:
        raise ValueError(f"ATen has no operator '{name}'")
    return str(overload_packet._schema).removeprefix("aten::")


def define(names: Iterable[str]) -> list[type[AtenOp]]:
    """The op classes of the ATen ops `names` (`aten.sign`, `aten.add.Tensor`): the
    `SCHEMAS` one, or else one built from ATen's own schema (`aten_schema`) and added to
    `ATEN_OPS`, `BY_NAME` and `BY_TARGET`. Called explicitly with every op a legalization
    names (`compiler.transforms.legalize.load_all`), so that the `aten` dialect knows them
    all without a schema line each; nothing is defined by importing a module."""
    classes = []
    for name in names:
        cls = BY_NAME.get(name)
        if cls is None:
            schema = parse_schema(aten_schema(name))
            if schema.op_name != name:
                raise ValueError(f"'{name}' is not an ATen op name; did you mean '{schema.op_name}'?")
            cls = _make_op(schema, "ATen's operator, defined from its schema.")
            ATEN_OPS.append(cls)
            BY_NAME[schema.op_name] = cls
            BY_TARGET[schema.qualified_target] = cls
        classes.append(cls)
    return classes


def aten_dialect(names: Iterable[str] = ()) -> Dialect:
    """The `aten` dialect: every op of `SCHEMAS` and of `names` (`define`), `aten.none`
    and `aten.call`."""
    define(names)
    return Dialect("aten", [*ATEN_OPS, NoneOp, CallOp], [])


def aten_op(name: str) -> type[AtenOp]:
    """The op class of `aten.<name>[.<overload>]`, e.g. `aten_op("conv2d")` (`define`d
    from ATen's schema if it has none yet)."""
    return define([name if name.startswith("aten.") else f"aten.{name}"])[0]
