"""The README is a front door and the docs stay true to the code: the README under 150 lines
with both set-up commands near the top, every relative link resolving, the command-line
reference generated from the CLI (stale: this fails), and `.ci/run` calling the README's test
command."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted((ROOT / "docs").glob("*.md"))
GENERATE = [str(Path(sys.executable).with_name("typer")), "dashboard.cli", "utils", "docs",
            "--name", "labordash"]  # fmt: skip


def test_the_readme_is_a_front_door():
    lines = (ROOT / "README.md").read_text("utf-8").splitlines()
    assert len(lines) < 150
    top = "\n".join(lines[:60])
    assert "labordash run" in top and "python -m pytest" in top  # the two set-up commands
    for question in ("Industrial dependence", "Guns versus butter", "Russia's regions"):
        assert question in top


def test_every_relative_link_resolves():
    for doc in [ROOT / "README.md", *DOCS]:
        for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", doc.read_text("utf-8")):
            assert (doc.parent / target).exists(), (doc.name, target)


def test_the_command_line_reference_is_generated_from_the_cli():
    out = subprocess.run(GENERATE, capture_output=True, text=True, cwd=ROOT, check=True).stdout
    kept = (ROOT / "docs" / "cli-reference.md").read_text("utf-8")
    assert out.strip() == kept.strip(), (
        "docs/cli-reference.md is stale: run `typer dashboard.cli utils docs --name labordash "
        "--output docs/cli-reference.md`"
    )


def test_ci_runs_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text("utf-8")
    blocks = re.findall(r"```bash\n(.*?)```", readme, re.S)  # the set-up commands
    command = next(line for b in blocks for line in b.splitlines() if "python -m pytest" in line)
    assert command in (ROOT / ".ci" / "run").read_text("utf-8")


def test_every_help_text_is_shown_whole():
    """Typer's rich help drops text in square brackets (a style tag to Rich) and keeps the line
    breaks of a docstring's later paragraphs: each command's help says all it is written to."""
    import inspect

    from dashboard.cli import app

    for command in app.registered_commands:
        doc = inspect.getdoc(command.callback) or ""
        assert "[" not in doc, f"{command.callback.__name__}: Rich would drop {doc!r}"
        assert "\n\n" not in doc, f"{command.callback.__name__}: one paragraph"
