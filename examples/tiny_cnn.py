"""The smallest interesting model: conv + ReLU + linear. The README walks through its
stages: `qcompile examples/tiny_cnn.py -o tiny.circle --dump-dir tiny-ir`."""

import torch
import torch.nn as nn


class TinyCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3, padding=1)
        self.fc = nn.Linear(2 * 4 * 4, 3)

    def forward(self, x):
        return self.fc(torch.flatten(torch.relu(self.conv(x)), 1))


def model():
    torch.manual_seed(0)
    return TinyCNN()


def example_inputs():
    return (torch.randn(1, 1, 4, 4, generator=torch.Generator().manual_seed(0)),)


def calibration_data():
    g = torch.Generator().manual_seed(1)
    return [(torch.randn(1, 1, 4, 4, generator=g),) for _ in range(5)]
