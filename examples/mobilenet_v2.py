"""A MobileNetV2-style CNN (inverted residuals, depthwise convs, ReLU6), random weights.

    qcompile examples/mobilenet_v2.py -o mobilenet_v2.circle            # uint8, for onert
    qcompile examples/mobilenet_v2.py -o mobilenet_v2.tflite --verify   # int8, for LiteRT

Width 0.35 and 96x96 inputs keep it quick to compile; the structure is MobileNetV2's.
"""

import torch
import torch.nn as nn

SEED = 0


def _conv_bn(cin, cout, k=3, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.ReLU6(inplace=True))
    return nn.Sequential(*layers)


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride, expand):
        super().__init__()
        hidden = cin * expand
        self.residual = stride == 1 and cin == cout
        layers = [] if expand == 1 else [_conv_bn(cin, hidden, 1)]
        layers += [_conv_bn(hidden, hidden, 3, stride, groups=hidden),
                   _conv_bn(hidden, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        return x + self.block(x) if self.residual else self.block(x)


class MobileNetV2(nn.Module):
    # (expansion, channels, repeats, stride), MobileNetV2's table at width 0.35
    SETTINGS = [(1, 8, 1, 1), (6, 8, 2, 2), (6, 16, 3, 2), (6, 24, 4, 2),
                (6, 32, 3, 1), (6, 56, 3, 2), (6, 112, 1, 1)]

    def __init__(self, classes: int = 10):
        super().__init__()
        layers = [_conv_bn(3, 16, 3, 2)]
        cin = 16
        for t, c, n, s in self.SETTINGS:
            for i in range(n):
                layers.append(InvertedResidual(cin, c, s if i == 0 else 1, t))
                cin = c
        layers.append(_conv_bn(cin, 448, 1))
        self.features = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Linear(448, classes)

    def forward(self, x):
        return self.classifier(torch.flatten(self.pool(self.features(x)), 1))


def model() -> nn.Module:
    torch.manual_seed(SEED)
    m = MobileNetV2()
    for mod in m.modules():  # non-trivial batch-norm statistics, as after training
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
    return m.eval()


def example_inputs():
    return (torch.randn(1, 3, 96, 96, generator=torch.Generator().manual_seed(SEED)),)


def calibration_data():
    g = torch.Generator().manual_seed(SEED + 1)
    return [(torch.randn(1, 3, 96, 96, generator=g),) for _ in range(9)]
