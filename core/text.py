"""Figures in words: the one way segmenter writes a share or a count inside a sentence.

Used by the concentration flags, the whale curve and the Overview's findings, so that a
sentence and the sheet that holds its figure round the same way.
"""

from __future__ import annotations


def pct(share: float, decimals: int = 1) -> str:
    """A fraction as a percentage with at most ``decimals`` decimals, trailing zeros dropped.

    Examples
    --------
    >>> pct(0.314), pct(0.8), pct(1.6667, 0), pct(-0.05)
    ('31.4 %', '80 %', '167 %', '-5 %')
    """
    text = f"{100 * share:.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{'0' if text == '-0' else text} %"


def plural(count: int, word: str) -> str:
    """``count`` and ``word``, with an s unless the count is one.

    Examples
    --------
    >>> plural(1, "account"), plural(1250, "account")
    ('1 account', '1,250 accounts')
    """
    return f"{count:,} {word}{'' if count == 1 else 's'}"
