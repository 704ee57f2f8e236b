"""The package's imports point down: a test over the source, not a convention.

Every module has a layer; an import (at module level or inside a function, but not
under ``if TYPE_CHECKING:``, which never runs) may only reach a module of its own
layer or below. The few hooks that reach up, each one late-bound line in the way
``__repr__`` is a hook, are listed here by name; there is no other way up, and so
no import cycle inside the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import passive_ig

SOURCE = Path(passive_ig.__file__).parent

# lowest first; a module's layer is that of its longest matching name
LAYERS: dict[str, int] = {
    # values every module may use
    "_version": 0,
    "_values": 0,
    "errors": 0,
    # input cleaning, and the one strict converter (the model's to_dict/from_dict
    # use it, and it knows the model only by the types it is handed)
    "codes": 1,
    "_converter": 1,
    # the model: what the data holds, what you send, what you get back
    "records": 2,
    "claims": 2,
    "answers": 2,
    # bytes to records, records to outputs, claims files to claims, pure helpers
    "_fastload": 3,
    "_integrity": 3,
    "render": 3,
    "readers": 3,
    "batch": 3,  # what a batch of read claims gives back, for the renderers
    "units": 3,
    # the verbs over a data set
    "rules": 4,
    "guide": 4,
    # the registry: the data set and the front door that composes the verbs
    "registry": 5,
    # adapters over the registry
    "schema": 6,
    "frames": 6,
    "accessors": 6,
    "checks": 6,  # deprecated re-exports
    "display": 6,  # deprecated re-exports
    "compiled": 6,
    # the command line and the package's lazy face
    "cli": 7,
    "__main__": 7,
    "": 7,  # passive_ig/__init__.py
}

# The declared hooks up: a model object renders itself in a notebook.
HOOKS = {
    ("records", "render.html"),  # Record._repr_html_
    ("_values", "render.html"),  # NotAvailable._repr_html_
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _layer(module: str) -> int:
    best = max((name for name in LAYERS if _belongs(module, name)), key=len, default=None)
    assert best is not None, f"passive_ig.{module} has no layer: give it one in LAYERS"
    return LAYERS[best]


def _belongs(module: str, name: str) -> bool:
    return name == "" or module == name or module.startswith(name + ".")


def _type_only(tree: ast.AST) -> set[int]:
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped.update(id(inner) for inner in ast.walk(node))
    return skipped


def _imports(module: str, path: Path, known: set[str]) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = _type_only(tree)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".") if package else []
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            elif (node.module or "").startswith("passive_ig"):
                target = node.module.removeprefix("passive_ig").lstrip(".")  # type: ignore[union-attr]
            else:
                continue
            names = [f"{target}.{a.name}".lstrip(".") for a in node.names]
            found.update(name for name in names if name in known)
            if node.module and target in known:
                found.add(target)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("passive_ig."):
                    name = alias.name.removeprefix("passive_ig.")
                    if name in known:
                        found.add(name)
    found.discard(module)
    return found


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    known = set(modules)
    return {name: _imports(name, path, known) for name, path in modules.items()}


def test_every_import_points_down_or_is_a_declared_hook() -> None:
    upward = []
    for module, targets in sorted(_graph().items()):
        for target in sorted(targets):
            if _layer(target) > _layer(module) and (module, target) not in HOOKS:
                upward.append(f"passive_ig.{module} imports passive_ig.{target}")
    assert upward == []


def test_there_is_no_import_cycle_but_through_the_hooks() -> None:
    graph = {m: {t for t in ts if (m, t) not in HOOKS} for m, ts in _graph().items()}
    cycles = []
    state: dict[str, int] = {}  # 1 on the path, 2 done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                cycles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert cycles == []


def test_the_hooks_are_still_there() -> None:
    # a hook that is gone should leave this list, so that it never excuses a new edge
    graph = _graph()
    for module, target in HOOKS:
        assert target in graph[module], (module, target)


def test_the_layers_name_only_modules_that_exist() -> None:
    modules = set(_graph())
    for name in LAYERS:
        if name == "":
            continue
        assert any(_belongs(module, name) for module in modules), name
