"""ShuffleNetV2 structure (torchvision's): channel split (chunk), depthwise 3x3, channel
shuffle (view / transpose / contiguous / view), concatenation; the first pointwise conv
of each branch is grouped (groups=2, as ShuffleNetV1's grouped 1x1 convs). Width 0.5
scaled down, 64x64 inputs, random weights (batch-norm statistics re-estimated).

    qcompile examples/archs/shufflenet_v2.py -o s.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


def channel_shuffle(x, groups: int):
    b, c, h, w = x.size()
    x = x.view(b, groups, c // groups, h, w)
    x = torch.transpose(x, 1, 2).contiguous()
    return x.view(b, -1, h, w)


def _conv_bn(cin, cout, k, stride=1, groups=1, relu=True):
    layers = [nn.Conv2d(cin, cout, k, stride, k // 2, groups=groups, bias=False), nn.BatchNorm2d(cout)]
    if relu:
        layers.append(nn.ReLU(inplace=True))
    return layers


class InvertedResidual(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.stride = stride
        half = cout // 2
        if stride > 1:
            self.branch1 = nn.Sequential(*_conv_bn(cin, cin, 3, stride, groups=cin, relu=False),
                                         *_conv_bn(cin, half, 1))
        else:
            self.branch1 = nn.Sequential()
        bin_ = cin if stride > 1 else half
        self.branch2 = nn.Sequential(*_conv_bn(bin_, half, 1, groups=2),
                                     *_conv_bn(half, half, 3, stride, groups=half, relu=False),
                                     *_conv_bn(half, half, 1))

    def forward(self, x):
        if self.stride == 1:
            x1, x2 = x.chunk(2, dim=1)
            out = torch.cat((x1, self.branch2(x2)), dim=1)
        else:
            out = torch.cat((self.branch1(x), self.branch2(x)), dim=1)
        return channel_shuffle(out, 2)


class ShuffleNetV2(nn.Module):
    def __init__(self, repeats=(2, 3, 2), channels=(12, 24, 48, 96, 256), classes=10):
        super().__init__()
        self.conv1 = nn.Sequential(*_conv_bn(3, channels[0], 3, 2))
        self.maxpool = nn.MaxPool2d(3, 2, 1)
        stages, cin = [], channels[0]
        for n, cout in zip(repeats, channels[1:4]):
            blocks = [InvertedResidual(cin, cout, 2)]
            blocks += [InvertedResidual(cout, cout, 1) for _ in range(n - 1)]
            stages.append(nn.Sequential(*blocks))
            cin = cout
        self.stages = nn.Sequential(*stages)
        self.conv5 = nn.Sequential(*_conv_bn(cin, channels[-1], 1))
        self.fc = nn.Linear(channels[-1], classes)

    def forward(self, x):
        x = self.conv5(self.stages(self.maxpool(self.conv1(x))))
        return self.fc(x.mean([2, 3]))


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(ShuffleNetV2(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
