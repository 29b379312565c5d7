"""The real-architecture zoo (`examples/archs/*.py`) and how one model x scheme is judged.

    from arch_zoo import MODELS, SCHEMES, evaluate
    r = evaluate("mobilenet_v3", "int8")    # an Outcome: compiled?, SQNRs, steps, runtime

Each model file is a `qcompile` model file (model(), example_inputs(),
calibration_data(), verification_data()); `evaluate` runs exactly
`qcompile FILE -o OUT --scheme S` in process (`compiler.tools.qcompile.compile_model`),
then the stages `--verify` runs, on the same held-out batches (`verification_data()`:
drawn like the calibration batches, never seen by calibration): the float model, torch's
converted (PT2E) program, the circle IR in the reference interpreter, and the written
file in its runtime. Each SQNR is over all held-out outputs together (one image's 10
logits are too few to tell 1 dB: docs/numerics.md); the per-batch SQNRs give the
spread. Used by `test_arch_zoo.py` and `bench/real_models.py` (which writes
`docs/real_models.md`).

`KNOWN` lists the model x scheme combinations that fail today for a reason owned by
other work (numerics of an op, a runtime's refusal); the tests mark them
`xfail(strict=True)` with that reason, so they flip when fixed.
"""

from __future__ import annotations

import math
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
ARCHS = ROOT / "examples" / "archs"

#: model name -> what it covers (the table's first column)
MODELS = {
    "mobilenet_v3": "inverted residuals, in-place hard-swish, squeeze-excite, in-place dropout",
    "shufflenet_v2": "grouped 1x1 conv, depthwise, chunk, channel shuffle",
    "deeplab_v3": "dilated convs, ASPP with image pooling, bilinear upsampling",
    "resnet50": "bottlenecks, in-place ReLU and residual add_",
    "convnext": "depthwise 7x7, permuted LayerNorm, Linear MLP, layer scale",
    "vit": "class token through expand, position embedding, nn.MultiheadAttention",
    "swin": "shifted windows: roll, new_zeros + fill_ mask, relative position bias",
    "hf_bert": "HF BertModel: embeddings, boolean attention mask, post-norm",
    "hf_gpt2": "HF GPT2Model: causal mask, Conv1D (addmm), tanh GELU",
    "hf_llama": "HF LlamaModel: RMSNorm, rotary embeddings, GQA, causal mask",
    "hf_vit": "HF ViTModel: class token, position embedding",
    "hf_whisper_encoder": "HF WhisperEncoder: conv1d audio front end, GELU",
    "efficientnet_b0": "MBConv: SiLU, squeeze-excite sigmoid gate, strided depthwise 5x5",
    "yolo_neck": "C2f/CSP chunk + concat, SPPF max pools, nearest upsample, PAN neck",
    "unet": "ConvTranspose2d upsampling, skip concat, max-pool downsampling",
    "densenet_inception": "dense concat, avg pool (no pad count), max pool ceil_mode, Inception",
    "hf_distilbert": "HF DistilBertModel: post-norm, no token types",
    "hf_roberta": "HF RobertaModel: position ids by cumsum of the padding mask",
    "hf_t5_encoder": "HF T5EncoderModel: T5 RMSNorm, bucketed relative position bias, gated GELU",
    "hf_qwen2": "HF Qwen2Model: GQA with biased q/k/v, rotary, RMSNorm",
    "hf_mistral": "HF MistralModel: sliding-window causal mask, GQA (1 kv head), rotary",
    "hf_wav2vec2": "HF Wav2Vec2Model: strided conv1d + GroupNorm, weight-normed grouped pos conv",
    "hf_segformer": "HF SegformerModel: overlapping patch convs, spatial-reduction attention, Mix-FFN",
    "hf_mobilevit": "HF MobileViTModel: unfold/fold patches around a transformer, SiLU",
}


#: dB the circle IR may lose against torch's PT2E program (over all held-out batches)
SQNR_SLACK_DB = 1.0


@dataclass(frozen=True)
class Scheme:
    """A scheme and the file and runtime that run it."""

    name: str  # the table's column
    scheme: str  # qcompile --scheme
    suffix: str  # .circle (onert) or .tflite (LiteRT)
    extra: tuple[str, ...] = ()

    @property
    def runtime(self) -> str:
        return "onert" if self.suffix == ".circle" else "litert"


SCHEMES = {
    # uint8 has no RSQRT, EXP, LOG, SQRT or activation-by-activation matmul kernel in any
    # runtime: those ops stay float islands (a CNN has none, so nothing changes for it)
    "uint8": Scheme("uint8", "uint8", ".circle", ("--allow-float",)),
    "int8": Scheme("int8", "int8", ".tflite"),
    "int16": Scheme("int16", "int16", ".tflite"),
    # LiteRT also runs uint8 with per-tensor weights
    "uint8-pt": Scheme("uint8-pt", "uint8", ".tflite", ("--per-tensor", "--allow-float")),
}


