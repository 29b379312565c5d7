"""`CircleQuantizer`: a torchao PT2E `Quantizer` for the ops this compiler lowers to Circle.

Use it with the standard torchao calls (or `compiler.quantize`, which wraps them):

    from torchao.quantization.pt2e.quantize_pt2e import prepare_pt2e, convert_pt2e
    ep = torch.export.export(model, example_inputs)
    prepared = prepare_pt2e(ep.module(), CircleQuantizer("int8"))
    for batch in calibration_data: prepared(*batch)
    converted = convert_pt2e(prepared)

What it annotates (see `get_supported_operators()` for the exact ATen targets):

- conv1d/conv2d (depthwise and grouped included), conv_transpose2d and linear: input,
  weight (per-channel along the weight's output-channel axis: 0 for OIHW/[out, in],
  1 for conv_transpose2d's IOHW weight when groups == 1; per-tensor for a grouped
  transposed conv, whose axis 1 does not index output channels) and bias (derived:
  `s_in * s_w`). A following batch_norm (QAT; PTQ folds it before annotating) and a
  following relu/relu6/hardtanh(0, 6)/hardtanh(-1, 1) (or clamp with those bounds) are fused: no q/dq between them,
  the output spec sits on the last node of the chain. add/sub/mul + relu fuse likewise.
- ops with their own output range (matmul/bmm/mm, add/sub/mul/div, maximum/minimum,
  activations, clamp, neg/abs/log/exp/sqrt/rsqrt, adaptive pooling, mean/sum,
  layer_norm, batch_norm): inputs and output;
- ops whose output must keep the input's (scale, zero point) because the runtimes'
  kernels do not rescale (pooling, reshape/view/flatten, permute/transpose, squeeze/
  unsqueeze, slice/select, split/chunk/unbind, expand, pad, interpolate, dropout, embedding):
  the output shares the input's spec (`SharedQuantizationSpec`);
- cat: all inputs and the output share one spec;
- sigmoid, tanh, softmax, log_softmax: the fixed output qparams their circle ops declare
  (`FixedOutputRange`, turned into a spec by `SchemeSpecs.fixed_spec`).

Which of these an ATen op gets is derived from the circle ops its legalization produces
(`compiler.frontend.annotation_kinds`); the tables below keep only the torch-specific rest.

Nodes whose output (or whose tensor inputs) are not floating point are skipped: for
example `num_batches_tracked.add_(1)` in a train-mode export, which fake-quantize cannot
handle. Anything else stays unannotated and therefore float: the importer keeps it and
the legalizer reports it if it cannot be lowered.

An input edge whose producer already has an output spec shares it explicitly, so that a
consumer of a fixed-range (or shared-range) tensor reuses that tensor's q/dq instead of
getting a second observer and a requantization (torchao shares implicitly only when the
two specs have identical attributes).
"""

from __future__ import annotations

import operator
from collections.abc import Callable

import torch
from torch.fx import GraphModule, Node
from torchao.quantization.pt2e.quantizer import (
    QuantizationAnnotation,
    QuantizationSpecBase,
    Quantizer,
    SharedQuantizationSpec,
)

from compiler.frontend.annotation_kinds import Kind, derived_kind, derived_targets, fixed_range
from compiler.frontend.float_ops import (
    FloatOp,
    float_only_reason,
    float_op,
    lowers_to,
    no_integer_kernel_error,
)
from compiler.frontend.schemes import SchemeSpecs
from compiler.frontend.variants import functional_overload
from compiler.ir.quant_traits import FusableActivation, HasFusedActivation

_ANNOTATION = "quantization_annotation"

aten = torch.ops.aten

# What the quantizer does with an ATen op is derived from the circle ops its legalization
# produces (`compiler.frontend.annotation_kinds`: weighted, fixed range, shared, concat,
# own range). The tables below hold only what those traits cannot say, each with why;
# test_annotation_kinds.py checks them against the traits.

