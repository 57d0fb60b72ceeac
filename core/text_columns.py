"""Figures in words a column at a time: value for value the text of Python's ``f"{x:,.0f}"``,
``f"{x:.2f}"`` or ``f"{x:.1%}"``, made with numpy array arithmetic instead of one format call per value.

The call list of a million accounts (:mod:`core.actions`) writes some 370,000 amounts and shares
into its reasons; one Python format call each took about a second. Here the digits are cut out of
whole numbers by division, and the text is the Python format's, character for character:

* the value times ``10**decimals`` is rounded half to even (``np.rint``), as Python rounds the exact
  binary value. That product is itself rounded once; where it lies within that round-off of a half
  (it may have crossed it), or past :data:`LIMIT`, or is NaN or infinite, Python formats the value;
* the sign is the float's sign bit, as in Python (``-0.0`` and ``-0.4`` give ``-0``).

Python's ``%`` format multiplies by 100 first (one float product) and formats that with ``f``:
:func:`percent` does the same.
"""

from __future__ import annotations

import numpy as np

#: Scaled values below it round to whole numbers that an int64 and a float both hold exactly.
LIMIT = 1e15
#: Values written per pass: the matrices of one pass stay small and in the processor's cache
#: (400,000 amounts: 130 ms in one pass, 85 ms in passes of 16,384).
CHUNK = 16_384


def fixed(values, decimals: int = 0, commas: bool = False) -> np.ndarray:
    """``f"{v:,.{decimals}f}"`` (``commas``) or ``f"{v:.{decimals}f}"`` of each value, as an object
    array of str.

    Examples
    --------
    >>> fixed([1234567.5, 2.5, -0.4, 999.0], commas=True).tolist()
    ['1,234,568', '2', '-0', '999']
    >>> fixed([0.125, 0.005, -1234.5678, float("nan")], 2, commas=True).tolist()
    ['0.12', '0.01', '-1,234.57', 'nan']
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(over="ignore"):  # past the largest float: inf, formatted by Python
        scaled = np.abs(values) * 10.0**decimals
    exact = np.isfinite(scaled) & (scaled < LIMIT)
    scaled = np.where(exact, scaled, 0.0)
    if decimals:
        # the product carries at most half a unit in its last place (2**-53 of it); a half that
        # close may lie on either side of the exact value
        exact &= np.abs(scaled - np.floor(scaled) - 0.5) > scaled * 2.0**-50
    units, negative = np.rint(scaled).astype(np.int64), np.signbit(values)
    text = np.empty(len(values), dtype=object)
    for start in range(0, len(values), CHUNK):
        part = slice(start, start + CHUNK)
        text[part] = _digits(units[part], decimals, commas, negative[part])
    odd = np.flatnonzero(~exact)
    if odd.size:
        spec = f"{',' if commas else ''}.{decimals}f"
        text[odd] = [format(v, spec) for v in values[odd].tolist()]
    return text


def percent(values, decimals: int = 1) -> np.ndarray:
    """``f"{v:.{decimals}%}"`` of each value, as an object array of str.

    Examples
    --------
    >>> percent([0.0495, 0.25, -0.0004, 0.0005]).tolist()
    ['5.0%', '25.0%', '-0.0%', '0.1%']
    """
    with np.errstate(over="ignore"):  # Python's product overflows to inf alike
        hundredfold = np.asarray(values, dtype=float) * 100
    return fixed(hundredfold, decimals) + "%"


def _digits(units: np.ndarray, decimals: int, commas: bool, negative: np.ndarray) -> np.ndarray:
    """The text of whole numbers ``units`` (0 <= units < LIMIT) read with ``decimals`` decimals.

    The characters go right to left into a matrix of code points, one column each: the decimals, the
    point, the digits with a comma before each group of three, the sign. Each row is then read back
    from its last character, and the matrix read as fixed-width text (numpy drops the trailing zeros).
    """
    n = len(units)
    if not n:
        return np.empty(0, dtype=object)
    whole = units // 10**decimals
    places = len(str(int(whole.max())))
    count = np.ones(n, dtype=np.int64)  # digits of the whole part, at least one ("0.12")
    for place in range(1, places):
        count += whole >= 10**place
    width = decimals + (decimals > 0) + places + ((places - 1) // 3 if commas else 0) + 1
    cells = np.zeros(n * width + 1, dtype=np.uint32)  # the last cell stays empty: what rows are padded with
    backwards = cells[:-1].reshape(n, width)
    column = 0
    rest = units
    for place in range(decimals + places):
        if place == decimals and decimals:
            backwards[:, column] = ord(".")
            column += 1
        elif commas and place > decimals and (place - decimals) % 3 == 0:
            backwards[:, column] = ord(",")
            column += 1
        rest, digit = np.divmod(rest, 10)
        backwards[:, column] = digit + ord("0")
        column += 1
    length = decimals + (decimals > 0) + count + ((count - 1) // 3 if commas else 0)
    backwards[np.flatnonzero(negative), length[negative]] = ord("-")
    length += negative
    at = length[:, None] - 1 - np.arange(width)
    forwards = cells.take(np.where(at >= 0, at + np.arange(0, n * width, width)[:, None], n * width))
    return forwards.view(f"U{width}")[:, 0].astype(object)
