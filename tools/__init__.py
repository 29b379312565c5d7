"""Command-line drivers, installed as the package `compiler.tools` (see pyproject.toml)
so that no top-level package named `tools` lands in site-packages."""
