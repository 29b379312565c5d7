"""Named pipelines, and `compiler.lower` to run them in process.

`lower-to-circle{scheme=auto io-dtype=float allow-float=false target=none}` takes the imported
quant/aten IR to fully quantized circle IR. The order follows the PT2E → Circle steps
(seeds/004) and the TFLite MLIR converter (prepare-quantize → quantize → post-quantize):

0. (before PT2E, in the frontend) `decompose_for_circle`: ops Circle lacks are
   decomposed so that calibration observes every intermediate tensor;
0b. `adapt-storage`         re-encode the program's storage types into the scheme's where
                            exact (uint8 <-> int8 by a zero-point shift of 128, weights
                            made narrow/per-channel), first: every later pass then sees
                            a program in the target scheme, whichever quantizer made it;
1. `fold-batch-norm`        float-side fusion: batch norm into the preceding conv (PT2E
                            already did it in quantized programs; float programs need it);
2. `fold-qdq`               normalize PT2E's q/dq pairs: drop identity qcast(dcast),
                            merge duplicated dequantizes, keep genuine requantizes;
3. `convert-aten-to-circle` legalize to float circle ops in NHWC; weights relaid out and
                            their per-axis dims remapped at compile time;
4. `circle-sink-transposes` move the layout transposes until they cancel, so the next
                            passes see producer/activation and q/dq chains adjacent;
5. `circle-fuse-activation` fold RELU/RELU6 into producers *before* quantization is
                            made explicit, while both still share one qcast;
6. `quant-propagate`        complete the qparams of every tensor legalization created
                            (same-scale, fixed ranges, constants, requantizes);
7. `quantize-bias`          biases to i32/i64 with scale s_in*s_w (needs 6's input and
                            weight types); zero biases where the runtimes require one;
8. `fuse-qdq`               float ops between dcast/qcast become quantized ops; I/O
                            boundaries become QUANTIZE/DEQUANTIZE (or integer I/O);
8b. `refine-numerics`      closer roundings in exact ops: a Newton step after each int16
                            RSQRT (its interpolated table is coarse near 0); a layer
                            norm's centering int8 MEAN as a FULLY_CONNECTED (MEAN
                            rounds twice); for LiteRT an 8-bit 1x1 CONV_2D as a
                            FULLY_CONNECTED (the convolution rounds twice);
9. `circle-cleanup`         cancel/fold transposes, merge reshapes, re-fuse activations,
                            drop dead ops on the quantized graph;
10. `verify-quantized`      the scheme's contract, before anything is emitted;
11. `target-legalize`       (with a target: onert or litert) what that runtime refuses or
                            miscomputes becomes ops it computes exactly, float islands
                            (allow-float), or a compile-time error.

A standalone batch norm (not after a constant conv) is legalized as a per-channel
multiply-add.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.passes import ModulePass

from compiler.ir.diagnostics import verify_module


def lowering_passes(scheme: str = "auto", io_dtype: str = "float",
                    allow_float: bool = False, target: str | None = None) -> list[ModulePass]:
    from compiler.transforms.adapt_storage import AdaptStoragePass
    from compiler.transforms.circle_cleanup import CircleCleanupPass
    from compiler.transforms.circle_fuse_activation import CircleFuseActivationPass
    from compiler.transforms.circle_sink_transposes import CircleSinkTransposesPass
    from compiler.transforms.convert_aten_to_circle import ConvertAtenToCirclePass
    from compiler.transforms.fold_batch_norm import FoldBatchNormPass
    from compiler.transforms.fold_qdq import FoldQdqPass
    from compiler.transforms.fuse_qdq import FuseQdqPass
    from compiler.transforms.refine_numerics import RefineNumericsPass
    from compiler.transforms.quant_propagate import QuantPropagatePass
    from compiler.transforms.quantize_bias import QuantizeBiasPass
    from compiler.transforms.target_legalize import TargetLegalizePass
    from compiler.transforms.verify_quantized import VerifyQuantizedPass

    passes = [
        AdaptStoragePass(scheme=scheme, target=target or "none"),
        FoldBatchNormPass(),
        FoldQdqPass(),
        ConvertAtenToCirclePass(),
        CircleSinkTransposesPass(),
        CircleFuseActivationPass(),
        QuantPropagatePass(scheme=scheme, allow_float=allow_float),
        QuantizeBiasPass(),
        FuseQdqPass(io_dtype=io_dtype, allow_float=allow_float),
        RefineNumericsPass(target=target or "none"),
        CircleCleanupPass(),
        VerifyQuantizedPass(scheme=scheme, allow_float=allow_float),
    ]
    if target not in (None, "none"):
        passes.append(TargetLegalizePass(target=target, allow_float=allow_float))
    return passes


@dataclass(frozen=True)
class LowerToCirclePass(ModulePass):
    """The whole lowering as one pass (`qopt -p 'lower-to-circle{scheme=int8}'`)."""

    name = "lower-to-circle"

    scheme: str = "auto"
    io_dtype: str = "float"
    allow_float: bool = False
    target: str = "none"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for p in lowering_passes(self.scheme, self.io_dtype, self.allow_float, self.target):
            p.apply(ctx, op)
            verify_module(op)


def lower(
    module: ModuleOp,
    scheme: str = "auto",
    io_dtype: str = "float",
    allow_float: bool = False,
    callback: Callable[[ModulePass, ModuleOp], None] | None = None,
    verify_each: bool = True,
    target: str | None = None,
) -> ModuleOp:
    """Run `lower-to-circle` in process on `module` (modified in place and returned).

    `callback(pass, module)` runs after each pass (e.g. to dump the IR of every stage).

    `target` ("onert", "litert" or None): the runtime the model is for; the last pass,
    `target-legalize`, rewrites what that runtime refuses or computes wrongly into
    what it computes exactly (float islands with `allow_float`), or raises a located
    `CompileError` (compiler.transforms.target_legalize).

    `verify_each` (MLIR's `-verify-each`): verify the whole IR after every pass, so a
    broken invariant is reported at the pass that broke it. With `False` the IR is
    verified once, after the last pass: the same final guarantee for ~25 % less time on
    large graphs (xDSL's op verification costs ~40 µs per op and pass; see
    docs/bench.md). `qcompile` verifies at the end unless given `--verify-each`; the
    test suite runs every pass with verification on. Either way `verify_module` checks
    every op except those that passed it before and are unchanged since (their verifiers
    read nothing that changed: `compiler.ir.diagnostics.verify_module`).
    """
    from compiler.ir.collector import gc_paused
    from compiler.ir.context import make_context

    ctx = make_context()
    # The IR is a large graph of small objects: CPython's cyclic GC runs repeatedly
    # over it and makes big graphs superlinear (bench/compile_time.py: 11.0 s -> 9.5 s
    # for 10k ops). Nothing here creates garbage cycles worth collecting mid-pipeline.
    with gc_paused():
        passes = lowering_passes(scheme, io_dtype, allow_float, target)
        for i, p in enumerate(passes):
            p.apply(ctx, module)
            if verify_each or i == len(passes) - 1:
                verify_module(module)
            if callback is not None:
                callback(p, module)
    return module
