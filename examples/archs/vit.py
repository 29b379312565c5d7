"""Vision Transformer structure (torchvision's VisionTransformer): patchify conv, class
token (a parameter `expand`ed to the batch), position embedding (a parameter added),
pre-norm encoder blocks with nn.MultiheadAttention and a GELU MLP, head on the class
token. Tiny widths, 32x32 inputs, random weights.

    qcompile examples/archs/vit.py -o v.tflite --verify
"""

import torch
import torch.nn as nn
from _common import SEED, inputs

SHAPE = (1, 3, 32, 32)
PATCH, DIM, HEADS, LAYERS = 8, 32, 2, 2


class EncoderBlock(nn.Module):
    def __init__(self, dim, heads, mlp_dim):
        super().__init__()
        self.ln_1 = nn.LayerNorm(dim, eps=1e-6)
        self.self_attention = nn.MultiheadAttention(dim, heads, dropout=0.0, batch_first=True)
        self.dropout = nn.Dropout(0.0)
        self.ln_2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, mlp_dim), nn.GELU(), nn.Dropout(0.0),
                                 nn.Linear(mlp_dim, dim), nn.Dropout(0.0))

    def forward(self, inp):
        x = self.ln_1(inp)
        x, _ = self.self_attention(x, x, x, need_weights=False)
        x = self.dropout(x) + inp
        return x + self.mlp(self.ln_2(x))


class VisionTransformer(nn.Module):
    def __init__(self, image=32, classes=10):
        super().__init__()
        self.conv_proj = nn.Conv2d(3, DIM, PATCH, PATCH)
        seq = (image // PATCH) ** 2 + 1
        self.class_token = nn.Parameter(torch.zeros(1, 1, DIM))
        self.pos_embedding = nn.Parameter(torch.empty(1, seq, DIM).normal_(std=0.02))
        self.layers = nn.Sequential(*[EncoderBlock(DIM, HEADS, 2 * DIM) for _ in range(LAYERS)])
        self.ln = nn.LayerNorm(DIM, eps=1e-6)
        self.heads = nn.Linear(DIM, classes)

    def forward(self, x):
        n = x.shape[0]
        x = self.conv_proj(x).reshape(n, DIM, -1).permute(0, 2, 1)
        x = torch.cat([self.class_token.expand(n, -1, -1), x], dim=1)
        x = self.ln(self.layers(x + self.pos_embedding))
        return self.heads(x[:, 0])


def model():
    torch.manual_seed(SEED)
    m = VisionTransformer()
    nn.init.normal_(m.class_token, std=0.5)
    return m.eval()


example_inputs, calibration_data, verification_data = inputs(SHAPE)
