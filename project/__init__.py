"""Project-level tooling that sees every app: the demo province and the benchmark.

No app imports this package (an import contract in pyproject.toml says so); it imports them all.
"""
