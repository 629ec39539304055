"""What every benchmark does with its table: print it, and append it to a Markdown file."""

from __future__ import annotations


def emit(lines: list[str], out: str | None) -> None:
    """Print the table's lines; with `out`, append them to that file after a blank line."""
    text = "\n".join(lines) + "\n"
    print(text)
    if out:
        with open(out, "a", encoding="utf-8") as fh:
            fh.write("\n" + text)
