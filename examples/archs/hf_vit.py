"""Hugging Face `transformers` ViT (ViTModel: patch embedding conv, class token and
position embedding parameters, pre-norm encoder, final layer norm). Built from a small config
with random weights (no download); `attn_implementation="eager"`. The wrapper returns
`last_hidden_state`.

    qcompile examples/archs/hf_vit.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 3, 32, 32), torch.float32


def model():
    config = transformers.ViTConfig(image_size=32, patch_size=8, num_channels=3, hidden_size=32,
                                    num_hidden_layers=2, num_attention_heads=2,
                                    intermediate_size=64, attn_implementation="eager")
    return hf_last_hidden(transformers.ViTModel, config, add_pooling_layer=False)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
