"""The text of a delimited file, whatever encoding Excel or another program saved it in.

Tried in this order: a byte-order mark (UTF-8 with BOM, UTF-16 little or big endian, as Excel's
"Unicode text" and "CSV UTF-8" write them); UTF-16 without a BOM (every other byte zero); UTF-8;
Windows-1252 (cp1252, what Excel on a Western-European Windows writes for plain "CSV"). A file
that is none of these, or that holds NUL characters, is refused with what to do.
"""

from __future__ import annotations

import codecs

from core.errors import SegmenterInputError

SAVE_AS_UTF8 = "save it from Excel as 'CSV UTF-8 (Comma delimited)' and run again"


def detect_encoding(data: bytes, name: str) -> str:
    """The encoding of a file's bytes, as a Python codec name; the whole of a UTF-8 file is checked.

    >>> detect_encoding("Größe".encode("utf-8"), "a.csv"), detect_encoding("Größe".encode("cp1252"), "a.csv")
    ('utf-8', 'cp1252')
    >>> detect_encoding(codecs.BOM_UTF16_LE + "Müller;1,5".encode("utf-16-le"), "a.csv")
    'utf-16'
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    head = data[:4096]
    if len(head) >= 4 and min(head[0::2].count(0), head[1::2].count(0)) * 2 > len(head) // 2:
        # zeros in most even and most odd bytes: no UTF-16 text is that (a file of NUL bytes)
        raise SegmenterInputError(f"{name} holds binary data (NUL bytes), not text: {SAVE_AS_UTF8}")
    if len(head) >= 4 and head.count(0) * 3 >= len(head):
        # UTF-16 text of Latin script has a zero in every other byte: the odd ones (LE) or even (BE)
        return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
    if b"\x00" in data:
        raise SegmenterInputError(f"{name} holds binary data (NUL bytes), not text: {SAVE_AS_UTF8}")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def not_text(name: str, encoding: str) -> SegmenterInputError:
    """The refusal of a file whose bytes do not decode in the encoding they seemed to be in."""
    return SegmenterInputError(
        f"{name} is not text in UTF-8, UTF-16 or Windows-1252 ({encoding} failed): {SAVE_AS_UTF8}"
    )
