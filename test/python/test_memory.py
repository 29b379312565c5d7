"""What the compiler holds, and that holding less changes nothing it writes.

`quantize_graph_module` drops the float weights `prepare_pt2e` folded its batch norms
into (the converted graph reads only their quantized buffers) and, with
`release_model=True`, the model's own tensors; the writer shares each constant's bytes
with the IR and sizes its flatbuffer builder so it never grows. The programs and files
stay byte-identical: the same IR with and without the release, the same file from
`qcompile` (which releases) and from `compile_model` keeping everything, the same bytes
from a builder started at the writer's bound and at flatbuffers' default size.
"""

from __future__ import annotations

from pathlib import Path

import torch
import torch.nn as nn

from compiler.codegen.schema import CIRCLE_IDENTIFIER
from compiler.codegen.writer import _AlignedBuilder, build_model, pack_model
from compiler.frontend import import_graph_module, quantize_graph_module
from compiler.ir.printing import Printer
from compiler.tools.qcompile import compile_model, main, parse_args
from compiler.transforms.pipelines import lower

torch.set_num_threads(1)
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _conv_bn() -> nn.Module:
    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 8, 3), nn.BatchNorm2d(8), nn.ReLU(), nn.Conv2d(8, 4, 1),
                      nn.BatchNorm2d(4))
    for bn in (m[1], m[4]):
        bn.running_mean.uniform_(-0.2, 0.2)
        bn.running_var.uniform_(0.5, 1.5)
    return m.eval()


def _quantize(model, **kw):
    x = torch.randn(1, 3, 8, 8, generator=torch.Generator().manual_seed(1))
    return quantize_graph_module(model, (x,), [(x,), (x * 0.5,)], progress=False, **kw)


def _text(module) -> str:
    import io

    out = io.StringIO()
    Printer(stream=out, print_debuginfo=True).print_op(module)
    return out.getvalue()


def test_converted_module_holds_only_the_tensors_its_graph_reads():
    model = _conv_bn()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    gm = _quantize(model)
    read = {n.target for n in gm.graph.nodes if n.op == "get_attr"}
    held = dict([*gm.named_parameters(), *gm.named_buffers()])
    assert set(held) <= read
    # the folded float weights are gone: what is left is integers and qparams
    assert all(not v.is_floating_point() or v.numel() <= 8 for v in held.values()), {
        k: (v.dtype, tuple(v.shape)) for k, v in held.items()}
    # without release_model the user's model is untouched and still runs
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    model(torch.zeros(1, 3, 8, 8))


def test_release_model_gives_the_same_program_and_empties_the_model():
    kept = import_graph_module(_quantize(_conv_bn()))
    model = _conv_bn()
    released = import_graph_module(_quantize(model, release_model=True))
    assert _text(released) == _text(kept)
    assert all(t.is_meta for t in [*model.parameters(), *model.buffers()])


def test_writer_bound_never_grows_the_builder_and_the_bytes_do_not_depend_on_it(
        monkeypatch):
    module = import_graph_module(_quantize(_conv_bn()))
    lower(module, scheme="uint8", verify_each=False)
    model = build_model(module)
    grown = []
    monkeypatch.setattr(_AlignedBuilder, "GrowByteBuffer",
                        lambda self: grown.append(len(self.Bytes))
                        or super(_AlignedBuilder, self).GrowByteBuffer())
    data = pack_model(model, CIRCLE_IDENTIFIER)
    assert grown == []
    small = _AlignedBuilder(1024)  # flatbuffers' default start: grows several times
    small.Finish(model.Pack(small), file_identifier=CIRCLE_IDENTIFIER)
    assert grown and bytes(small.Output()) == data


def test_qcompile_releasing_writes_the_bytes_of_a_compile_keeping_everything(tmp_path):
    example = str(EXAMPLES / "tiny_cnn.py")
    released, kept = tmp_path / "released.circle", tmp_path / "kept.circle"
    assert main([example, "-o", str(released), "-q"]) == 0
    result = compile_model(parse_args([example, "-o", str(kept), "-q"]))
    assert result["float_model"] is not None and result["program"] is not None
    assert released.read_bytes() == kept.read_bytes() == result["data"]
