"""EfficientNet-B0 structure (torchvision's): MBConv blocks of 1x1 expansion, depthwise
3x3/5x5 conv (some with stride 2), squeeze-excite (adaptive average pool, 1x1 convs with
SiLU, sigmoid gate multiplied into the activation), 1x1 projection, residual where shapes
allow; SiLU everywhere. Tiny widths and depths, 64x64 inputs, random weights.

    qcompile examples/archs/efficientnet_b0.py -o e.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


def conv_bn_silu(cin, cout, k, stride=1, groups=1, act=True):
    layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
              nn.BatchNorm2d(cout)]
    if act:
        layers.append(nn.SiLU(inplace=True))
    return nn.Sequential(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, channels, squeeze):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(channels, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, channels, 1)
        self.activation, self.scale_activation = nn.SiLU(), nn.Sigmoid()

    def forward(self, x):
        s = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return s * x


class MBConv(nn.Module):
    def __init__(self, expand, k, stride, cin, cout):
        super().__init__()
        mid = cin * expand
        layers = [] if expand == 1 else [conv_bn_silu(cin, mid, 1)]
        layers += [conv_bn_silu(mid, mid, k, stride, groups=mid),
                   SqueezeExcitation(mid, max(1, cin // 4)), conv_bn_silu(mid, cout, 1, act=False)]
        self.block = nn.Sequential(*layers)
        self.use_res = stride == 1 and cin == cout

    def forward(self, x):
        y = self.block(x)
        return y + x if self.use_res else y


# (expand, kernel, stride, in, out): EfficientNet-B0's stages at width 0.25, one block each
# (two in the stride-1 stage, for a residual)
SETTINGS = [(1, 3, 1, 8, 8), (6, 3, 2, 8, 8), (6, 5, 2, 8, 12), (6, 3, 2, 12, 20),
            (6, 5, 1, 20, 28), (6, 5, 1, 28, 28), (6, 5, 2, 28, 48), (6, 3, 1, 48, 80)]


class EfficientNet(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        layers = [conv_bn_silu(3, 8, 3, 2)] + [MBConv(*s) for s in SETTINGS]
        layers.append(conv_bn_silu(80, 320, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Dropout(0.2, inplace=True), nn.Linear(320, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(EfficientNet(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
