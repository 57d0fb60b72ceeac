"""Time the headless report end to end, as the CLI runs it, against pandas dumping the same file.

Per size it writes a CSV (account lists of ten columns; order lines of a transaction list), then
runs, each in a fresh process so that the peak memory is that run's own:

- segmenter: read (file -> cells -> validated table), analyse (report tables and sheet layout),
  write (the .xlsx), each in wall and CPU seconds (CPU of every thread: rust_xlsxwriter compresses
  in its own), and the peak resident memory;
- the reference: ``pd.read_csv(f).to_excel(out, engine="openpyxl")`` of the same CSV,

and prints the ratio of the two whole runs. Targets (issue 11): 100,000 accounts at most 0.5x the
reference; 1,048,576 accounts under 60 s and 3 GiB; 1,000,000 order lines under 60 s. The load
average of the machine is printed before and after, with each run's CPU time: on a shared machine
compare ratios and CPU times.

Run: python -m bench.bench_cli [--sizes 10000 100000 1048576] [--orders 1000000] [--reference-up-to 200000]
A quick run: python -m bench.bench_cli --sizes 10000 --orders 50000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

INDUSTRIES = np.array(["Retail", "Manufacturing", "Healthcare", "Logistics", "Public sector"], dtype=object)
SIZES = np.array(["Small", "Medium", "Large"], dtype=object)
REGIONS = np.array(["North", "South", "East", "West"], dtype=object)
CHANNELS = np.array(["Direct", "Online", "Partner"], dtype=object)


def account_frame(n: int, seed: int = 7) -> pd.DataFrame:
    """n accounts with ten columns, as a CRM export has them (NPS answered by 40 %)."""
    rng = np.random.default_rng(seed)
    revenue = np.round(rng.lognormal(10, 1.4, n), 0)  # rounded: many ties, as in real lists
    nps = pd.array(rng.integers(0, 11, n), dtype="Int64")
    nps[rng.random(n) > 0.4] = pd.NA
    first = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 4800, n), unit="D")
    return pd.DataFrame(
        {
            "Account": np.char.add("C", np.arange(n).astype(str)),
            "Industry": INDUSTRIES[rng.integers(0, 5, n)],
            "Size": SIZES[rng.integers(0, 3, n)],
            "Region": REGIONS[rng.integers(0, 4, n)],
            "Channel": CHANNELS[rng.integers(0, 3, n)],
            "First purchase": first.strftime("%Y-%m-%d"),
            "Revenue": revenue,
            "Profit": np.round(revenue * rng.normal(0.25, 0.1, n), 2),
            "Cost to serve": np.round(revenue * rng.uniform(0.01, 0.08, n), 2),
            "NPS": nps,
        }
    )


def order_frame(lines: int, seed: int = 11) -> pd.DataFrame:
    """Order lines of about ``lines / 5`` customers over two years; a few customers buy often.

    Each customer buys on days within an active spell (a first day, then an exponential lifetime
    of mean 400 days, cut at the end of the two years), so customers drop out within the data as
    the purchase models expect and the report values them by model, not by the historical
    fallback.
    """
    rng = np.random.default_rng(seed)
    customers = max(lines // 5, 1)
    weights = rng.gamma(0.6, 1.0, customers)
    who = rng.choice(customers, size=lines, p=weights / weights.sum())
    first = rng.integers(0, 730, customers)
    last = np.minimum(first + rng.exponential(400.0, customers).astype(np.int64), 729)
    offset = np.floor(rng.random(lines) * (last[who] - first[who] + 1)).astype(np.int64)
    day = pd.Timestamp("2023-01-01") + pd.to_timedelta(first[who] + offset, unit="D")
    amount = np.round(rng.gamma(3.0, 20.0, lines), 2)
    return pd.DataFrame(
        {
            "Customer": np.char.add("K", who.astype(str)),
            "Order date": day.strftime("%Y-%m-%d"),
            "Amount": amount,
            "Profit": np.round(amount * rng.uniform(0.1, 0.4, lines), 2),
        }
    )


def run_segmenter(kind: str, source: Path, output: Path) -> dict[str, float]:
    """The CLI's own steps, timed: read, analyse (with the bridge and the call list the CLI adds),
    write (seconds) and the peak memory (MiB)."""
    from app.blas_threads import quiet_idle_blas_threads
    from app.heap import keep_freed_memory
    from app.runs import customer_sheets, extend_customer_report, extend_report
    from core.accounts import parse_accounts
    from core.config import ReportConfig
    from core.customers.report import run_customer_report
    from core.report import run_report
    from readers.files import read_block
    from readers.lists import load_transactions
    from writers.placement import place_report
    from writers.xlsx import write_workbook

    quiet_idle_blas_threads()  # as the CLI's main does
    keep_freed_memory()
    config = ReportConfig()
    start, cpu = time.perf_counter(), _cpu_seconds()
    rows, first_row = read_block(source)
    if kind == "orders":
        table = load_transactions(rows, first_row, source)
        rows = None  # as the CLI: the cells' memory is reused by the report
        read, read_cpu = time.perf_counter(), _cpu_seconds()
        report = extend_customer_report(run_customer_report(table, config), table, 50)  # as the CLI
        sheets = customer_sheets(report, source.name, config.labels)
    else:
        table = parse_accounts(rows, first_sheet_row=first_row)
        rows = None  # as the CLI
        read, read_cpu = time.perf_counter(), _cpu_seconds()
        report = extend_report(run_report(table, config), None, 50, table)  # with the call list, as the CLI
        sheets = place_report(report.tables, source=source.name, labels=config.labels)
    analysed, analysed_cpu = time.perf_counter(), _cpu_seconds()
    write_workbook(sheets, output)
    written, written_cpu = time.perf_counter(), _cpu_seconds()
    return {
        "read": read - start,
        "analyse": analysed - read,
        "write": written - analysed,
        "whole": written - start,
        "cpu": _cpu_seconds(),
        "peak_mib": _peak_mib(),
        "read_cpu": read_cpu - cpu,
        "analyse_cpu": analysed_cpu - read_cpu,
        "write_cpu": written_cpu - analysed_cpu,
    }


def run_reference(source: Path, output: Path) -> dict[str, float]:
    start = time.perf_counter()
    pd.read_csv(source).to_excel(output, engine="openpyxl", index=False)
    return {"whole": time.perf_counter() - start, "cpu": _cpu_seconds(), "peak_mib": _peak_mib()}


def _cpu_seconds() -> float:
    """CPU time of the whole process, every thread (rust_xlsxwriter compresses in threads); on a
    shared machine it moves far less than the wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def _child(*args: str) -> dict[str, float]:
    completed = subprocess.run(
        [sys.executable, "-m", "bench.bench_cli", "--child", *args], capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise SystemExit(completed.stderr)
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"


def _measure(kind: str, n: int, scratch: Path, reference_up_to: int) -> None:
    source = scratch / f"{kind}{n}.csv"
    (order_frame(n) if kind == "orders" else account_frame(n)).to_csv(source, index=False)
    ours = _child("segmenter", kind, str(source), str(scratch / f"{kind}{n}-segmenter.xlsx"))
    line = (
        f"{n:>10,} {kind:<8} read {ours['read']:6.1f} s (CPU {ours['read_cpu']:5.1f})  "
        f"analyse {ours['analyse']:6.1f} s (CPU {ours['analyse_cpu']:5.1f})  "
        f"write {ours['write']:6.1f} s (CPU {ours['write_cpu']:5.1f})  whole {ours['whole']:6.1f} s "
        f"(CPU {ours['cpu']:6.1f} s with start-up)  peak {ours['peak_mib']:6,.0f} MiB"
    )
    if n <= reference_up_to:
        ref = _child("reference", kind, str(source), str(scratch / f"{kind}{n}-pandas.xlsx"))
        line += (
            f" | pandas read_csv+to_excel {ref['whole']:6.1f} s (CPU {ref['cpu']:6.1f} s), "
            f"peak {ref['peak_mib']:5,.0f} MiB | ratio {ours['whole'] / ref['whole']:.2f}x"
        )
    print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_048_576], help="account list sizes")
    parser.add_argument("--orders", type=int, nargs="*", default=[1_000_000], help="order line counts")
    parser.add_argument(
        "--reference-up-to",
        type=int,
        default=200_000,
        help="run the pandas reference only up to this many rows (it takes minutes beyond)",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        role, kind, source, output = args.child
        result = (
            run_segmenter(kind, Path(source), Path(output))
            if role == "segmenter"
            else run_reference(Path(source), Path(output))
        )
        print(json.dumps(result))
        return
    print(f"before: {_load()}", flush=True)
    with tempfile.TemporaryDirectory() as scratch:
        for n in args.sizes:
            _measure("accounts", n, Path(scratch), args.reference_up_to)
        for n in args.orders:
            _measure("orders", n, Path(scratch), args.reference_up_to)
    print(f"after:  {_load()}")


if __name__ == "__main__":
    main()
