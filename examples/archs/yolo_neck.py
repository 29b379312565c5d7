"""A YOLOv5/v8-style detector backbone and neck: Conv-BN-SiLU, C2f/CSP blocks (chunk,
bottlenecks with residuals, concat), SPPF (three chained 5x5 max pools, stride 1,
padding 2, concatenated), a PAN neck (nearest 2x upsampling, concat with the backbone's
features, strided conv back down) and 1x1 detection heads at three scales, flattened and
concatenated into one output. Tiny widths, 64x64 inputs, random weights.

    qcompile examples/archs/yolo_neck.py -o y.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


class Conv(nn.Module):
    def __init__(self, cin, cout, k=1, s=1):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, s, k // 2, bias=False)
        self.bn = nn.BatchNorm2d(cout)
        self.act = nn.SiLU()

    def forward(self, x):
        return self.act(self.bn(self.conv(x)))


class Bottleneck(nn.Module):
    def __init__(self, c, shortcut=True):
        super().__init__()
        self.cv1, self.cv2 = Conv(c, c, 3), Conv(c, c, 3)
        self.add = shortcut

    def forward(self, x):
        y = self.cv2(self.cv1(x))
        return x + y if self.add else y


class C2f(nn.Module):
    def __init__(self, cin, cout, n=1, shortcut=True):
        super().__init__()
        self.c = cout // 2
        self.cv1 = Conv(cin, 2 * self.c, 1)
        self.cv2 = Conv((2 + n) * self.c, cout, 1)
        self.m = nn.ModuleList(Bottleneck(self.c, shortcut) for _ in range(n))

    def forward(self, x):
        y = list(self.cv1(x).chunk(2, 1))
        y.extend(m(y[-1]) for m in self.m)
        return self.cv2(torch.cat(y, 1))


class SPPF(nn.Module):
    def __init__(self, cin, cout, k=5):
        super().__init__()
        c = cin // 2
        self.cv1, self.cv2 = Conv(cin, c, 1), Conv(c * 4, cout, 1)
        self.m = nn.MaxPool2d(k, 1, k // 2)

    def forward(self, x):
        x = self.cv1(x)
        y1 = self.m(x)
        y2 = self.m(y1)
        return self.cv2(torch.cat((x, y1, y2, self.m(y2)), 1))


class YoloLike(nn.Module):
    def __init__(self, outputs=9):
        super().__init__()
        self.stem = nn.Sequential(Conv(3, 8, 3, 2), Conv(8, 16, 3, 2), C2f(16, 16))
        self.p3 = nn.Sequential(Conv(16, 32, 3, 2), C2f(32, 32))        # /8
        self.p4 = nn.Sequential(Conv(32, 48, 3, 2), C2f(48, 48))        # /16
        self.p5 = nn.Sequential(Conv(48, 64, 3, 2), C2f(64, 64), SPPF(64, 64))  # /32
        self.up = nn.Upsample(scale_factor=2, mode="nearest")
        self.td4, self.td3 = C2f(64 + 48, 48, shortcut=False), C2f(48 + 32, 32, shortcut=False)
        self.down3, self.bu4 = Conv(32, 32, 3, 2), C2f(32 + 48, 48, shortcut=False)
        self.down4, self.bu5 = Conv(48, 48, 3, 2), C2f(48 + 64, 64, shortcut=False)
        self.heads = nn.ModuleList(nn.Conv2d(c, outputs, 1) for c in (32, 48, 64))

    def forward(self, x):
        p3 = self.p3(self.stem(x))
        p4 = self.p4(p3)
        p5 = self.p5(p4)
        t4 = self.td4(torch.cat([self.up(p5), p4], 1))
        n3 = self.td3(torch.cat([self.up(t4), p3], 1))
        n4 = self.bu4(torch.cat([self.down3(n3), t4], 1))
        n5 = self.bu5(torch.cat([self.down4(n4), p5], 1))
        return torch.cat([h(f).flatten(2) for h, f in zip(self.heads, (n3, n4, n5))], 2)


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(YoloLike(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