#: torch's weight layout of the weighted ops (circle relays the weights out, so the
#: WeightOperand axis is circle's): target -> index of the groups argument or None;
#: every derived WEIGHTED target has an entry
_WEIGHT_LAYOUT = {
    aten.conv1d.default: 6,
    aten.conv2d.default: 6,
    aten.conv1d.padding: 6,
    aten.conv2d.padding: 6,
    aten.conv_transpose2d.input: 6,
    aten.linear.default: None,
}
#: IOHW weights (output channels on axis 1 when groups == 1)
_TRANSPOSED = {aten.conv_transpose2d.input}

#: batch_norm as the ATen graph has it: fused into a preceding conv (QAT; PTQ folds it
#: in torch before annotating), or standalone (see _OWN_RANGE_LOWERINGS)
_BATCH_NORM = {aten.batch_norm.default, aten._native_batch_norm_legit_no_training.default}

#: in-place variants that torch.export's training IR keeps from common modules
#: (`nn.ReLU(inplace=True)`, `x += y`): annotated like their functional op
#: (`functional_overload`); the legalizer sees them functionalized
_IN_PLACE = {aten.relu_.default, aten.hardtanh_.default, aten.leaky_relu_.default,
             aten.silu_.default, aten.hardswish_.default, aten.elu_.default,
             aten.sigmoid_.default, aten.tanh_.default,
             aten.add_.Tensor, aten.sub_.Tensor, aten.mul_.Tensor, aten.div_.Tensor}

#: lowerings whose circle ops disagree (no derived kind), or whose PT2E annotation is not
#: the circle op's: own output range; value: the argument indices of the float tensors
#: quantized like activations (the others stay float constants)
_OWN_RANGE_LOWERINGS: dict[object, tuple[int, ...]] = {
    # FULLY_CONNECTED when the matrix is a constant (`_is_matmul_by_constant`, weights),
    # else BATCH_MATMUL with two activations
    aten.matmul.default: (0, 1),
    aten.bmm.default: (0, 1),
    aten.mm.default: (0, 1),
    # RELU / RELU6 / RELU_N1_TO_1, or MAXIMUM and MINIMUM, depending on the bounds
    aten.hardtanh.default: (0,),
    aten.clamp.default: (0,),
    # LOGISTIC then MUL
    aten.silu.default: (0,),
    # MEAN, or AVERAGE_POOL_2D, depending on the output size
    aten.adaptive_avg_pool2d.default: (0,),
    # MEAN, SUB, MUL, RSQRT, ADD (weight and bias are activations of the MUL and ADD)
    aten.layer_norm.default: (0, 2, 3),
    # standalone batch_norm (not after a conv): its statistics stay float constants,
    # folded into a DEPTHWISE_CONV_2D by the legalizer, which quantizes them itself
    aten.batch_norm.default: (0,),
    # DIV(1, x): the ATen operand is the circle op's second
    aten.reciprocal.default: (0,),
    # MAXIMUM / MINIMUM are SameScale over both operands, which PT2E cannot express for
    # two independent inputs: each operand and the result are observed, and
    # quant-propagate requantizes an operand whose parameters differ
    aten.maximum.default: (0, 1),
    aten.minimum.default: (0, 1),
}

#: derived OWN ops that take a following activation into their fused_activation_function
#: are those whose circle op HasFusedActivation, except these: PT2E keeps q/dq between a
#: DIV and its activation (the annotation since the first scheme; LiteRT's quantized DIV
#: is the only one refusing inputs, see DivOp)
_NO_ACTIVATION_FUSION = {aten.div.Tensor}

#: standalone activations a producer may absorb: the derived ones (FusableActivation:
#: relu, relu6) and hardtanh/clamp, whose lowering is an activation only for the bounds
#: `_is_fusable_activation` checks
_BOUNDED_ACTIVATIONS = {aten.hardtanh.default, aten.clamp.default}

