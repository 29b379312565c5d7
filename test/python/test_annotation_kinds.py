"""The quantizer's annotations are derived from the circle ops' traits; the tables it
still has hold only what the traits cannot say. These tests derive each remaining table
from the traits and fail when one drifts (an entry the traits now decide, an entry whose
reason no longer holds, a derived op the tables do not cover)."""

from __future__ import annotations

import pytest
import torch

import compiler.frontend.quantizer as q
from compiler.dialects import circle
import compiler.dialects.aten as aten_dialect
from compiler.dialects.aten import BY_TARGET
from compiler.frontend.annotation_kinds import Kind, derived_kind, derived_targets, fixed_range
from compiler.frontend.float_ops import lowers_to
from compiler.frontend.schemes import SCHEMES, SchemeSpecs
from compiler.frontend.variants import functional_overload
from compiler.ir.quant_traits import (
    FixedOutputRange,
    FusableActivation,
    HasFusedActivation,
    SameScale,
)

aten = torch.ops.aten

_EXPLICIT = {
    "_OWN_RANGE_LOWERINGS": q._OWN_RANGE_LOWERINGS,
    "_SPLITS": q._SPLITS,
    "_INDEX_VALUES_AND_INDICES": q._INDEX_VALUES_AND_INDICES,
    "_ARG_REDUCTIONS": q._ARG_REDUCTIONS,
    "_SCATTER": q._SCATTER,
    "_COMPARISONS": q._COMPARISONS,
    "_SELECTS": q._SELECTS,
    "_BATCH_NORM": q._BATCH_NORM,
}


def test_every_table_entry_is_an_aten_op_the_compiler_knows():
    tables = {**_EXPLICIT, "_WEIGHT_LAYOUT": q._WEIGHT_LAYOUT,
              "_BOUNDED_ACTIVATIONS": q._BOUNDED_ACTIVATIONS,
              "_NO_ACTIVATION_FUSION": q._NO_ACTIVATION_FUSION}
    unknown = [(name, str(t)) for name, table in tables.items() for t in table
               if str(t) not in BY_TARGET]
    assert not unknown


def test_own_range_lowerings_are_not_derivable():
    """An entry the traits decide (its legalization now declares ops that agree) must
    leave the table: the derived annotation is then the one that holds."""
    derivable = [str(t) for t in q._OWN_RANGE_LOWERINGS if derived_kind(t) is not None]
    assert not derivable


def test_torch_specific_tables_do_not_shadow_a_derived_kind():
    """Splits, comparisons, selects... are torch-specific (list results, scalar
    overloads, bool results): none may be an op whose lowering the traits already
    decide in another way than the table does."""
    shadowed = []
    for name, table in _EXPLICIT.items():
        for t in table:
            kind = derived_kind(t)
            # a split's parts share the input's spec, which is what SHARED derives
            if kind is not None and not (name == "_SPLITS" and kind is Kind.SHARED):
                shadowed.append((name, str(t), kind))
    assert not shadowed


def test_splits_lower_to_data_movement():
    """getitem users share the input's spec: right only if every op the split lowers to
    keeps its input's parameters (SameScale)."""
    for t in q._SPLITS:
        classes = lowers_to(t)
        assert classes, t
        assert all(c.get_trait(SameScale) is not None for c in classes), (t, classes)


def test_weight_layouts_cover_exactly_the_weighted_ops():
    weighted = {t for t, k in derived_targets().items() if k is Kind.WEIGHTED}
    assert weighted == {str(t) for t in q._WEIGHT_LAYOUT}
    assert q._TRANSPOSED <= set(q._WEIGHT_LAYOUT)


def test_in_place_variants_are_annotated_like_their_functional_op():
    for variant in q._IN_PLACE:
        functional = functional_overload(variant)
        assert functional is not None, variant
        assert (derived_kind(functional) is not None
                or functional in q._OWN_RANGE_LOWERINGS), (variant, functional)


def test_fusable_activations_are_the_fusable_activation_ops():
    """`_is_fusable_activation` accepts the derived FusableActivation ops and, for
    hardtanh/clamp, the bounds of RELU, RELU6 and RELU_N1_TO_1: the functions the circle
    ops declare must be exactly those."""
    functions = {t.function for c in circle.CIRCLE_OPS
                 if (t := c.get_trait(FusableActivation)) is not None}
    assert functions == {"RELU", "RELU6", "RELU_N1_TO_1"}
    for t in q._BOUNDED_ACTIVATIONS:
        assert derived_kind(t) is None and t in q._OWN_RANGE_LOWERINGS, t


