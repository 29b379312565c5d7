"""A ResNet-style CNN (basic blocks with projection shortcuts), random weights.

    qcompile examples/resnet.py -o resnet.circle
    qcompile examples/resnet.py -o resnet.tflite --scheme int16 --verify

The structure is ResNet-18's (7x7 stem, max pool, four stages of basic blocks) at
quarter width, on 64x64 inputs.
"""

import torch
import torch.nn as nn

SEED = 0


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        # one ReLU module per use: quantizers that match module partitions
        # (X86InductorQuantizer) refuse a module called twice
        self.relu1 = nn.ReLU()
        self.relu2 = nn.ReLU()
        self.shortcut = nn.Identity()
        if stride != 1 or cin != cout:
            self.shortcut = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.relu1(self.bn1(self.conv1(x)))
        y = self.bn2(self.conv2(y))
        return self.relu2(y + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, classes: int = 10, widths=(16, 32, 64, 128), blocks=(2, 2, 2, 2)):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, widths[0], 7, 2, 3, bias=False),
                                  nn.BatchNorm2d(widths[0]), nn.ReLU(),
                                  nn.MaxPool2d(3, 2, 1))
        layers, cin = [], widths[0]
        for i, (w, n) in enumerate(zip(widths, blocks)):
            for j in range(n):
                layers.append(BasicBlock(cin, w, 2 if (j == 0 and i > 0) else 1))
                cin = w
        self.layers = nn.Sequential(*layers)
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(cin, classes)

    def forward(self, x):
        return self.fc(torch.flatten(self.pool(self.layers(self.stem(x))), 1))


def model() -> nn.Module:
    torch.manual_seed(SEED)
    m = ResNet()
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm2d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 1.5)
    return m.eval()


def example_inputs():
    return (torch.randn(1, 3, 64, 64, generator=torch.Generator().manual_seed(SEED)),)


def calibration_data():
    g = torch.Generator().manual_seed(SEED + 1)
    return [(torch.randn(1, 3, 64, 64, generator=g),) for _ in range(9)]
