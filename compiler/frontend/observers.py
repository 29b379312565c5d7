"""Observers `CircleQuantizer` adds to torchao's.

`FiniteMinMaxObserver`: a `MinMaxObserver` that ignores infinite (and NaN) values.
`masked_fill(x, mask, -inf)` and `torch.where(mask, x, -inf)` put -inf into a tensor
whose scale is shared with `x`; a plain MinMaxObserver then computes an infinite scale
and the whole group becomes unusable. No quantized type represents -inf anyway:
`quantize_per_tensor` saturates it to the lowest integer, and so does the compiled
model (the fill constant is quantized with the same parameters). Ignoring non-finite
values therefore changes nothing but the broken case. Finite fills such as -1e4 are
observed like any value (PT2E has no way to tell a fill from data): the range then
spans them, as in any PT2E backend.
"""

from __future__ import annotations

import torch
from torchao.quantization.pt2e import MinMaxObserver


class FiniteMinMaxObserver(MinMaxObserver):
    """MinMaxObserver over the finite values of each observed tensor."""

    def forward(self, x_orig: torch.Tensor) -> torch.Tensor:
        if x_orig.numel() == 0:
            return x_orig
        x = x_orig.detach()
        finite = x[torch.isfinite(x)]
        if finite.numel():
            super().forward(finite)
        return x_orig
