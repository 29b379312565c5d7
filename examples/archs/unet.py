"""U-Net structure: double 3x3 Conv-BN-ReLU blocks, 2x2 max-pool downsampling,
ConvTranspose2d (kernel 2, stride 2) upsampling, skip connections concatenated with the
decoder's features, a 1x1 segmentation head. Three levels, tiny widths, 32x32 inputs,
random weights.

    qcompile examples/archs/unet.py -o u.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs, reestimate_batch_norm

SHAPE = (1, 3, 32, 32)


def double_conv(cin, cout):
    return nn.Sequential(nn.Conv2d(cin, cout, 3, padding=1, bias=False), nn.BatchNorm2d(cout),
                         nn.ReLU(inplace=True), nn.Conv2d(cout, cout, 3, padding=1, bias=False),
                         nn.BatchNorm2d(cout), nn.ReLU(inplace=True))


class Up(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.up = nn.ConvTranspose2d(cin, cin // 2, 2, stride=2)
        self.conv = double_conv(cin, cout)

    def forward(self, x, skip):
        return self.conv(torch.cat([skip, self.up(x)], dim=1))


class UNet(nn.Module):
    def __init__(self, classes=4, w=8):
        super().__init__()
        self.inc = double_conv(3, w)
        self.down = nn.ModuleList(nn.Sequential(nn.MaxPool2d(2), double_conv(w * 2**i, w * 2**(i + 1)))
                                  for i in range(3))
        self.up = nn.ModuleList(Up(w * 2**(i + 1), w * 2**i) for i in reversed(range(3)))
        self.outc = nn.Conv2d(w, classes, 1)

    def forward(self, x):
        skips = [self.inc(x)]
        for d in self.down:
            skips.append(d(skips[-1]))
        x = skips.pop()
        for u in self.up:
            x = u(x, skips.pop())
        return self.outc(x)


def model():
    torch.manual_seed(SEED)
    return reestimate_batch_norm(UNet(), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE)
