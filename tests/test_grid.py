"""Range shapes and Excel's current region."""

from core.grid import as_block, current_region


def test_as_block_handles_every_shape_xlwings_gives():
    assert as_block(None) == [[None]]
    assert as_block([]) == []
    assert as_block([1.0, "a"]) == [[1.0, "a"]]
    assert as_block(((1.0,), (2.0, 3.0))) == [[1.0, None], [2.0, 3.0]]


def test_current_region_stops_at_blank_rows_and_columns():
    grid = [["", "", "", ""], ["", "Account", "Revenue", ""], ["", "a", 1.0, ""], ["", "", "", ""], ["x", "", "", ""]]
    assert current_region(grid, 2, 2) == (1, 1, 2, 2)


def test_current_region_joins_diagonal_neighbours_like_excel():
    grid = [["a", None, None], [None, "b", None], [None, None, None]]
    assert current_region(grid, 0, 0) == (0, 0, 1, 1)


def test_current_region_of_an_empty_cell_is_the_cell():
    assert current_region([[None, None], [None, None]], 1, 1) == (1, 1, 1, 1)
