"""The real runtimes for tests: `compiler.runtimes` under the names tests import.

    from runtimes import run_onert, run_litert, onert_available, litert_available

See `compiler.runtimes` for the quirks it handles (onert's uint8 inputs, squeezed
output shapes and native error text; LiteRT's resolvers).
"""

from compiler.runtimes import (  # noqa: F401
    RESOLVERS,
    RuntimeRefused,
    captured_fd2,
    litert_available,
    onert_available,
    run_every_tensor,
    run_litert,
    run_onert,
    run_runtime,
)
