"""Swin Transformer structure (torchvision's swin_t): patch embedding, windowed
multi-head self-attention with a relative position bias, alternate blocks shifted by
half a window (`torch.roll`) with the attention mask built by `new_zeros`, slice
assignment (`fill_`) and comparisons, patch merging, stochastic depth (identity in
eval). Tiny widths, 32x32 inputs, random weights.

    qcompile examples/archs/swin.py -o s.tflite --verify
"""

import torch
import torch.nn as nn
import torch.nn.functional as F
from _common import SEED, inputs

SHAPE = (1, 3, 32, 32)
WINDOW, SHIFT = 4, 2


def shifted_window_attention(x, qkv_weight, proj_weight, bias, window, heads, shift,
                             qkv_bias, proj_bias):
    """torchvision.models.swin_transformer.shifted_window_attention (no padding needed:
    the feature maps are multiples of the window)."""
    b, h, w, c = x.shape
    if shift > 0:
        x = torch.roll(x, shifts=(-shift, -shift), dims=(1, 2))
    x = x.view(b, h // window, window, w // window, window, c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b * (h // window) * (w // window), window * window, c)
    qkv = F.linear(x, qkv_weight, qkv_bias)
    qkv = qkv.reshape(x.size(0), x.size(1), 3, heads, c // heads).permute(2, 0, 3, 1, 4)
    q, k, v = qkv[0], qkv[1], qkv[2]
    q = q * (c // heads) ** -0.5
    attn = q.matmul(k.transpose(-2, -1))
    attn = attn + bias
    if shift > 0:
        attn_mask = x.new_zeros((h, w))
        slices = ((0, -window), (-window, -shift), (-shift, None))
        count = 0
        for hs in slices:
            for ws in slices:
                attn_mask[hs[0]:hs[1], ws[0]:ws[1]] = count
                count += 1
        attn_mask = attn_mask.view(h // window, window, w // window, window)
        attn_mask = attn_mask.permute(0, 2, 1, 3).reshape(-1, window * window)
        attn_mask = attn_mask.unsqueeze(1) - attn_mask.unsqueeze(2)
        attn_mask = attn_mask.masked_fill(attn_mask != 0, -100.0).masked_fill(attn_mask == 0, 0.0)
        attn = attn.view(x.size(0) // attn_mask.size(0), attn_mask.size(0), heads, x.size(1), x.size(1))
        attn = attn + attn_mask.unsqueeze(1).unsqueeze(0)
        attn = attn.view(-1, heads, x.size(1), x.size(1))
    attn = F.softmax(attn, dim=-1)
    x = attn.matmul(v).transpose(1, 2).reshape(x.size(0), x.size(1), c)
    x = F.linear(x, proj_weight, proj_bias)
    x = x.view(b, h // window, w // window, window, window, c)
    x = x.permute(0, 1, 3, 2, 4, 5).reshape(b, h, w, c)
    if shift > 0:
        x = torch.roll(x, shifts=(shift, shift), dims=(1, 2))
    return x


class ShiftedWindowAttention(nn.Module):
    def __init__(self, dim, heads, shift):
        super().__init__()
        self.heads, self.shift = heads, shift
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)
        self.relative_position_bias_table = nn.Parameter(
            torch.randn((2 * WINDOW - 1) ** 2, heads) * 0.02)
        coords = torch.stack(torch.meshgrid(torch.arange(WINDOW), torch.arange(WINDOW), indexing="ij"))
        flat = torch.flatten(coords, 1)
        rel = (flat[:, :, None] - flat[:, None, :]).permute(1, 2, 0).contiguous()
        rel[:, :, 0] += WINDOW - 1
        rel[:, :, 1] += WINDOW - 1
        rel[:, :, 0] *= 2 * WINDOW - 1
        self.register_buffer("relative_position_index", rel.sum(-1).flatten())

    def get_relative_position_bias(self):
        n = WINDOW * WINDOW
        bias = self.relative_position_bias_table[self.relative_position_index]
        return bias.view(n, n, -1).permute(2, 0, 1).contiguous().unsqueeze(0)

    def forward(self, x):
        return shifted_window_attention(x, self.qkv.weight, self.proj.weight,
                                        self.get_relative_position_bias(), WINDOW, self.heads,
                                        self.shift, self.qkv.bias, self.proj.bias)


class SwinBlock(nn.Module):
    def __init__(self, dim, heads, shift):
        super().__init__()
        self.norm1 = nn.LayerNorm(dim)
        self.attn = ShiftedWindowAttention(dim, heads, shift)
        self.norm2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 2 * dim), nn.GELU(), nn.Dropout(0.0),
                                 nn.Linear(2 * dim, dim), nn.Dropout(0.0))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchMerging(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.reduction = nn.Linear(4 * dim, 2 * dim, bias=False)
        self.norm = nn.LayerNorm(4 * dim)

    def forward(self, x):
        x0, x1 = x[..., 0::2, 0::2, :], x[..., 1::2, 0::2, :]
        x2, x3 = x[..., 0::2, 1::2, :], x[..., 1::2, 1::2, :]
        return self.reduction(self.norm(torch.cat([x0, x1, x2, x3], -1)))


class SwinTransformer(nn.Module):
    def __init__(self, dim=16, heads=(2, 4), classes=10):
        super().__init__()
        self.patch = nn.Sequential(nn.Conv2d(3, dim, 4, 4))
        self.patch_norm = nn.LayerNorm(dim)
        self.stage1 = nn.Sequential(SwinBlock(dim, heads[0], 0), SwinBlock(dim, heads[0], SHIFT))
        self.merge = PatchMerging(dim)
        self.stage2 = nn.Sequential(SwinBlock(2 * dim, heads[1], 0))
        self.norm = nn.LayerNorm(2 * dim)
        self.head = nn.Linear(2 * dim, classes)

    def forward(self, x):
        x = self.patch_norm(self.patch(x).permute(0, 2, 3, 1))
        x = self.norm(self.stage2(self.merge(self.stage1(x))))
        return self.head(x.mean(dim=(1, 2)))


def model():
    torch.manual_seed(SEED)
    return SwinTransformer().eval()


example_inputs, calibration_data, verification_data = inputs(SHAPE)