@dataclass
class Outcome:
    model: str
    scheme: str
    compiled: bool = False
    error: str | None = None  # the compile error (first line), or the internal error
    internal: bool = False  # the error was not a CompileError (a crash)
    compile_s: float = 0.0
    measure_s: float = 0.0  # running every stage on every held-out batch
    batches: int = 0  # held-out batches measured on
    pt2e_sqnr: float | None = None  # torch's converted program vs the float model, dB
    ir_sqnr: float | None = None  # circle IR (interpreter) vs the float model, dB
    # per held-out batch: the float output's energy and each side's noise energy (sum
    # of squared differences); the SQNRs above are 10 log10(sum signal / sum noise)
    signal: list[float] = field(default_factory=list)
    pt2e_noise: list[float] = field(default_factory=list)
    ir_noise: list[float] = field(default_factory=list)
    ir_steps_vs_pt2e: float | None = None  # max |circle IR - PT2E| in output steps
    ir_error: str | None = None  # the interpreter could not run the circle IR
    runtime_error: str | None = None  # the runtime refused the file
    runtime_equal: float | None = None  # % of output elements equal to the circle IR's
    runtime_steps: float | None = None  # max |runtime - circle IR| in output steps
    default_steps: float | None = None  # LiteRT's default (optimized) kernels, same measure
    # LiteRT's optimized kernels and XNNPACK: the first op beyond its documented tolerance
    # (`compiler.bisect`, as `--verify` judges them), or None
    tolerance_error: str | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def sqnr_gap(self) -> float | None:
        """dB the circle IR loses against torch's PT2E program over all held-out batches
        (positive = worse)."""
        if self.pt2e_sqnr is None or self.ir_sqnr is None:
            return None
        return _gap(self.pt2e_sqnr, self.ir_sqnr)

    @property
    def gap_per_batch(self) -> list[float]:
        """The gap on each held-out batch alone (one image for the CNNs: noisy)."""
        return [_gap(_db(s, p), _db(s, i))
                for s, p, i in zip(self.signal, self.pt2e_noise, self.ir_noise)]

    def gap_interval(self, level: float = 0.9, resamples: int = 2000) -> tuple[float, float] | None:
        """A bootstrap `level` interval of `sqnr_gap`: the pooled gap over the held-out
        batches resampled with replacement (fixed seed) - how far another draw of as many
        batches could move it."""
        if not self.signal:
            return None
        s, p, i = (np.asarray(x) for x in (self.signal, self.pt2e_noise, self.ir_noise))
        pick = np.random.default_rng(0).integers(0, len(s), (resamples, len(s)))
        gaps = [_gap(_db(s[k].sum(), p[k].sum()), _db(s[k].sum(), i[k].sum())) for k in pick]
        lo, hi = np.quantile(gaps, [(1 - level) / 2, (1 + level) / 2])
        return float(lo), float(hi)


def _db(signal: float, noise: float) -> float:
    return math.inf if noise == 0.0 else 10 * math.log10(signal / noise)


def _gap(pt2e: float, ir: float) -> float:
    return 0.0 if math.isinf(pt2e) and math.isinf(ir) else pt2e - ir


def _first_line(e: BaseException) -> str:
    text = str(e).strip()
    return f"{type(e).__name__}: {text.splitlines()[0] if text else ''}"


def _energies(ref: list[np.ndarray], x: list[np.ndarray]) -> tuple[list[float], list[float]]:
    """Per batch: the energy of `ref` and of `x - ref`."""
    return ([float(np.sum(r**2)) for r in ref],
            [float(np.sum((r - y) ** 2)) for r, y in zip(ref, x)])


def _steps(a: np.ndarray, b: np.ndarray, step: float | None) -> float | None:
    if not step:
        return None
    return float(np.abs(np.rint(a / step) - np.rint(b / step)).max())


def compile_args(model: str, scheme: str, output: str) -> list[str]:
    s = SCHEMES[scheme]
    return [str(ARCHS / f"{model}.py"), "-o", output, "--scheme", s.scheme, "-q", *s.extra]


