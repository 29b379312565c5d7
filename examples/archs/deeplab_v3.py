"""DeepLabV3 structure (torchvision's): a dilated ResNet-style backbone (output stride 8,
atrous 3x3 convs), the ASPP head (1x1, three atrous 3x3 branches, image pooling branch
upsampled back), projection, classifier and a bilinear upsampling to the input size.
Small widths, 64x64 inputs, random weights (batch-norm statistics re-estimated).

    qcompile examples/archs/deeplab_v3.py -o d.tflite --verify
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


def conv_bn_relu(cin, cout, k=3, stride=1, dilation=1):
    pad = dilation * (k - 1) // 2
    return nn.Sequential(nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Block(nn.Module):
    """A ResNet basic block, possibly dilated instead of strided."""

    def __init__(self, cin, cout, stride=1, dilation=1):
        super().__init__()
        self.conv1 = conv_bn_relu(cin, cout, 3, stride, dilation)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, dilation, dilation=dilation, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.down = None
        if stride != 1 or cin != cout:
            self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))
        self.relu = nn.ReLU(inplace=True)

    def forward(self, x):
        identity = x if self.down is None else self.down(x)
        out = self.bn2(self.conv2(self.conv1(x)))
        out += identity
        return self.relu(out)


class ASPPPooling(nn.Sequential):
    def __init__(self, cin, cout):
        super().__init__(nn.AdaptiveAvgPool2d(1), nn.Conv2d(cin, cout, 1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU())

    def forward(self, x):
        size = x.shape[-2:]
        for mod in self:
            x = mod(x)
        return F.interpolate(x, size=size, mode="bilinear", align_corners=False)


class ASPP(nn.Module):
    def __init__(self, cin, rates=(2, 4, 6), cout=32):
        super().__init__()
        mods = [conv_bn_relu(cin, cout, 1)]
        mods += [conv_bn_relu(cin, cout, 3, dilation=r) for r in rates]
        mods.append(ASPPPooling(cin, cout))
        self.convs = nn.ModuleList(mods)
        self.project = nn.Sequential(nn.Conv2d(len(mods) * cout, cout, 1, bias=False),
                                     nn.BatchNorm2d(cout), nn.ReLU(), nn.Dropout(0.5))

    def forward(self, x):
        return self.project(torch.cat([conv(x) for conv in self.convs], dim=1))


class DeepLabV3(nn.Module):
    def __init__(self, classes=5):
        super().__init__()
        self.stem = nn.Sequential(conv_bn_relu(3, 16, 3, 2), nn.MaxPool2d(3, 2, 1))
        self.backbone = nn.Sequential(Block(16, 16), Block(16, 32, stride=2),
                                      Block(32, 48, dilation=2), Block(48, 64, dilation=4))
        self.head = nn.Sequential(ASPP(64), conv_bn_relu(32, 32), nn.Conv2d(32, classes, 1))

    def forward(self, x):
        size = x.shape[-2:]
        y = self.head(self.backbone(self.stem(x)))
        return F.interpolate(y, size=size, mode="bilinear", align_corners=False)


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(DeepLabV3(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