#: list-valued ops: each getitem user shares the (input 0, node) edge's spec (torch's
#: getitem has no circle op: SPLIT's results are the ATen op's list elements)
_SPLITS = {aten.split.Tensor, aten.split_with_sizes.default, aten.chunk.default,
           aten.unbind.int}

# -- indexing family, torch-specific results
#: max.dim: a (values, indices) pair: the values (getitem 0) share the input's spec; the
#: indices are integers
_INDEX_VALUES_AND_INDICES = {aten.max.dim}
#: integer results: only the input is quantized (ARG_MAX compares stored integers)
_ARG_REDUCTIONS = {aten.argmax.default, aten.argmin.default}
#: slice_scatter(self, src): self, src and the result share one spec (a CONCATENATION of
#: slices of self and src; torch's arguments are not the CONCATENATION's)
_SCATTER = {aten.slice_scatter.default}
# -- comparisons, logic, select (family: comparisons)
#: comparisons: float operands share one spec, the bool result is not quantized. Torch's
#: scalar overloads and the truth values of float operands (`any`, logic: torch's
#: implicit `x != 0`) become integer thresholds in the legalizer
_COMPARISONS = {
    aten.eq.Tensor, aten.ne.Tensor, aten.gt.Tensor, aten.ge.Tensor, aten.lt.Tensor,
    aten.le.Tensor, aten.eq.Scalar, aten.ne.Scalar, aten.gt.Scalar, aten.ge.Scalar,
    aten.lt.Scalar, aten.le.Scalar,
    aten.any.default, aten.any.dim, aten.any.dims, aten.logical_not.default,
    aten.logical_and.default, aten.logical_or.default,
}
#: select ops: target -> indices of the tensor value arguments (the others are the
#: bool condition/mask and Python scalars, which torch's overloads place differently);
#: values and output share one spec
_SELECTS = {
    aten.where.self: (1, 2),
    aten.where.ScalarOther: (1,),
    aten.where.ScalarSelf: (2,),
    aten.where.Scalar: (),
    aten.masked_fill.Scalar: (0,),
}


def _functional(target: object) -> object:
    """An annotated in-place variant as its functional op; any other target as is."""
    return functional_overload(target) if target in _IN_PLACE else target


def _kind(target: object) -> Kind | None:
    """The derived kind of `target`, unless a table above decides."""
    target = _functional(target)
    if target in _OWN_RANGE_LOWERINGS or target is aten.addmm.default:
        return None
    return derived_kind(target)


def _is_float(node: object) -> bool:
    """A node whose value is a floating-point tensor (per its FakeTensor metadata)."""
    if not isinstance(node, Node):
        return False
    val = node.meta.get("val")
    return isinstance(val, torch.Tensor) and val.is_floating_point()


def _is_matmul_by_constant(node: Node) -> bool:
    """mm/matmul of an activation by a constant 2-D matrix (a get_attr: a parameter or
    buffer), which the legalizer turns into FULLY_CONNECTED with that matrix as weights."""
    if node.target not in (aten.mm.default, aten.matmul.default) or len(node.args) < 2:
        return False
    w = node.args[1]
    return (isinstance(w, Node) and w.op == "get_attr" and _is_float(w)
            and w.meta["val"].dim() == 2)


def _annotated(node: Node) -> bool:
    ann = node.meta.get(_ANNOTATION)
    return ann is not None and ann._annotated


def _annotate(node: Node, inputs: dict[Node, QuantizationSpecBase],
              output: QuantizationSpecBase | None) -> None:
    node.meta[_ANNOTATION] = QuantizationAnnotation(
        input_qspec_map=inputs, output_qspec=output, _annotated=True
    )


def _single_user(node: Node) -> Node | None:
    users = list(node.users)
    return users[0] if len(users) == 1 else None


