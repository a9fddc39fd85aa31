"""Vietnamese first: the `vi` catalogue covers every string in the source, none fuzzy."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("config", "routing", "workflow", "feedback", "publishing", "reports", "project",
               "templates")


def parse_po(text: str) -> list[dict]:
    """Entries of a PO file: msgid, msgid_plural, msgstr (all forms joined) and flags."""
    entries, current, field = [], None, None

    def unquote(s: str) -> str:
        return s.strip()[1:-1].encode("raw_unicode_escape").decode("unicode_escape")

    for line in text.splitlines() + [""]:
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"flags": "", "msgid": "", "msgid_plural": "", "msgstr": [],
                       "obsolete": False}
        if line.startswith("#~"):
            current["obsolete"] = True
        elif line.startswith("#,"):
            current["flags"] += line[2:]
        elif line.startswith("#"):
            continue
        elif m := re.match(r"(msgid_plural|msgid|msgctxt|msgstr(?:\[\d+\])?) (\".*\")$", line):
            field = m.group(1)
            if field.startswith("msgstr"):
                current["msgstr"].append(unquote(m.group(2)))
            elif field != "msgctxt":
                current[field] = unquote(m.group(2))
        elif line.startswith('"') and field:
            if field.startswith("msgstr"):
                current["msgstr"][-1] += unquote(line)
            elif field != "msgctxt":
                current[field] += unquote(line)
    return [e for e in entries if e["msgid"] and not e["obsolete"]]


@pytest.fixture(scope="module")
def fresh_catalogue(tmp_path_factory) -> list[dict]:
    """The vi catalogue after merging every string the source has today."""
    work = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_DIRS:
        if (ROOT / name).exists():
            shutil.copytree(ROOT / name, work / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "locale", work / "locale")
    for name in ("manage.py", ".env"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, work / name)
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "vi", "--no-obsolete", "-v", "0"],
        cwd=work, check=True, capture_output=True,
    )
    return parse_po((work / "locale/vi/LC_MESSAGES/django.po").read_text(encoding="utf-8"))


def test_every_source_string_has_a_vietnamese_translation(fresh_catalogue):
    missing = [e["msgid"] for e in fresh_catalogue if not all(e["msgstr"])]
    assert missing == []


def test_no_vietnamese_translation_is_fuzzy(fresh_catalogue):
    fuzzy = [e["msgid"] for e in fresh_catalogue if "fuzzy" in e["flags"]]
    assert fuzzy == []


def test_placeholders_survive_translation(fresh_catalogue):
    pattern = re.compile(r"%\(\w+\)[sd]")
    broken = [
        e["msgid"] for e in fresh_catalogue
        if sorted(pattern.findall(e["msgid"])) != sorted(pattern.findall(e["msgstr"][0]))
    ]
    assert broken == []
