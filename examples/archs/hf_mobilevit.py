"""Hugging Face `transformers` MobileViT (MobileViTModel: MobileNetV2 inverted residuals
with SiLU, MobileViT blocks that unfold the feature map into patches, run a transformer
over them and fold them back, fuse with the input by concat and conv; batch-norm
statistics re-estimated). Built from a small config with random weights (no download);
`attn_implementation="eager"`. The wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_mobilevit.py -o m.tflite --verify
"""

import torch
import transformers
from _common import SEED, LastHiddenState, inputs, reestimate_batch_norm

SHAPE, DTYPE = (1, 3, 64, 64), torch.float32


def model():
    torch.manual_seed(SEED)
    config = transformers.MobileViTConfig(num_channels=3, image_size=64, patch_size=2,
                                          hidden_sizes=(16, 24, 32), neck_hidden_sizes=(8, 8, 16, 16, 24, 32, 64),
                                          num_attention_heads=2, mlp_ratio=2.0,
                                          expand_ratio=2.0, attn_implementation="eager")
    hf = transformers.MobileViTModel(config, expand_output=False)
    # the initializer draws batch-norm scales like weights (std 0.02): unit scales and
    # re-estimated statistics keep the activations from vanishing through depth
    for m in hf.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            torch.nn.init.ones_(m.weight)
    return reestimate_batch_norm(LastHiddenState(hf), (8, *SHAPE[1:]))


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
