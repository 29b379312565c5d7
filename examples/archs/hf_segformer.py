"""Hugging Face `transformers` SegFormer encoder (SegformerModel: overlapping patch
embeddings by strided conv, efficient self-attention with a strided-conv spatial
reduction of keys and values, Mix-FFN with a depthwise 3x3 conv between the linears,
hierarchical stages reshaped back to images). Built from a small config with random
weights (no download). The wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_segformer.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 3, 64, 64), torch.float32


def model():
    config = transformers.SegformerConfig(num_channels=3, num_encoder_blocks=2, depths=(1, 1),
                                          sr_ratios=(4, 2), hidden_sizes=(16, 32),
                                          patch_sizes=(7, 3), strides=(4, 2),
                                          num_attention_heads=(1, 2), mlp_ratios=(2, 2))
    return hf_last_hidden(transformers.SegformerModel, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
