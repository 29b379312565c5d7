# What import_program refuses, and how it says so.
# RUN: %python %s | filecheck %s
import os
import sys

import torch
import torch.nn as nn
from torch.export import Dim

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "Inputs"))
from frontend_lit import zoo  # noqa: E402

from compiler.frontend import import_program  # noqa: E402
from compiler.ir.diagnostics import CompileError  # noqa: E402


def attempt(title, make):
    print(f"// {title}")
    try:
        import_program(make())
        print("imported")
    except CompileError as e:
        print(f"error: {e}")


class Pair(nn.Module):
    def forward(self, x):
        return x * 2, x.shape[0]


class Mutates(nn.Module):
    def forward(self, x):
        x.add_(1)
        return x


attempt("dynamic batch", lambda: torch.export.export(
    zoo.float_model("linear"), zoo.example_inputs("linear"), dynamic_shapes={"x": {0: Dim("batch")}}))
# CHECK-LABEL: // dynamic batch
# CHECK-NEXT:  error: input 'x' has a dynamic dimension 0 ({{.*}}); only static shapes are supported: export without dynamic_shapes (or with static sizes)

attempt("non-tensor output", lambda: torch.export.export(Pair(), (torch.randn(3),)))
# CHECK-LABEL: // non-tensor output
# CHECK-NEXT:  error: output #1 is not a tensor (int: 3); only tensor outputs are supported

attempt("input mutation", lambda: torch.export.export(Mutates(), (torch.randn(3),)))
# CHECK-LABEL: // input mutation
# CHECK-NEXT:  error: {{.*}}errors.py:{{[0-9]+}}: 'add_': 'add_' (aten.add_.Tensor) modifies input 'x' in place; a compiled model cannot keep that side effect

attempt("train-mode batch norm", lambda: torch.export.export(nn.BatchNorm2d(2).train(), (torch.randn(1, 2, 3, 3),)))
# CHECK-LABEL: // train-mode batch norm
# CHECK-NEXT:  error: {{.*}}'add_' (aten.add_.Tensor) modifies buffer 'num_batches_tracked' in place{{.*}}export the model in eval mode, model.eval())

attempt("converted GraphModule", lambda: zoo.quantized_program("linear", "int8").module())
# CHECK-LABEL: // converted GraphModule
# CHECK-NEXT:  error: expected a torch.export.ExportedProgram or a .pt2 path, got GraphModule: convert_pt2e returns a GraphModule; re-export it with torch.export.export(converted, example_inputs)
