"""Hugging Face `transformers` Whisper encoder (WhisperEncoder: conv1d audio
front end on log-mel features, GELU, sinusoidal positions, pre-norm encoder). Built from a small config
with random weights (no download); `attn_implementation="eager"`. The wrapper returns
`last_hidden_state`.

    qcompile examples/archs/hf_whisper_encoder.py -o m.tflite --verify
"""

import torch
import transformers
from _common import hf_last_hidden, inputs

SHAPE, DTYPE = (1, 16, 32), torch.float32  # (batch, mel bins, frames = 2 x positions)


def model():
    config = transformers.WhisperConfig(num_mel_bins=16, d_model=32, encoder_layers=2,
                                        encoder_attention_heads=2, encoder_ffn_dim=64,
                                        decoder_layers=1, decoder_attention_heads=2,
                                        decoder_ffn_dim=64, max_source_positions=16,
                                        vocab_size=100, pad_token_id=0,
                                        attn_implementation="eager")
    return hf_last_hidden(lambda c: transformers.WhisperModel(c).get_encoder(), config)


example_inputs, calibration_data, verification_data = inputs(SHAPE, DTYPE)
