"""Count not-available leaves in the bundled data: every {"not_available": "<reason>"} object.

usage: python tools/count_not_available.py [data-dir]   (default src/passive_ig/data)
"""

import collections
import json
import pathlib
import sys


def walk(value: object, name: str, per: collections.Counter[str]) -> None:
    if isinstance(value, dict):
        if set(value) == {"not_available"} and isinstance(value["not_available"], str):
            per[name] += 1
        for item in value.values():
            walk(item, name, per)
    elif isinstance(value, list):
        for item in value:
            walk(item, name, per)


def main() -> None:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src/passive_ig/data")
    per: collections.Counter[str] = collections.Counter()
    for path in sorted(root.glob("*.json")):
        walk(json.loads(path.read_text(encoding="utf-8")), path.name, per)
    for name, count in sorted(per.items()):
        print(f"{name:28} {count}")
    print("TOTAL", sum(per.values()))


if __name__ == "__main__":
    main()