def test_activation_fusion_exceptions_still_apply():
    for t in q._NO_ACTIVATION_FUSION:
        assert derived_kind(t) is Kind.OWN, t
        assert lowers_to(t)[0].get_trait(HasFusedActivation) is not None, t


@pytest.mark.parametrize("scheme", SCHEMES)
def test_fixed_output_specs_are_the_ops_ranges(scheme):
    """One definition of each fixed range: the torch spec is the circle op's trait."""
    specs = SchemeSpecs(scheme, True, False)
    fixed = [t for t, k in derived_targets().items() if k is Kind.FIXED]
    assert fixed
    for t in fixed:
        trait = fixed_range(t)
        assert isinstance(trait, FixedOutputRange), t
        spec = specs.fixed_spec(trait)
        expected = trait.for_storage(specs.storage)
        if expected is None:
            assert spec is None, (t, scheme)
        else:
            assert (spec.scale, spec.zero_point) == expected, (t, scheme)
            assert spec.dtype == specs.activation_dtype
    # an op with no fixed range has no fixed spec
    assert specs.fixed_spec(None) is None


def test_explicit_tables_hold_no_fixed_range_op():
    """A fixed-range result must get the kernel's range: no explicit table may catch
    an op whose circle op has one."""
    for name, table in _EXPLICIT.items():
        for t in table:
            classes = lowers_to(t)
            assert not (classes and classes[0].get_trait(FixedOutputRange)), (name, t)


#: legalized ops declared `QUANTIZER_TABLES` that the quantizer never annotates, and why.
#: Deliberately a closed list: an op declared QUANTIZER_TABLES must get a quantizer table
#: entry or a line here saying why it stays unannotated.
_NOT_ANNOTATED = {
    # bool operands only (torch has no bitwise op on floats): nothing to quantize
    "aten.__and__.Tensor", "aten.__or__.Tensor", "aten.bitwise_and.Tensor",
    "aten.bitwise_not.default", "aten.bitwise_or.Tensor",
    # core-ATen forms from a full run_decompositions, which the quantized graph does not
    # get (decompose_for_circle decomposes only its own table)
    "aten._adaptive_avg_pool2d.default", "aten.convolution.default", "aten._to_copy.default",
    # torch.export records `x + 2` as add.Tensor: the Scalar overloads come from the ONNX
    # importer, whose QDQ models are quantized already
    "aten.add.Scalar", "aten.sub.Scalar", "aten.mul.Scalar", "aten.div.Scalar",
    # decomposed before annotation (transform_for_annotation; other exponents are an error)
    "aten.pow.Tensor_Scalar",
    # a dtype cast: float to float is the identity, and its other forms change the number
    # type; the quantizer leaves it to its neighbours (op case cast_float_int)
    "aten.to.dtype",
    # float-only: Circle has no ERF, so it lowers to a float approximation that runs
    # between DEQUANTIZE and QUANTIZE (allow-float); the quantizer leaves it float
    "aten.erf.default",
}


def test_every_legalization_says_how_its_op_is_annotated():
    """`produces=` is required: each legalized op declares circle ops (the annotation is
    derived) or QUANTIZER_TABLES (a table decides), never nothing."""
    from compiler.transforms.legalize import BY_QUANTIZER_TABLES, PRODUCES, load_all

    names = set(load_all())
    assert names == set(PRODUCES) | BY_QUANTIZER_TABLES
    assert not set(PRODUCES) & BY_QUANTIZER_TABLES


def test_every_table_decided_op_is_annotated_by_a_table_or_listed_as_not():
    from compiler.transforms.legalize import BY_QUANTIZER_TABLES

    supported = set(q.CircleQuantizer.get_supported_operators())
    targets = {aten_dialect.BY_NAME[n].SCHEMA.qualified_target for n in BY_QUANTIZER_TABLES}
    assert targets - supported == _NOT_ANNOTATED


def test_legalizes_requires_produces():
    from compiler.transforms.legalize import legalizes

    with pytest.raises(TypeError, match="produces"):
        legalizes("aten.relu")
