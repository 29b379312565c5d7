"""Hugging Face `transformers` Wav2Vec2 (Wav2Vec2Model on raw audio: a strided conv1d
feature encoder with GroupNorm on the first layer and GELU, feature projection with
LayerNorm, a grouped positional conv1d with weight norm, post-norm encoder). Built from
a small config with random weights (no download); `attn_implementation="eager"`. The
wrapper returns `last_hidden_state`.

    qcompile examples/archs/hf_wav2vec2.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 400), torch.float32  # raw audio samples


def model():
    config = transformers.Wav2Vec2Config(hidden_size=32, num_hidden_layers=2,
                                         num_attention_heads=2, intermediate_size=64,
                                         conv_dim=(16, 16, 16), conv_stride=(5, 2, 2),
                                         conv_kernel=(10, 3, 3), num_conv_pos_embeddings=8,
                                         num_conv_pos_embedding_groups=4,
                                         feat_extract_norm="group", do_stable_layer_norm=False,
                                         mask_time_prob=0.0, attn_implementation="eager")
    return hf_last_hidden(transformers.Wav2Vec2Model, config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
