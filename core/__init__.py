"""segmenter's engine: pure numpy/pandas functions, no xlwings, no file I/O."""

from core.errors import SegmenterInputError

__all__ = ["SegmenterInputError"]
