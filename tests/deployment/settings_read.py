"""Which environment variables the code reads, and which an env file names.

Read from the source (not from a running process), so a setting read only on one path, or
only in production, is found too.
"""

import ast
import re
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent.parent
# Where settings are read: the settings module and everything the processes import.
SOURCE_ROOTS = ("config", "routing", "workflow", "feedback", "publishing", "reports", "project")
# env("X"), env.int("X") …, secret("X"), os.getenv("X"), os.environ.get("X"), env.ENVIRON.get("X")
READERS = {"env", "secret", "os.getenv", "os.environ.get", "env.ENVIRON.get"}
MAPPINGS = {"os.environ", "env.ENVIRON"}  # os.environ["X"]
NAME = re.compile(r"\b([A-Z][A-Z0-9_]*[A-Z0-9])=")


def _reads(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = ast.unparse(node.func)
        is_reader = func in READERS or (func.startswith("env.") and func.count(".") == 1)
        first = node.args[0] if node.args else None
        if is_reader and isinstance(first, ast.Constant) and isinstance(first.value, str):
            return first.value
    if (isinstance(node, ast.Subscript) and ast.unparse(node.value) in MAPPINGS
            and isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str)):
        return node.slice.value
    return None


def names_the_code_reads() -> dict[str, str]:
    """Each variable read, with the first file that reads it."""
    found: dict[str, str] = {}
    for root in SOURCE_ROOTS:
        for path in sorted((BASE_DIR / root).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                # environ.Env(DEBUG=(bool, False)) declares DEBUG's type and default.
                if isinstance(node, ast.Call) and ast.unparse(node.func) == "environ.Env":
                    for keyword in node.keywords:
                        found.setdefault(str(keyword.arg), path.relative_to(BASE_DIR).as_posix())
                name = _reads(node)
                if name:
                    found.setdefault(name, path.relative_to(BASE_DIR).as_posix())
    return found


def names_in_env_file(path: Path) -> set[str]:
    """Every NAME= on a line, set or commented out (several may share a commented line)."""
    names: set[str] = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        names.update(NAME.findall(line))
    return names


def values_in_env_file(path: Path) -> dict[str, str]:
    """The variables an env file sets (its uncommented NAME=value lines)."""
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value
    return values


def names_compose_interpolates() -> set[str]:
    """${NAME}, ${NAME:-default} and ${NAME:?message} in docker-compose.yml."""
    text = (BASE_DIR / "docker-compose.yml").read_text(encoding="utf-8")
    return set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
