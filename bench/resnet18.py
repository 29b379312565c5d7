"""ResNet-18 at full width (11.2M parameters, 43 MiB of float weights): the model
`whole_flow.py` measures memory on, where the weights outweigh the compiler's fixed
import cost. `examples/resnet.py`'s structure and inputs (64x64), widths 64..512,
random weights (batch-norm statistics as that example sets them).

    qcompile bench/resnet18.py -o resnet18.circle
"""

import importlib.util
from pathlib import Path

import torch.nn as nn

_spec = importlib.util.spec_from_file_location(
    "_example_resnet", Path(__file__).resolve().parent.parent / "examples" / "resnet.py")
_example = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_example)

example_inputs = _example.example_inputs


def model() -> nn.Module:
    _example.torch.manual_seed(_example.SEED)
    m = _example.ResNet(widths=(64, 128, 256, 512))
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
    return m.eval()


def calibration_data():
    return _example.calibration_data()[:5]