def evaluate(model: str, scheme: str, default_kernels: bool = False,
             stage_log=None) -> Outcome:
    """Compile `model` in `scheme` as qcompile does and measure every stage (see module doc).

    `default_kernels`: also run a .tflite with LiteRT's default (optimized) kernels.
    Every stage runs on every held-out batch (the runtime included: `--verify` checks
    them all). `stage_log(name)`, when given, is called before each stage (a runtime
    that aborts the process leaves the name of the stage it died in).
    """
    log = stage_log or (lambda name: None)
    from compiler.ir.diagnostics import CompileError
    from compiler.tools.qcompile import compile_model, parse_args

    out = Outcome(model, scheme)
    s = SCHEMES[scheme]
    with tempfile.TemporaryDirectory(prefix="arch-zoo-") as tmp:
        path = str(Path(tmp) / f"{model}{s.suffix}")
        start = time.perf_counter()
        log("compile")
        try:
            result = compile_model(parse_args(compile_args(model, scheme, path)))
        except CompileError as e:
            out.error = str(e).splitlines()[0]
            return out
        except Exception as e:  # an internal error: the finding is the crash itself
            out.error, out.internal = _first_line(e), True
            out.warnings.append(traceback.format_exc(limit=-3))
            return out
        finally:
            out.compile_s = time.perf_counter() - start
    out.compiled = True
    held_out = result["held_out"]
    out.batches = len(held_out)
    start = time.perf_counter()
    try:
        _measure(out, result, held_out, default_kernels, log)
    finally:
        out.measure_s = time.perf_counter() - start
    return out


def _measure(out: Outcome, result: dict, held_out: list, default_kernels: bool, log) -> None:
    from compiler.tools.qcompile_report import _output_step
    from compiler.verify import run_stage_batches

    s = SCHEMES[out.scheme]

    def outputs(stage) -> list[np.ndarray]:
        """The stage's first output on each held-out batch."""
        return [r.outputs[0].real() for r in run_stage_batches(stage, held_out)]

    log("torch")
    ref = outputs(result["float_model"])
    pt2e = outputs(result["program"])
    out.signal, out.pt2e_noise = _energies(ref, pt2e)
    out.pt2e_sqnr = _db(sum(out.signal), sum(out.pt2e_noise))
    step = _output_step(result["circle"], 0)
    log("interpreter")
    try:
        ir_runs = run_stage_batches(result["circle"], held_out)
        ir = [r.outputs[0].real() for r in ir_runs]
    except Exception as e:
        out.ir_error = _first_line(e)
        return
    out.ir_noise = _energies(ref, ir)[1]
    out.ir_sqnr = _db(sum(out.signal), sum(out.ir_noise))
    out.ir_steps_vs_pt2e = _steps(np.stack(ir), np.stack(pt2e), step)
    stage = ("onert", result["data"]) if s.runtime == "onert" else (
        "litert", result["data"], "BUILTIN_REF")
    log(s.runtime)
    try:
        rt = np.stack(outputs(stage))
    except Exception as e:
        out.runtime_error = _first_line(e)
        return
    ir = np.stack(ir)
    out.runtime_equal = 100.0 * float((rt == ir).mean())
    out.runtime_steps = _steps(rt, ir, step) if step else float(np.abs(rt - ir).max())
    if s.runtime == "litert":
        out.tolerance_error = _beyond_tolerance(result, held_out, ir_runs, log)
    if default_kernels and s.runtime == "litert":
        log("LiteRT default kernels")
        try:
            opt = np.stack(outputs(("litert", result["data"], "BUILTIN")))
            out.default_steps = _steps(opt, ir, step)
        except Exception as e:
            out.warnings.append(f"LiteRT default kernels: {_first_line(e)}")


def _beyond_tolerance(result, held_out, ir_runs, log) -> str | None:
    """As `qcompile --verify` judges LiteRT's other resolvers: a run whose outputs differ
    from the circle IR's is bisected on the batch where they differ most; the first op
    beyond its `Tolerance`, or None."""
    from compiler.bisect import bisect
    from compiler.tools.qcompile_report import _worst_batch
    from compiler.verify import run_stage_batches

    for resolver in ("BUILTIN_WITHOUT_DEFAULT_DELEGATES", "AUTO"):
        log(f"LiteRT {resolver}")
        runs = run_stage_batches(("litert", result["data"], resolver), held_out)
        worst = _worst_batch(runs, ir_runs)
        if worst is None:
            continue
        d = bisect(result["data"], held_out[worst], "litert", resolver,
                   source=result["circle"]).error
        if d is not None:
            return f"{resolver}: {d.builtin} '{d.name}': {d.summary()} (tolerance {d.tolerance})"
    return None


#: (model, scheme) -> why it fails today (work owned elsewhere); see the module doc
KNOWN: dict[tuple[str, str], str] = {
    # RoBERTa's position ids: cumsum of the integer padding mask, then type_as; an
    # integer cumsum cannot become the quantized linear a float one decomposes to
    (m, s): "integer cumsum and type_as have no Circle lowering (compile error)"
    for m in ("hf_roberta",) for s in SCHEMES
} | {
    # the runtime's integer AVERAGE_POOL_2D rounds every tie up (+0.125 steps on average
    # after a 2x2 pool), PT2E rounds half to even: 1.02 dB below PT2E on the zoo's
    # batches, none on fresh inputs (docs/numerics.md); no kernel rounds as PT2E does
    ("densenet_inception", "uint8"): "AVERAGE_POOL_2D rounds ties up: 1.02 dB below PT2E",
}
