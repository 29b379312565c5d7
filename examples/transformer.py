"""A small transformer encoder (pre-norm: layer norm, multi-head self-attention, GELU
MLP, residuals) over a sequence of embeddings, with a classification head.

    qcompile examples/transformer.py -o transformer.tflite --verify
    qcompile examples/transformer.py -o transformer.circle --scheme int16

Layer norm is decomposed before quantization (`compiler.frontend.decompose`), so each
of its steps is calibrated.
"""

import torch
import torch.nn as nn
import torch.nn.functional as F

SEED = 0
SEQ, DIM, HEADS, LAYERS = 16, 32, 4, 2


class EncoderLayer(nn.Module):
    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.heads = heads
        self.norm1 = nn.LayerNorm(dim)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.norm2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, 4 * dim)
        self.fc2 = nn.Linear(4 * dim, dim)

    def forward(self, x):
        b, n, d = x.shape
        h = self.heads
        q, k, v = self.qkv(self.norm1(x)).reshape(b, n, 3, h, d // h).permute(2, 0, 3, 1, 4)
        att = torch.softmax(torch.matmul(q, k.transpose(-2, -1)) * (d // h) ** -0.5, dim=-1)
        x = x + self.proj(torch.matmul(att, v).transpose(1, 2).reshape(b, n, d))
        return x + self.fc2(F.gelu(self.fc1(self.norm2(x))))


class Encoder(nn.Module):
    def __init__(self, classes: int = 10):
        super().__init__()
        self.pos = nn.Parameter(torch.randn(1, SEQ, DIM) * 0.1)
        self.layers = nn.Sequential(*[EncoderLayer(DIM, HEADS) for _ in range(LAYERS)])
        self.norm = nn.LayerNorm(DIM)
        self.head = nn.Linear(DIM, classes)

    def forward(self, x):
        y = self.norm(self.layers(x + self.pos))
        return self.head(y.mean(dim=1))


def model() -> nn.Module:
    torch.manual_seed(SEED)
    return Encoder().eval()


def example_inputs():
    return (torch.randn(1, SEQ, DIM, generator=torch.Generator().manual_seed(SEED)),)


def calibration_data():
    g = torch.Generator().manual_seed(SEED + 1)
    return [(torch.randn(1, SEQ, DIM, generator=g),) for _ in range(9)]
