"""MobileNetV3-Small structure (torchvision's): inverted residuals with squeeze-excite,
in-place hard-swish / ReLU, hard-sigmoid gates, dropout in the classifier. Half width,
64x64 inputs, random weights (batch-norm statistics re-estimated).

    qcompile examples/archs/mobilenet_v3.py -o m.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


def _make_divisible(v, divisor=8):
    return max(divisor, int(v + divisor / 2) // divisor * divisor)


class ConvBNActivation(nn.Sequential):
    def __init__(self, cin, cout, k=3, stride=1, groups=1, act=nn.Hardswish):
        layers = [nn.Conv2d(cin, cout, k, stride, (k - 1) // 2, groups=groups, bias=False),
                  nn.BatchNorm2d(cout)]
        if act is not None:
            layers.append(act(inplace=True))
        super().__init__(*layers)


class SqueezeExcitation(nn.Module):
    def __init__(self, cin, squeeze):
        super().__init__()
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Conv2d(cin, squeeze, 1)
        self.fc2 = nn.Conv2d(squeeze, cin, 1)
        self.activation = nn.ReLU()
        self.scale_activation = nn.Hardsigmoid()

    def forward(self, x):
        s = self.scale_activation(self.fc2(self.activation(self.fc1(self.avgpool(x)))))
        return s * x


class InvertedResidual(nn.Module):
    def __init__(self, cin, k, exp, cout, se, act, stride):
        super().__init__()
        self.use_res = stride == 1 and cin == cout
        layers = []
        if exp != cin:
            layers.append(ConvBNActivation(cin, exp, 1, act=act))
        layers.append(ConvBNActivation(exp, exp, k, stride, groups=exp, act=act))
        if se:
            layers.append(SqueezeExcitation(exp, _make_divisible(exp // 4)))
        layers.append(ConvBNActivation(exp, cout, 1, act=None))
        self.block = nn.Sequential(*layers)

    def forward(self, x):
        y = self.block(x)
        return y + x if self.use_res else y


HS, RE = nn.Hardswish, nn.ReLU
# (in, kernel, expanded, out, SE, activation, stride): MobileNetV3-Small at width 0.5
SETTINGS = [(8, 3, 8, 8, True, RE, 2), (8, 3, 40, 16, False, RE, 2), (16, 3, 48, 16, False, RE, 1),
            (16, 5, 48, 24, True, HS, 2), (24, 5, 120, 24, True, HS, 1),
            (24, 5, 72, 24, True, HS, 1), (24, 5, 144, 48, True, HS, 2)]


class MobileNetV3(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        layers = [ConvBNActivation(3, 8, 3, 2)]
        layers += [InvertedResidual(*s) for s in SETTINGS]
        layers.append(ConvBNActivation(48, 288, 1))
        self.features = nn.Sequential(*layers)
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.classifier = nn.Sequential(nn.Linear(288, 128), nn.Hardswish(inplace=True),
                                        nn.Dropout(0.2, inplace=True), nn.Linear(128, classes))

    def forward(self, x):
        return self.classifier(torch.flatten(self.avgpool(self.features(x)), 1))


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(MobileNetV3(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
