"""DenseNet and Inception structure in one network: a DenseNet stem (7x7 stride-2 conv,
3x3 max pool with padding), dense blocks (BN-ReLU-1x1-BN-ReLU-3x3, every layer's
output concatenated onto its input), transitions (1x1 conv, 2x2 average pool), then an
Inception-v1 module (1x1, 3x3, 5x5 and max-pool branches concatenated) and a 3x3 max pool
with ceil_mode (torchvision's GoogLeNet), and a 3x3 average pool with padding that does
not count the padding (Inception-v3's). Tiny widths, 64x64 inputs, random weights.

    qcompile examples/archs/densenet_inception.py -o d.tflite --verify
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 64, 64)


class DenseLayer(nn.Module):
    def __init__(self, cin, growth, bn_size=2):
        super().__init__()
        self.norm1, self.conv1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, bn_size * growth, 1, bias=False)
        self.norm2 = nn.BatchNorm2d(bn_size * growth)
        self.conv2 = nn.Conv2d(bn_size * growth, growth, 3, padding=1, bias=False)

    def forward(self, x):
        y = self.conv1(F.relu(self.norm1(x)))
        return torch.cat([x, self.conv2(F.relu(self.norm2(y)))], 1)


def dense_block(cin, layers, growth):
    return nn.Sequential(*[DenseLayer(cin + i * growth, growth) for i in range(layers)])


def transition(cin, cout):
    return nn.Sequential(nn.BatchNorm2d(cin), nn.ReLU(inplace=True), nn.Conv2d(cin, cout, 1, bias=False),
                         nn.AvgPool2d(2, 2))


def basic_conv(cin, cout, k, **kw):
    return nn.Sequential(nn.Conv2d(cin, cout, k, bias=False, **kw), nn.BatchNorm2d(cout, eps=1e-3),
                         nn.ReLU(inplace=True))


class Inception(nn.Module):
    def __init__(self, cin, c1, c3r, c3, c5r, c5, pool):
        super().__init__()
        self.b1 = basic_conv(cin, c1, 1)
        self.b2 = nn.Sequential(basic_conv(cin, c3r, 1), basic_conv(c3r, c3, 3, padding=1))
        self.b3 = nn.Sequential(basic_conv(cin, c5r, 1), basic_conv(c5r, c5, 5, padding=2))
        self.b4 = nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), basic_conv(cin, pool, 1))

    def forward(self, x):
        return torch.cat([self.b1(x), self.b2(x), self.b3(x), self.b4(x)], 1)


class DenseInception(nn.Module):
    def __init__(self, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 7, 2, 3, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1))
        self.dense = nn.Sequential(dense_block(16, 3, 8), transition(40, 20), dense_block(20, 3, 8),
                                   nn.BatchNorm2d(44), nn.ReLU(inplace=True))
        self.inception = Inception(44, 16, 12, 16, 4, 8, 8)
        self.pool = nn.MaxPool2d(3, 2, ceil_mode=True)
        self.branch_pool = basic_conv(48, 16, 1)

    def forward(self, x):
        x = self.pool(self.inception(self.dense(self.stem(x))))
        x = self.branch_pool(F.avg_pool2d(x, 3, 1, 1, count_include_pad=False))
        return torch.flatten(F.adaptive_avg_pool2d(x, 1), 1)


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(DenseInception(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
