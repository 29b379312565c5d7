"""`import_graph_module` (convert_pt2e's GraphModule, no re-export) gives exactly what
`import_program` gives from the re-export: the same printed IR, locations included, and,
after `lower`, the same `.circle` bytes, on the shipped examples and the test zoo.

qcompile takes the GraphModule path; `compiler.quantize` still re-exports.
"""

from __future__ import annotations

import importlib.util
import io
from pathlib import Path

import pytest
import torch
import zoo

import compiler
from compiler.codegen import write_circle
from compiler.frontend import import_graph_module, import_program, quantize_graph_module
from compiler.ir.printing import Printer
from compiler.transforms.pipelines import lower

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _text(module) -> str:
    out = io.StringIO()
    Printer(stream=out, print_debuginfo=True).print_op(module)
    return out.getvalue()


def _assert_same(gm: torch.fx.GraphModule, example, scheme: str, allow_float: bool = False):
    names = [n.name for n in gm.graph.nodes]
    direct = import_graph_module(gm)
    reexported = import_program(torch.export.export(gm, example))
    assert [n.name for n in gm.graph.nodes] == names  # the GraphModule is left as it was
    assert _text(direct) == _text(reexported)
    lower(direct, scheme=scheme, allow_float=allow_float)
    lower(reexported, scheme=scheme, allow_float=allow_float)
    assert write_circle(direct) == write_circle(reexported)


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
@pytest.mark.parametrize("name", [n for n, m in zoo.MODELS.items() if not m.is_qat])
def test_zoo_direct_import_equals_reexport(name, scheme):
    torch.set_num_threads(1)
    example = zoo.example_inputs(name)
    gm = quantize_graph_module(zoo.float_model(name), example, zoo.calibration_data(name),
                               scheme=scheme, allow_float=zoo.allow_float(name, scheme),
                               progress=False)
    _assert_same(gm, example, scheme, zoo.allow_float(name, scheme))


@pytest.mark.parametrize("example_name", ["mobilenet_v2", "resnet"])
def test_example_direct_import_equals_reexport(example_name):
    torch.set_num_threads(1)
    spec = importlib.util.spec_from_file_location(f"example_{example_name}",
                                                  EXAMPLES / f"{example_name}.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    example = mod.example_inputs()
    gm = quantize_graph_module(mod.model(), example, mod.calibration_data()[:2],
                               scheme="uint8", progress=False)
    _assert_same(gm, example, "uint8")


def test_dynamic_direct_import_equals_reexport():
    torch.set_num_threads(1)
    model = torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 4))
    x = torch.randn(2, 8, generator=torch.Generator().manual_seed(0))
    gm = quantize_graph_module(model.eval(), (x,), [(x,)], scheme="int8", is_dynamic=True,
                               progress=False)
    direct, reexported = import_graph_module(gm), import_program(torch.export.export(gm, (x,)))
    assert _text(direct) == _text(reexported)


def test_converted_graph_is_named_as_its_reexport():
    """The names `compiler.verify` records torch tensors by are the IR's."""
    example = zoo.example_inputs("residual_add")
    gm = quantize_graph_module(zoo.float_model("residual_add"), example,
                               zoo.calibration_data("residual_add"), scheme="int8",
                               progress=False)
    exported = torch.export.export(gm, example)
    calls = [n.name for n in gm.graph.nodes if n.op == "call_function"]
    assert calls == [n.name for n in exported.graph.nodes if n.op == "call_function"]
    assert "dequantize_per_channel" in calls and "quantize_per_tensor_1" in calls
    # and it still runs as before
    torch.testing.assert_close(gm(*example), exported.module()(*example), rtol=0, atol=0)


def test_quantize_still_returns_the_reexported_program():
    example = zoo.example_inputs("linear")
    timings: dict[str, float] = {}
    program = compiler.frontend.quantize(zoo.float_model("linear"), example,
                                         zoo.calibration_data("linear"), scheme="int8",
                                         progress=False, timings=timings)
    assert isinstance(program, torch.export.ExportedProgram)
    assert set(timings) == {"export", "calibrate", "convert", "re-export"}


@pytest.mark.parametrize("scheme", zoo.SCHEMES)
@pytest.mark.parametrize("name", ["mobilenet_block", "transformer_block", "embedding"])
def test_calibration_in_inference_mode_observes_what_no_grad_does(name, scheme):
    """`quantize_graph_module` calibrates PTQ models under `torch.inference_mode`: the
    observers must end with the statistics they get under `torch.no_grad`."""
    from torchao.quantization.pt2e.quantize_pt2e import convert_pt2e, prepare_pt2e

    from compiler.frontend.decompose import decompose_for_circle
    from compiler.frontend.quantizer import CircleQuantizer

    torch.set_num_threads(1)
    example = zoo.example_inputs(name)
    texts = []
    for mode in (torch.no_grad, torch.inference_mode):
        exported = decompose_for_circle(torch.export.export(zoo.float_model(name), example), scheme)
        prepared = prepare_pt2e(exported.module(), CircleQuantizer(
            scheme, allow_float=zoo.allow_float(name, scheme)))
        with mode():
            for batch in zoo.calibration_data(name):
                prepared(*batch)
        texts.append(_text(import_graph_module(convert_pt2e(prepared))))
    assert texts[0] == texts[1]
