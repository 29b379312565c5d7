"""This project's dialects: `quant` (types and casts), `aten` (imported ATen ops),
`circle` (Circle builtins, NHWC). `circle_base` holds the circle op base class."""
