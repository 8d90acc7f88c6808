"""Side-by-side extraction benchmark: tamis vs its peers, F1 per data set, pages/s on one core, peak memory.

Phases (each can be run alone):
  outputs  run every tool over every data set, writing bench/work/extract/<tool>/<set>/<id>.txt (slow:
           trafilatura takes ~10 min per mode here); per-set timings go to bench/work/extract/runs.jsonl
  score    score every tool's outputs with `tamis eval extraction --outputs` (the same code for all tools)
  speed    time every tool, one after the other, pinned to one core, on the same pages (the SPEED_SETS),
           reporting pages/s and peak RSS of the process
  headtohead  tamis and resiliparse alternately, 7 rounds each, median pages/s (the close race, made robust)

Usage: python bench/extract_bench.py [outputs] [score] [speed] [headtohead]   (default: score speed)
Env: DATA (default ../shared/data), TAMIS (default target/release/tamis), CORE (default 0), SPEED=all (time
all seven sets instead of three).
Peers: trafilatura 2.x and resiliparse from bench/.venv (or /work/main/bench/.venv), trafilatura 1.11 from
bench/.venv-traf111 (bench/requirements-extract.txt), dom_smoothie and the trafilatura crate from
bench/extract_rs_peers (built here).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from extract_peers import SETS  # the seven extraction sets, one list for both scripts

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = Path(os.environ.get("DATA", ROOT.parent / "shared" / "data"))
TAMIS = Path(os.environ.get("TAMIS", ROOT / "target" / "release" / "tamis"))
CORE = os.environ.get("CORE", "0")
WORK = BENCH / "work" / "extract"
# The speed phase's pages: three sets (346 pages, quick) or, with SPEED=all, all
# seven (4,441 pages: tamis runs for seconds rather than a fraction of one, so
# the machine's noise weighs less).
SPEED_SETS = SETS if os.environ.get("SPEED") == "all" else ["scrapinghub-aeb", "cleanportaleval", "readability-testpages"]


def venv(name: str) -> str:
    for candidate in [BENCH / name / "bin" / "python", Path("/work/main/bench") / name / "bin" / "python"]:
        if candidate.exists():
            return str(candidate)
    raise SystemExit(f"no {name}: run bench/setup.sh (and see bench/requirements-extract.txt)")


RS_PEERS = BENCH / "extract_rs_peers" / "target" / "release" / "extract-rs-peers"
# tool name -> command prefix; the command takes DATA OUT [SET ...] and prints one JSON line per set.
TOOLS = {
    "trafilatura-1.11": lambda: [venv(".venv-traf111"), str(BENCH / "extract_peers.py"), "trafilatura"],
    "trafilatura-1.11-precision": lambda: [
        venv(".venv-traf111"),
        str(BENCH / "extract_peers.py"),
        "trafilatura-precision",
    ],
    "trafilatura-2": lambda: [venv(".venv"), str(BENCH / "extract_peers.py"), "trafilatura"],
    "trafilatura-2-precision": lambda: [venv(".venv"), str(BENCH / "extract_peers.py"), "trafilatura-precision"],
    "resiliparse": lambda: [venv(".venv"), str(BENCH / "extract_peers.py"), "resiliparse"],
    "dom_smoothie": lambda: [str(RS_PEERS), "dom_smoothie"],
    "trafilatura-rs": lambda: [str(RS_PEERS), "trafilatura-rs"],
}


def metric_of(report: dict) -> dict:
    metrics = report["metrics"]
    for key in metrics:
        if key.startswith("scrapinghub (") or key.startswith("trafilatura"):
            return metrics[key]
    return next(iter(metrics.values()))


def run_tool(tool: str, out: Path, sets: list[str]) -> list[dict]:
    """Runs one tool over the sets; returns its JSON lines (renamed to `tool`)."""
    if tool == "tamis":
        rows = []
        for name in sets:
            target = out / "tamis" / name
            cmd = ["taskset", "-c", CORE, "/usr/bin/time", "-f", "%M", str(TAMIS), "eval", "extraction"]
            cmd += [str(DATA / name), "--save", str(target), "--json"]
            done = subprocess.run(cmd, capture_output=True, text=True, check=True)
            report = json.loads(done.stdout)
            rss = int(done.stderr.strip().splitlines()[-1]) / 1024
            pages = report["pages"]
            rows.append(
                {
                    "tool": "tamis",
                    "set": name,
                    "pages": pages,
                    "seconds": report["seconds"],
                    "pages_per_s": pages / report["seconds"],
                    "peak_rss_mib": rss,
                }
            )
        return rows
    cmd = ["taskset", "-c", CORE] + TOOLS[tool]() + [str(DATA), str(out / "raw")] + sets
    done = subprocess.run(cmd, capture_output=True, text=True, check=True)
    rows = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    # The runners name their folder after their own tool name; move it under the benchmark's name.
    inner = TOOLS[tool]()[-1]
    for row in rows:
        src, dst = out / "raw" / inner / row["set"], out / tool / row["set"]
        dst.parent.mkdir(parents=True, exist_ok=True)
        if dst.exists():
            subprocess.run(["rm", "-rf", str(dst)], check=True)
        src.rename(dst)
        row["tool"] = tool
    return rows


def outputs() -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    with open(WORK / "runs.jsonl", "a") as log:
        for tool in ["tamis"] + list(TOOLS):
            for row in run_tool(tool, WORK, SETS):
                log.write(json.dumps(row) + "\n")
                print(json.dumps(row), flush=True)


def score() -> dict:
    table = {}
    for tool in ["tamis"] + list(TOOLS):
        for name in SETS:
            folder = WORK / tool / name
            if not folder.is_dir():
                continue
            cmd = [str(TAMIS), "eval", "extraction", str(DATA / name), "--outputs", str(folder), "--json"]
            report = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            table.setdefault(tool, {})[name] = metric_of(report)["f1"]
    print("| tool | " + " | ".join(SETS) + " |")
    print("|---" * (len(SETS) + 1) + "|")
    best = {name: max(table[t].get(name, 0) for t in table if t != "tamis") for name in SETS}
    for tool, row in table.items():
        cells = []
        for name in SETS:
            f1 = row.get(name)
            mark = "**" if f1 is not None and tool == "tamis" and f1 >= best[name] else ""
            cells.append("–" if f1 is None else f"{mark}{f1:.3f}{mark}")
        print(f"| {tool} | " + " | ".join(cells) + " |")
    return table


def speed() -> None:
    out = BENCH / "work" / "extract-speed"
    results = {}
    for tool in ["tamis"] + list(TOOLS):
        rows = run_tool(tool, out, SPEED_SETS)
        pages = sum(r["pages"] for r in rows)
        seconds = sum(r["seconds"] for r in rows)
        rss = max(r["peak_rss_mib"] for r in rows)
        results[tool] = (pages, seconds, rss)
    base = results["tamis"][0] / results["tamis"][1]
    print(f"\nspeed on {', '.join(SPEED_SETS)}, one core (taskset -c {CORE}), tools one after the other")
    print("| tool | pages | seconds | pages/s | tamis is × faster | peak RSS (MiB) |")
    print("|---|---|---|---|---|---|")
    for tool, (pages, seconds, rss) in results.items():
        rate = pages / seconds
        print(f"| {tool} | {pages} | {seconds:.2f} | {rate:.0f} | {base / rate:.1f} | {rss:.0f} |")


def headtohead(rounds: int = 7) -> None:
    """tamis and resiliparse alternately, `rounds` times each, median pages/s: on a shared machine a single
    sub-second run is at the mercy of other jobs, and alternating spreads the noise over both tools."""
    out = BENCH / "work" / "extract-speed"
    rates: dict[str, list[float]] = {"tamis": [], "resiliparse": []}
    for _ in range(rounds):
        for tool in rates:
            rows = run_tool(tool, out, SPEED_SETS)
            rates[tool].append(sum(r["pages"] for r in rows) / sum(r["seconds"] for r in rows))
    median = {tool: sorted(r)[len(r) // 2] for tool, r in rates.items()}
    print(f"\nhead to head on {', '.join(SPEED_SETS)}, one core (taskset -c {CORE}), {rounds} alternating rounds")
    for tool, r in rates.items():
        print(f"{tool}: median {median[tool]:.0f} pages/s (runs: {', '.join(f'{x:.0f}' for x in r)})")
    print(f"tamis / resiliparse = {median['tamis'] / median['resiliparse']:.2f}")


def main() -> None:
    phases = sys.argv[1:] or ["score", "speed"]
    subprocess.run(["nproc"], check=False)
    print("load average:", open("/proc/loadavg").read().split()[:3], "(a shared machine: compare ratios)")
    for phase in phases:
        {"outputs": outputs, "score": score, "speed": speed, "headtohead": headtohead}[phase]()


if __name__ == "__main__":
    main()
