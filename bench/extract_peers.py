"""Run one Python extraction peer over the extraction data sets, one page after the other on one core.

Writes each page's text to OUT/<tool>/<set>/<id>.txt (scored afterwards by `tamis eval extraction
--outputs`, so every tool is scored by the same code) and prints one JSON line per set with the time spent
in the extractor only (reading and gunzip excluded) and the process's peak RSS.

Usage: python bench/extract_peers.py TOOL DATA_DIR OUT_DIR [SET ...]
TOOL: trafilatura | trafilatura-precision | resiliparse
Each page is given as a decoded string (UTF-8 with replacement after the same BOM/meta/UTF-8 checks
as bytes would get), as datatrove does after its WARC reader.
"""

import gzip
import json
import os
import resource
import sys
import time
from pathlib import Path

SETS = [
    "scrapinghub-aeb",
    "trafilatura-eval",
    "cleaneval",
    "cleanportaleval",
    "dragnet",
    "readability-testpages",
    "daniel-multilingual",
]


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        from resiliparse.parse.encoding import detect_encoding, bytes_to_str

        return bytes_to_str(raw, detect_encoding(raw))
    except ImportError:
        return raw.decode("cp1252", errors="replace")


def make_extractor(tool: str):
    if tool.startswith("trafilatura"):
        import trafilatura

        precision = tool.endswith("precision")

        def run(html: str) -> str:
            # datatrove's Trafilatura extractor: favour_precision, no comments, no tables kept out.
            out = trafilatura.extract(
                html,
                favor_precision=precision,
                include_comments=False,
                deduplicate=False,
            )
            return out or ""

        return run, f"trafilatura {trafilatura.__version__}"
    if tool == "resiliparse":
        from resiliparse.extract.html2text import extract_plain_text
        import resiliparse

        def run(html: str) -> str:
            return extract_plain_text(html, main_content=True)

        from importlib.metadata import version

        return run, f"resiliparse {version('resiliparse')}"
    raise SystemExit(f"unknown tool {tool}")


def main() -> None:
    tool, data, out = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    sets = sys.argv[4:] or SETS
    extract, label = make_extractor(tool)
    for name in sets:
        folder = data / name / "html"
        if not folder.is_dir():
            continue
        target = out / tool / name
        target.mkdir(parents=True, exist_ok=True)
        pages = sorted(folder.glob("*.html.gz"))
        spent = 0.0
        errors = 0
        for path in pages:
            page_id = path.name[: -len(".html.gz")]
            html = decode(gzip.decompress(path.read_bytes()))
            start = time.perf_counter()
            try:
                text = extract(html)
            except Exception:  # a crash counts as an empty output, as in trafilatura's own evaluation
                text = ""
                errors += 1
            spent += time.perf_counter() - start
            (target / f"{page_id}.txt").write_text(text, encoding="utf-8")
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            json.dumps(
                {
                    "tool": tool,
                    "version": label,
                    "set": name,
                    "pages": len(pages),
                    "seconds": round(spent, 3),
                    "pages_per_s": round(len(pages) / spent, 1) if spent else None,
                    "errors": errors,
                    "peak_rss_mib": round(rss, 1),
                    "pid": os.getpid(),
                }
            ),
            flush=True,
        )


if __name__ == "__main__":
    main()
