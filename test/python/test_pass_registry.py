"""The pass registry (`compiler.transforms.PASSES`) lists exactly the passes defined in
`compiler/transforms/*.py`, each under its own `name`."""

import importlib
import inspect
import pkgutil

from xdsl.passes import ModulePass

import compiler.transforms as transforms


def _defined_passes() -> dict[str, type[ModulePass]]:
    found = {}
    for info in pkgutil.iter_modules(transforms.__path__):
        if info.ispkg:
            continue
        module = importlib.import_module(f"{transforms.__name__}.{info.name}")
        for value in vars(module).values():
            if (inspect.isclass(value) and issubclass(value, ModulePass)
                    and value.__module__ == module.__name__):
                found[value.name] = value
    return found


def test_registry_matches_the_pass_files():
    defined = _defined_passes()
    assert set(transforms.PASSES) == set(defined)
    for name, factory in transforms.get_all_passes().items():
        assert factory() is defined[name]
        assert factory().name == name
