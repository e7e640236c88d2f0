"""Text that goes into an exported cell: printable, and never a formula.

An enterprise or agent name is typed by a person; in a spreadsheet a cell starting with "=",
"+", "-" or "@" is a formula (CSV injection), and a control character or a bidirectional
override breaks the file or hides what the text says. The API refuses such input; this is
the second line, for what was stored before it did.
"""

import re

# C0 controls but tab and newlines, DEL, and the bidirectional embeddings and isolates.
UNPRINTABLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def printable(text: str) -> str:
    """``text`` without the characters that break a file or hide its reading order."""
    return UNPRINTABLE.sub("", text)


def csv_text(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: printable, a formula start quoted with "'"."""
    clean = printable(text)
    return "'" + clean if clean.startswith(FORMULA_START) else clean
