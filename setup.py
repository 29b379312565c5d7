"""The package list, discovered rather than written by hand (everything else is in
pyproject.toml): every package under `compiler/`, plus `tools/` installed as
`compiler.tools`, so that site-packages gets no top-level `tools` package. pyproject.toml
alone cannot express "discovered packages plus one mapped directory"."""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["compiler", "compiler.*"]), "compiler.tools"],
    package_dir={"compiler.tools": "tools"},
)