def _is_fusable_activation(node: Node) -> bool:
    """relu, relu6 (FusableActivation), and hardtanh/clamp with the bounds of RELU, RELU6
    or RELU_N1_TO_1."""
    target = _functional(node.target)
    if target not in _BOUNDED_ACTIVATIONS:
        classes = lowers_to(target) if _kind(target) is not None else ()
        return bool(classes) and classes[0].get_trait(FusableActivation) is not None
    if target is aten.hardtanh.default:
        lo = node.args[1] if len(node.args) > 1 else node.kwargs.get("min_val", -1.0)
        hi = node.args[2] if len(node.args) > 2 else node.kwargs.get("max_val", 1.0)
        return (float(lo), float(hi)) in ((0.0, 6.0), (-1.0, 1.0))
    if target is aten.clamp.default:
        lo = node.args[1] if len(node.args) > 1 else node.kwargs.get("min")
        hi = node.args[2] if len(node.args) > 2 else node.kwargs.get("max")
        bounds = (None if lo is None else float(lo), None if hi is None else float(hi))
        return bounds in ((0.0, None), (0.0, 6.0), (-1.0, 1.0))
    return True


def _add_zero_biases_before_batch_norm(model: GraphModule) -> None:
    """Give each bias-less conv whose only user is a batch_norm a frozen zero bias
    (see `CircleQuantizer.transform_for_annotation`). Values are unchanged."""
    graph = model.graph
    for node in list(graph.nodes):
        if node.op != "call_function" or node.target not in _WEIGHT_LAYOUT:
            continue
        if node.target is aten.linear.default or not _is_float(node):
            continue
        has_bias = (len(node.args) > 2 and node.args[2] is not None) or (
            node.kwargs.get("bias") is not None
        )
        user = _single_user(node)
        if has_bias or user is None or user.target not in _BATCH_NORM:
            continue
        out = node.meta["val"]
        index = sum(1 for n in dir(model) if n.startswith("_circle_zero_bias_"))
        name = f"_circle_zero_bias_{index}"
        # a parameter (torchao re-registers the folded bias under this name as one), frozen:
        # training must not grow a bias the user's model does not have
        zeros = torch.zeros(out.shape[1], dtype=out.dtype)
        model.register_parameter(name, torch.nn.Parameter(zeros, requires_grad=False))
        with graph.inserting_before(node):
            bias = graph.get_attr(name)
        bias.meta["val"] = out.new_zeros((out.shape[1],))  # a FakeTensor like its peers
        args = list(node.args)
        if len(args) > 2:
            args[2] = bias
        else:
            args.append(bias)
        node.args = tuple(args)
        node.kwargs = {k: v for k, v in node.kwargs.items() if k != "bias"}
    graph.lint()
    model.recompile()


