"""The README's and docs' CI snippets work as written.

mailcheck-qa is not published yet, so no snippet may install it by name from the package index;
the example workflow the README links to exists, and its mailcheck step passes here.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
WORKFLOW = REPO / ".github" / "workflows" / "campaigns.yml"
DOCS = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
# "pip install mailcheck-qa" or "…mailcheck-qa[postgres]" with no "@ <url>": the index has none
FROM_THE_INDEX = re.compile(r"""pip install ['"]?mailcheck-qa(\[\w+\])?['"]?(?!\S*\s*@)""")


def test_no_snippet_installs_the_unpublished_package_from_the_index() -> None:
    offending = [
        f"{path.relative_to(REPO)}:{number}: {line.strip()}"
        for path in DOCS
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if FROM_THE_INDEX.search(line)
    ]
    assert offending == []


def test_readme_links_the_example_workflow() -> None:
    assert "(.github/workflows/campaigns.yml)" in (REPO / "README.md").read_text(encoding="utf-8")
    assert WORKFLOW.is_file()


def test_example_workflow_installs_from_the_repository_and_its_check_passes() -> None:
    workflow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = workflow["jobs"]["mailcheck"]["steps"]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs[0] == "pip install ."  # this checkout: a local path, not the index
    checks = [run for run in runs if run.startswith("mailcheck ")]
    assert checks == ["mailcheck check --format github examples/black-friday-ru"]
    for command in checks:
        proc = subprocess.run(
            [sys.executable, "-m", "mailcheck", *command.split()[1:]],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
