"""Issue 24's end-to-end target as one ratio: segmenter's CSV -> report workbook against pyarrow and
rust_xlsxwriter reading the same CSV and dumping it once to one sheet, in the same run.

The input is ``n`` accounts of six columns (Account, Revenue, Profit, NPS, Industry, Region; NPS
answered by 40 %), written once as CSV. Then, each in a fresh process (so the peak memory is the
run's own), alternating so that both see the same load:

- segmenter: ``read_block`` -> ``parse_accounts`` -> ``run_report`` -> ``place_report`` ->
  ``write_workbook``, the CLI's own steps (``bench.bench_cli.run_segmenter``), wall and CPU seconds
  of each phase and the peak resident memory;
- the reference: ``pyarrow.csv.read_csv`` of the file and one ``write_dataframe`` of the whole
  table to one streamed sheet of a rust_xlsxwriter workbook (``rvgsrust_xlsxwriter``).

Targets (issue 24): the ratio at most 2.5x at 1,048,575 accounts, peak at most 1.5 GiB.

Run: python -m bench.bench_target [--rows 1048575] [--repeats 1]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from bench.bench_cli import INDUSTRIES, REGIONS, _cpu_seconds, _load, _peak_mib, run_segmenter

TARGET_RATIO = 2.5
TARGET_PEAK_MIB = 1536


def six_columns(n: int, seed: int = 7) -> pd.DataFrame:
    """n accounts: Account, Revenue (lognormal, whole units), Profit, NPS (0-10, 40 % answered),
    Industry, Region."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(10, 1.4, n), 0)
    nps = pd.array(rng.integers(0, 11, n), dtype="Int64")
    nps[rng.random(n) > 0.4] = pd.NA
    return pd.DataFrame(
        {
            "Account": np.char.add("C", np.arange(n).astype(str)),
            "Revenue": revenue,
            "Profit": np.round(revenue * rng.normal(0.25, 0.1, n), 2),
            "NPS": nps,
            "Industry": INDUSTRIES[rng.integers(0, 5, n)],
            "Region": REGIONS[rng.integers(0, 4, n)],
        }
    )


def run_reference(source: Path, output: Path) -> dict[str, float]:
    """pyarrow reads the CSV, rust_xlsxwriter writes it to one streamed sheet."""
    import pyarrow.csv as pv
    from rvgsrust_xlsxwriter import Workbook

    start, cpu = time.perf_counter(), _cpu_seconds()
    table = pv.read_csv(source)
    read = time.perf_counter()
    book = Workbook()
    book.add_worksheet("Sheet1", constant_memory=True).write_dataframe(0, 0, table)
    book.close(str(output))
    return {
        "read": read - start,
        "whole": time.perf_counter() - start,
        "cpu": _cpu_seconds() - cpu,
        "peak_mib": _peak_mib(),
    }


def _child(*args: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_target", "--child", *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_048_575, help="accounts below the header")
    parser.add_argument("--repeats", type=int, default=1, help="pairs of runs (the best of each is compared)")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        role, source, output = args.child
        if role == "segmenter":
            result = run_segmenter("accounts", Path(source), Path(output))
            result["bytes"] = Path(output).stat().st_size
        else:
            result = run_reference(Path(source), Path(output))
        print(json.dumps(result))
        return
    print(f"before: {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / f"accounts{args.rows}.csv"
        six_columns(args.rows).to_csv(source, index=False)
        ours, refs = [], []
        for _ in range(args.repeats):
            refs.append(_child("reference", str(source), str(Path(scratch) / "reference.xlsx")))
            ours.append(_child("segmenter", str(source), str(Path(scratch) / "segmenter.xlsx")))
            o, r = ours[-1], refs[-1]
            print(
                f"{args.rows:>10,} accounts x 6: segmenter read {o['read']:5.1f} s (CPU {o['read_cpu']:5.1f}) "
                f"analyse {o['analyse']:5.1f} s (CPU {o['analyse_cpu']:5.1f}) write {o['write']:5.1f} s "
                f"(CPU {o['write_cpu']:5.1f}) whole {o['whole']:5.1f} s, peak {o['peak_mib']:,.0f} MiB, "
                f"{o['bytes'] / 1e6:.1f} MB | pyarrow + rust_xlsxwriter {r['whole']:5.1f} s (read {r['read']:.2f} s, "
                f"CPU {r['cpu']:5.1f}) | ratio {o['whole'] / r['whole']:.2f}x",
                flush=True,
            )
        best_ours, best_ref = min(o["whole"] for o in ours), min(r["whole"] for r in refs)
        peak = max(o["peak_mib"] for o in ours)
        print(
            f"best of {args.repeats}: {best_ours:.1f} s against {best_ref:.1f} s = {best_ours / best_ref:.2f}x "
            f"(target {TARGET_RATIO}x), peak {peak:,.0f} MiB (target {TARGET_PEAK_MIB:,})"
        )
    print(f"after:  {_load()}")


if __name__ == "__main__":
    main()