class CircleQuantizer(Quantizer):
    """A PT2E quantizer for Circle/TFLite integer kernels.

    Args:
        scheme: "uint8" (ONE's default), "int8" (TFLite's spec) or "int16" (16x8).
        per_channel: quantize conv/linear weights per output channel (default) or
            per tensor.
        is_qat: use fake-quantize modules (for `prepare_qat_pt2e`) instead of observers.
        is_dynamic: dynamic quantization (int8 only): only linear is annotated, its input
            with a dynamic spec (`choose_qparams` at run time in the converted graph), its
            weight int8 symmetric (per channel or per tensor), its bias left float; the
            compiler lowers it to TFLite's hybrid FULLY_CONNECTED
            (`compiler.frontend.dynamic`).
        allow_float: leave ops that no runtime runs as integers in this scheme
            (`compiler.frontend.float_ops`, from the runtime traits) float, recording them in
            `float_ops`; without it, `annotate` raises a located `CompileError` for them.
    """

    def __init__(self, scheme: str = "uint8", per_channel: bool = True, is_qat: bool = False,
                 allow_float: bool = False, is_dynamic: bool = False):
        super().__init__()
        self.specs = SchemeSpecs(scheme, per_channel, is_qat)
        self.allow_float = allow_float
        self.is_dynamic = is_dynamic
        if is_dynamic:
            from compiler.frontend.dynamic import check_dynamic_scheme

            check_dynamic_scheme(scheme, is_qat)
        #: the ops `annotate` left float (allow_float), in graph order
        self.float_ops: list[FloatOp] = []

    @property
    def scheme(self) -> str:
        return self.specs.scheme

    @staticmethod
    def get_supported_operators() -> list[str]:
        """The qualified ATen targets this quantizer annotates (`aten.conv2d.default`...)."""
        targets = [*derived_targets(), *_IN_PLACE, *_BATCH_NORM, *_OWN_RANGE_LOWERINGS,
                   aten.addmm.default,  # a FULLY_CONNECTED with its bias (_annotate_addmm)
                   *_SPLITS,
                   # indexing family
                   *_INDEX_VALUES_AND_INDICES, *_ARG_REDUCTIONS, *_SCATTER,
                   # comparisons, logic, select
                   *_COMPARISONS, *_SELECTS]
        return sorted({str(t) for t in targets})

    def validate(self, model: GraphModule) -> None:
        pass

    def transform_for_annotation(self, model: GraphModule) -> GraphModule:
        """Decompose what `decompose_for_circle` decomposes (when the user did not), and,
        QAT: give every bias-less conv that feeds a batch_norm an explicit zero bias.

        torchao folds BN into the conv after training; without a conv bias, the folded
        bias (BN's shift) becomes a new float parameter that is never quantized. With a
        zero bias in the graph (conv(x, w, 0) == conv(x, w)), torchao takes its
        "conv with quantized bias" pattern and the folded bias is quantized like any
        other. PTQ needs nothing: `prepare_pt2e` folds BN before annotating.
        """
        if self.specs.is_qat:
            _add_zero_biases_before_batch_norm(model)
        # ops Circle lacks, decomposed like decompose_for_circle does (a no-op after it):
        # for programs prepared with plain torchao prepare_pt2e
        from compiler.frontend.decompose import decompose_graph_module

        return decompose_graph_module(model, self.scheme)

    def annotate(self, model: GraphModule) -> GraphModule:
        if self.is_dynamic:
            from compiler.frontend.dynamic import annotate_dynamic

            return annotate_dynamic(model, self.specs)
        by_kind: dict[Kind, Callable[[Node], None]] = {
            Kind.WEIGHTED: self._annotate_weighted,
            Kind.FIXED: self._annotate_fixed,
            Kind.SHARED: self._annotate_shared,
            Kind.CONCAT: self._annotate_cat,
            Kind.OWN: self._annotate_own_range,
        }
        handlers: list[tuple[Callable[[Node], bool], Callable[[Node], None]]] = [
            # a matmul by a constant matrix is a FULLY_CONNECTED (weights)
            (_is_matmul_by_constant, self._annotate_matmul_by_constant),
            (lambda n: _functional(n.target) in _OWN_RANGE_LOWERINGS,
             self._annotate_own_range),
            (lambda n: n.target is aten.addmm.default, self._annotate_addmm),
            (lambda n: n.target in _SPLITS, self._annotate_split),
            # indexing family
            (lambda n: n.target in _INDEX_VALUES_AND_INDICES, self._annotate_split),
            (lambda n: n.target in _ARG_REDUCTIONS, self._annotate_arg_reduction),
            (lambda n: n.target in _SCATTER, self._annotate_scatter),
            # comparisons, logic, select
            (lambda n: n.target in _COMPARISONS, self._annotate_comparison),
            (lambda n: n.target in _SELECTS, self._annotate_select),
            # everything else: what the circle ops it lowers to call for
            (lambda n: _kind(n.target) in by_kind,
             lambda n: by_kind[_kind(n.target)](n)),
        ]
        self.float_ops = []
        for node in model.graph.nodes:
            if node.op != "call_function" or _annotated(node):
                continue
            # a matmul by a constant matrix is a FULLY_CONNECTED, whatever the scheme
            reason = None if _is_matmul_by_constant(node) else float_only_reason(
                node, self.scheme)
            if reason is not None and _is_float(node):
                if not self.allow_float:
                    raise no_integer_kernel_error(node, self.scheme, reason)
                self.float_ops.append(float_op(node, reason))
                continue  # unannotated: float between its producers' dq and consumers' q
            for matches, handler in handlers:
                if matches(node):
                    handler(node)
                    break
        return model

    # -- helpers ----------------------------------------------------------------------
    def _input_spec(self, arg: Node) -> QuantizationSpecBase:
        """The spec of an activation input edge: the producer's own, if it has one."""
        ann = arg.meta.get(_ANNOTATION)
        if ann is not None and ann.output_qspec is not None:
            return SharedQuantizationSpec(arg)
        return self.specs.activation_spec()

    def _float_inputs(self, node: Node, indices: tuple[int, ...] | None = None) -> list[Node]:
        args = node.args if indices is None else [
            node.args[i] for i in indices if i < len(node.args)
        ]
        seen: list[Node] = []
        for a in args:
            if _is_float(a) and a not in seen:
                seen.append(a)
        return seen

    def _fusion_tail(self, node: Node, allow_batch_norm: bool) -> list[Node]:
        """The nodes fused after `node`: [batch_norm]? [activation]? (single users only)."""
        tail: list[Node] = []
        cur = node
        nxt = _single_user(cur)
        if allow_batch_norm and nxt is not None and nxt.target in _BATCH_NORM and (
            nxt.args[0] is cur
        ):
            tail.append(nxt)
            cur = nxt
            nxt = _single_user(cur)
        if nxt is not None and _is_fusable_activation(nxt) and nxt.args[0] is cur and (
            _is_float(nxt)
        ):
            tail.append(nxt)
        return tail

    def _annotate_chain(self, head: Node, inputs: dict, tail: list[Node]) -> None:
        """Inputs on `head`, the output spec on the last node, nothing in between."""
        act = self.specs.activation_spec()
        if not tail:
            _annotate(head, inputs, act)
            return
        _annotate(head, inputs, None)
        for mid in tail[:-1]:
            _annotate(mid, {}, None)
        _annotate(tail[-1], {}, act)

    # -- patterns ---------------------------------------------------------------------
    def _annotate_weighted(self, node: Node) -> None:
        x, w = node.args[0], node.args[1]
        b = node.args[2] if len(node.args) > 2 else node.kwargs.get("bias")
        if not (_is_float(node) and _is_float(x) and _is_float(w)):
            return
        axis, per_channel = 0, None
        if node.target not in _WEIGHT_LAYOUT:
            return  # a weighted op without a torch layout here (test_annotation_kinds)
        if node.target in _TRANSPOSED:
            gi = _WEIGHT_LAYOUT[node.target]
            groups = node.args[gi] if gi is not None and len(node.args) > gi else 1
            # IOHW: axis 1 is the output channel only without groups (O/groups per group)
            axis, per_channel = (1, None) if groups == 1 else (0, False)
        elif node.target is aten.linear.default and self.scheme == "uint8":
            # onert, the runtime of the uint8 scheme, applies channel 0's weight scale
            # to every output channel of a per-channel FULLY_CONNECTED (see
            # docs/codegen.md): linear weights are per tensor in this scheme.
            per_channel = False
        inputs: dict[Node, QuantizationSpecBase] = {
            x: self._input_spec(x),
            w: self.specs.weight_spec(axis, per_channel),
        }
        if isinstance(b, Node) and _is_float(b):
            inputs[b] = self.specs.bias_spec((x, node), (w, node), per_channel)
        self._annotate_chain(node, inputs, self._fusion_tail(node, allow_batch_norm=True))

    def _annotate_own_range(self, node: Node) -> None:
        """Float inputs observed (their producers' specs shared), the output observed;
        a derived op whose circle op HasFusedActivation takes a following activation."""
        target = _functional(node.target)
        indices = _OWN_RANGE_LOWERINGS.get(target)
        if indices is None:
            # derived: every float tensor argument is an activation of the circle op
            inputs = {a: self._input_spec(a) for a in self._float_inputs(node)}
            if not _is_float(node) or not inputs:
                return
            classes = lowers_to(target)
            fuses = (classes[0].get_trait(HasFusedActivation) is not None
                     and target not in _NO_ACTIVATION_FUSION)
            if target is aten.prelu.default and self.scheme == "int16":
                # TFLite's int16 PRELU is 16x8: it reads the slope as int8 (an int16
                # slope's bytes would be misread), so the slope is an int8 tensor
                for extra in list(inputs)[1:]:
                    inputs[extra] = self.specs.weight_spec(per_channel=False)
            self._annotate_chain(node, inputs, self._fusion_tail(node, False) if fuses else [])
            return
        if not (_is_float(node) and _is_float(node.args[0])):
            return
        inputs = {a: self._input_spec(a) for a in self._float_inputs(node, indices)}
        # a standalone batch norm is a DEPTHWISE_CONV_2D: a following ReLU fuses into it
        # (else the unfused uint8 RELU is a float island for onert)
        tail = self._fusion_tail(node, False) if target in _BATCH_NORM else []
        self._annotate_chain(node, inputs, tail)

    def _annotate_fixed(self, node: Node) -> None:
        if not (_is_float(node) and _is_float(node.args[0])):
            return
        x = node.args[0]
        fixed = self.specs.fixed_spec(fixed_range(_functional(node.target)))
        _annotate(node, {x: self._input_spec(x)}, fixed or self.specs.activation_spec())

    def _annotate_shared(self, node: Node) -> None:
        if not (_is_float(node) and _is_float(node.args[0])):
            return
        x = node.args[0]
        _annotate(node, {x: self._input_spec(x)}, SharedQuantizationSpec((x, node)))

    def _annotate_split(self, node: Node) -> None:
        x = node.args[0]
        if not _is_float(x):
            return
        _annotate(node, {x: self._input_spec(x)}, None)
        for user in node.users:
            if user.target is operator.getitem and _is_float(user):
                _annotate(user, {}, SharedQuantizationSpec((x, node)))

    def _annotate_cat(self, node: Node) -> None:
        tensors = node.args[0]
        if not _is_float(node) or not all(_is_float(t) for t in tensors):
            return
        first = tensors[0]
        # The group's root is a fresh observer on the first edge, never the first
        # producer's own spec: the output spans every input, so a fixed-range producer
        # (sigmoid's [0, 1)) must not impose its range on the others. A producer with a
        # plain activation spec still shares it implicitly (torchao merges equal specs).
        inputs: dict[Node, QuantizationSpecBase] = {first: self.specs.activation_spec()}
        for t in tensors[1:]:
            inputs.setdefault(t, SharedQuantizationSpec((first, node)))
        _annotate(node, inputs, SharedQuantizationSpec((first, node)))

    # -- indexing family ----------------------------------------------------------------
    def _annotate_arg_reduction(self, node: Node) -> None:
        x = node.args[0]
        if not _is_float(x):
            return
        # the result is an integer index: no output spec (nothing to observe)
        _annotate(node, {x: self._input_spec(x)}, None)

    def _annotate_scatter(self, node: Node) -> None:
        base, src = node.args[0], node.args[1]
        if not (_is_float(node) and _is_float(base) and _is_float(src)):
            return
        # like cat: a fresh observer on the base edge is the root of the group, src and
        # the result share it (CONCATENATION does not rescale)
        inputs: dict[Node, QuantizationSpecBase] = {base: self.specs.activation_spec()}
        inputs.setdefault(src, SharedQuantizationSpec((base, node)))
        _annotate(node, inputs, SharedQuantizationSpec((base, node)))
    # -- comparisons, logic, select (family: comparisons) ----------------------------
    def _annotate_comparison(self, node: Node) -> None:
        """Both float operands share one spec (the first operand's); the result is bool.

        One spec rather than two: TFLite's int16 comparison kernels compare the raw
        integers (they are only right for equal parameters), and its uint8/int8 kernels
        rescale both operands to a resolution of about 1/256 of a real unit, which
        can call two different values equal; with one (scale, zero point) the integer
        comparison is the real one exactly (for scales >= 1/256). A scalar operand
        (`x > 0.5`) is no node: the legalizer turns it into a constant of this type.
        """
        floats = self._float_inputs(node, (0, 1))
        if not floats:
            return
        first = floats[0]
        inputs: dict[Node, QuantizationSpecBase] = {first: self._input_spec(first)}
        for other in floats[1:]:
            inputs[other] = SharedQuantizationSpec((first, node))
        _annotate(node, inputs, None)

    def _annotate_select(self, node: Node) -> None:
        """where/masked_fill: the tensor values and the output share one spec.

        SELECT_V2 copies elements without rescaling, so its value operands and result
        must have one (scale, zero point). The group's observer ignores non-finite
        values (`FiniteMinMaxObserver`): a -inf fill saturates to the lowest integer
        instead of making the scale infinite. A scalar fill value is quantized with
        the group's parameters by the compiler (and by `quantize_per_tensor` in torch).
        `where.Scalar` (two scalars) has its own output range.
        """
        if not _is_float(node):
            return
        values = self._float_inputs(node, _SELECTS[node.target])
        if not values:
            _annotate(node, {}, self.specs.activation_spec())
            return
        first = values[0]
        inputs: dict[Node, QuantizationSpecBase] = {first: self._finite_spec()}
        for other in values[1:]:
            inputs[other] = SharedQuantizationSpec((first, node))
        _annotate(node, inputs, SharedQuantizationSpec((first, node)))

    def _finite_spec(self) -> QuantizationSpecBase:
        """The activation spec, observed by `FiniteMinMaxObserver` (PTQ; QAT keeps its
        fake-quantize observer)."""
        import dataclasses

        from compiler.frontend.observers import FiniteMinMaxObserver

        spec = self.specs.activation_spec()
        if self.specs.is_qat:
            return spec
        return dataclasses.replace(spec, observer_or_fake_quant_ctr=FiniteMinMaxObserver.with_args(
            eps=self.specs.facts.activation_eps))

    # -- element-wise math, norms, attention -------------------------------------------
    def _matrix_weight_spec(self):
        """The spec of a constant [in, out] matrix that becomes FULLY_CONNECTED weights:
        per channel along axis 1 (the output features), per tensor in the uint8 scheme
        like linear's (onert's per-channel FULLY_CONNECTED is wrong)."""
        per_channel = False if self.scheme == "uint8" else None
        return self.specs.weight_spec(1, per_channel), per_channel

    def _annotate_matmul_by_constant(self, node: Node) -> None:
        x, w = node.args[0], node.args[1]
        if not (_is_float(node) and _is_float(x)):
            return
        spec, _ = self._matrix_weight_spec()
        _annotate(node, {x: self._input_spec(x), w: spec}, self.specs.activation_spec())

    def _annotate_addmm(self, node: Node) -> None:
        """addmm(bias, x, w) = x @ w + bias, lowered to FULLY_CONNECTED: annotated like
        linear (weights per `_matrix_weight_spec`, the bias derived from them)."""
        b, x, w = node.args[0], node.args[1], node.args[2]
        if not all(_is_float(a) for a in (node, b, x, w)):
            return
        spec, per_channel = self._matrix_weight_spec()
        inputs: dict[Node, QuantizationSpecBase] = {
            x: self._input_spec(x),
            w: spec,
            b: self.specs.bias_spec((x, node), (w, node), per_channel),
        }
        self._annotate_chain(node, inputs, self._fusion_tail(node, allow_batch_norm=False))
