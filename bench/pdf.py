"""Prescriber PDF speed and memory: WeasyPrint (what the worker runs) against Chromium.

    .venv/bin/python bench/pdf.py [--runs 10] [--memory-runs 3] [--chromium-runs 5]
                                  [--chromium /usr/bin/chromium] [--keep DIR]
                                  [--compare-runs 10] [--compare-memory-runs 5]

Builds one signed-off couple whose every section is filled (both partners answer every
question, follow-ups included; flags of every severity, each with a disposition and a note),
then:

* time: renders the final summary --runs times in this process (`screening.pdf.render_pdf`:
  data from the database, HTML, PDF) and prints the median, after one warm-up render;
* memory: in a fresh child process per measurement (same database), renders once to warm
  up, resets the kernel's peak-RSS mark (/proc/self/clear_refs), renders again and reads the
  peak (VmHWM): the peak resident memory of a worker process during one render, Python,
  Django and WeasyPrint included. It also prints the growth over the RSS before the render
  and tracemalloc's peak of Python allocations during it (C allocations not included);
* Chromium: writes the same HTML (`screening.pdf.render_html`), serves it and the app's
  static files from a throw-away HTTP server on 127.0.0.1, and times
  `chromium --headless --print-to-pdf` (a new browser per run, as a worker would start one);
* with and without each optimisation that `screening/pdf.py` keeps or kept (OPTIMISATIONS):
  the worker's render (`render_html`, then `write_pdf` with `screening.pdf.WRITE_OPTIONS`)
  with the optimisation and without it, alternating (--compare-runs rounds, the order swapped
  every round, after one warm-up of each), and the peak memory of a fresh process, as above,
  alternating too (--compare-memory-runs of each). Prints the medians, without / with, and
  the saving; the rule is to keep an optimisation only if it saves more than 15 %.

Targets (the worker's render): under 1.5 s and under 150 MB per render. Uses a throw-away
SQLite database.
"""

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from django_setup import setup

setup(MEDIA_ROOT=tempfile.mkdtemp(prefix="tandem-bench-media-"))

from pdf_case import PAGES_BEFORE_APPENDIX_TARGET, build_case, pages_before_appendix  # noqa: E402

TIME_TARGET_S = 1.5
MEMORY_TARGET_MB = 150


_kept_font_config = None


def _font_config_options(on: bool) -> dict:
    """With: one `FontConfiguration` made once and passed to every render (this process has
    one thread). Without: none passed, so WeasyPrint makes one for each document."""
    global _kept_font_config
    if not on:
        return {}
    if _kept_font_config is None:
        from weasyprint.text.fonts import FontConfiguration

        _kept_font_config = FontConfiguration()
    return {"font_config": _kept_font_config}


# name: (with, without, the write_pdf options for with (True) or without (False))
OPTIMISATIONS = {
    "font_config": (
        "one FontConfiguration kept between renders (per thread)",
        "a new FontConfiguration for each render (WeasyPrint's default)",
        _font_config_options,
    ),
}


def variant_render(couple, name: str, on: bool) -> bytes:
    """The worker's render of the final summary, with or without one optimisation."""
    from weasyprint import HTML

    from screening.pdf import BASE_URL, WRITE_OPTIONS, StaticOnlyFetcher, render_html

    html = render_html(couple, draft=False)
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=StaticOnlyFetcher())
    return document.write_pdf(**WRITE_OPTIONS, **OPTIMISATIONS[name][2](on))


def _pdf_text(content: bytes) -> list[str]:
    import io

    import pypdf

    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    ]


def compare_time(couple, name: str, rounds: int):
    """Seconds per render with and without the optimisation, alternating: with, without;
    then without, with; and so on."""
    with_, without = variant_render(couple, name, True), variant_render(couple, name, False)
    if _pdf_text(with_) != _pdf_text(without):
        raise SystemExit(f"{name}: the PDF's text differs with and without")
    times: dict[bool, list[float]] = {True: [], False: []}
    cpu: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds):
        for on in (True, False) if round_ % 2 == 0 else (False, True):
            start, start_cpu = time.perf_counter(), time.process_time()
            variant_render(couple, name, on)
            times[on].append(time.perf_counter() - start)
            cpu[on].append(time.process_time() - start_cpu)
    return times, cpu, len(_pdf_text(with_))


def compare_memory(couple_pk: int, name: str, runs: int):
    """Peak RSS of fresh processes with and without the optimisation, alternating."""
    results: dict[bool, list[dict]] = {True: [], False: []}
    for run in range(runs):
        for on in (True, False) if run % 2 == 0 else (False, True):
            variant = f"{name}:{'with' if on else 'without'}"
            results[on] += measure_memory(couple_pk, 1, variant)
    return results[True], results[False]


def print_comparison(couple, name: str, rounds: int, memory_runs: int) -> None:
    described_with, described_without, _ = OPTIMISATIONS[name]
    times, cpu, pages = compare_time(couple, name, rounds)
    with_m, without_m = compare_memory(couple.pk, name, memory_runs)
    t1, t0 = statistics.median(times[True]), statistics.median(times[False])
    c1, c0 = statistics.median(cpu[True]), statistics.median(cpu[False])
    m1, m0 = (statistics.median(m["peak_mb"] for m in ms) for ms in (with_m, without_m))
    g1, g0 = (
        statistics.median(m["peak_mb"] - m["before_mb"] for m in ms) for ms in (with_m, without_m)
    )
    savings = {"wall-clock time": 1 - t1 / t0, "CPU time": 1 - c1 / c0, "memory": 1 - m1 / m0}
    verdict = "worth keeping" if max(savings.values()) > 0.15 else "NOT worth keeping"
    print(
        f"optimisation {name} ({pages} pages, the same text both ways):\n"
        f"  with ({described_with}): median {t1:.3f} s (min {min(times[True]):.3f}), CPU "
        f"{c1:.3f} s, over {rounds} renders; peak RSS {m1:.1f} MB (+{g1:.1f} MB during the "
        f"render), median of {len(with_m)} processes\n"
        f"  without ({described_without}): median {t0:.3f} s (min {min(times[False]):.3f}), "
        f"CPU {c0:.3f} s; peak RSS {m0:.1f} MB (+{g0:.1f} MB)\n"
        f"  without / with: wall-clock {t0 / t1:.3f}, CPU {c0 / c1:.3f}, memory {m0 / m1:.3f}; "
        f"saving {', '.join(f'{v:.1%} of the {k}' for k, v in savings.items())}: {verdict} "
        f"(the rule: more than 15 %)"
    )


def time_renders(couple, runs: int):
    """Wall-clock and CPU seconds of each full render, and of HTML-to-PDF alone."""
    from screening.pdf import html_to_pdf, render_html, render_pdf

    content = render_pdf(couple, draft=False)  # warm-up: fonts, templates, imports
    totals, cpu, pdf_only = [], [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        content = render_pdf(couple, draft=False)
        totals.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        html = render_html(couple, draft=False)
        start = time.perf_counter()
        html_to_pdf(html)
        pdf_only.append(time.perf_counter() - start)
    import io

    import pypdf

    pages = len(pypdf.PdfReader(io.BytesIO(content)).pages)
    return totals, cpu, pdf_only, pages, content


def _status_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def child_memory(couple_pk: int, variant: str | None) -> None:
    """Run in a fresh process: one warm-up render, then the measured one. Prints JSON.
    `variant` ("name:with" or "name:without"): the render with or without one of
    OPTIMISATIONS; else `screening.pdf.render_pdf`, as shipped."""
    from intake.models import Couple
    from screening.pdf import render_pdf

    couple = Couple.objects.get(pk=couple_pk)
    if variant:
        name, on = variant.split(":")
        if name not in OPTIMISATIONS or on not in ("with", "without"):
            raise SystemExit(f"unknown variant {variant}")

        def render():
            variant_render(couple, name, on == "with")
    else:

        def render():
            render_pdf(couple, draft=False)

    render()
    before_kb = _status_kb("VmRSS")
    Path("/proc/self/clear_refs").write_text("5")  # reset VmHWM to the current RSS
    tracemalloc.start()
    render()
    _, python_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_kb = _status_kb("VmHWM")
    print(
        json.dumps(
            {
                "peak_mb": peak_kb / 1024,
                "before_mb": before_kb / 1024,
                "python_peak_mb": python_peak / 2**20,
                "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            }
        )
    )


def measure_memory(couple_pk: int, runs: int, variant: str | None = None) -> list[dict]:
    results = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, __file__, "--child-memory", str(couple_pk)]
            + (["--variant", variant] if variant else []),
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
    return results


class _StaticServer(BaseHTTPRequestHandler):
    html = b""

    def do_GET(self):  # noqa: N802
        from django.contrib.staticfiles import finders

        if self.path == "/summary.html":
            body, kind = self.html, "text/html; charset=utf-8"
        else:
            name = self.path.removeprefix("/static/").split("?")[0]
            found = finders.find(name) if self.path.startswith("/static/") else None
            if not found or ".." in name:
                self.send_error(404)
                return
            body = Path(found).read_bytes()
            kind = "font/woff2" if found.endswith(".woff2") else "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def time_chromium(couple, chromium: str, runs: int, keep: Path | None):
    from screening.pdf import STATIC_PREFIX, render_html

    server = ThreadingHTTPServer(("127.0.0.1", 0), _StaticServer)
    port = server.server_address[1]
    html = render_html(couple, draft=False)
    _StaticServer.html = html.replace(STATIC_PREFIX, f"http://127.0.0.1:{port}/static/").encode()
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    work = Path(tempfile.mkdtemp(prefix="tandem-bench-chromium-"))
    times, out = [], work / "chromium.pdf"
    try:
        for run in range(runs + 1):  # the first run warms the disk cache; not counted
            profile = work / f"profile-{run}"
            out.unlink(missing_ok=True)
            command = [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={out}",
                f"http://127.0.0.1:{port}/summary.html",
            ]
            start = time.perf_counter()
            subprocess.run(command, check=True, capture_output=True, timeout=120)
            elapsed = time.perf_counter() - start
            if run:
                times.append(elapsed)
            shutil.rmtree(profile, ignore_errors=True)
        import pypdf

        pages = len(pypdf.PdfReader(out).pages)
        if keep:
            shutil.copy(out, keep / "chromium.pdf")
            (keep / "summary.html").write_bytes(_StaticServer.html)
        return times, pages, out.stat().st_size
    finally:
        server.shutdown()
        server.server_close()
        shutil.rmtree(work, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--memory-runs", type=int, default=3)
    parser.add_argument("--chromium-runs", type=int, default=5)
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--keep", type=Path, help="a folder to keep the PDFs and HTML in")
    parser.add_argument("--compare-runs", type=int, default=10)
    parser.add_argument("--compare-memory-runs", type=int, default=5)
    parser.add_argument("--child-memory", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--variant", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_memory:
        child_memory(args.child_memory, args.variant)
        return

    from django.conf import settings
    from django.core.management import call_command
    from weasyprint import __version__ as weasyprint_version
    from weasyprint.text.ffi import harfbuzz_subset

    call_command("migrate", verbosity=0)
    import logging

    logging.getLogger("screening.alerts").setLevel(logging.ERROR)  # no alert e-mail set
    couple, unanswered, flags = build_case()
    print(
        f"case {couple.reference}: {len(flags)} flags "
        f"({', '.join(f'{flags.count(s)} {s}' for s in ('urgent', 'high', 'review', 'info'))}); "
        f"questions answered by neither partner: {unanswered or 'none'}; "
        f"paper {settings.SUMMARY_PAPER}"
    )
    print(
        f"WeasyPrint {weasyprint_version}; HarfBuzz subsetting (libharfbuzz-subset): "
        f"{'used' if harfbuzz_subset else 'NOT found, fontTools subsets instead'}; "
        f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs"
    )

    totals, cpu, pdf_only, pages, content = time_renders(couple, args.runs)
    median = statistics.median(totals)
    print(
        f"WeasyPrint: median {median:.3f} s per render over {args.runs} runs "
        f"(min {min(totals):.3f}, max {max(totals):.3f}; CPU time median "
        f"{statistics.median(cpu):.3f} s, min {min(cpu):.3f}); HTML to PDF alone median "
        f"{statistics.median(pdf_only):.3f} s; {pages} pages, {len(content) / 1024:.0f} KiB"
    )
    before = pages_before_appendix(content)
    verdict = "OK" if before <= PAGES_BEFORE_APPENDIX_TARGET else "MISSED"
    print(
        f"pages before the full answers appendix: {before} (target at most "
        f"{PAGES_BEFORE_APPENDIX_TARGET}: {verdict}); {pages} pages in all"
    )
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        (args.keep / "weasyprint.pdf").write_bytes(content)

    memory = measure_memory(couple.pk, args.memory_runs)
    peak = statistics.median(m["peak_mb"] for m in memory)
    print(
        f"memory (peak RSS of a fresh worker-like process during one render, kernel VmHWM; "
        f"median of {args.memory_runs} processes): {peak:.0f} MB, of which "
        f"{statistics.median(m['peak_mb'] - m['before_mb'] for m in memory):.0f} MB over the "
        f"{statistics.median(m['before_mb'] for m in memory):.0f} MB the process held before; "
        f"tracemalloc peak of Python allocations during the render "
        f"{statistics.median(m['python_peak_mb'] for m in memory):.1f} MB"
    )

    if args.chromium_runs and Path(args.chromium).exists():
        times, chromium_pages, size = time_chromium(
            couple, args.chromium, args.chromium_runs, args.keep
        )
        print(
            f"Chromium --headless --print-to-pdf (a new browser each run, same HTML): median "
            f"{statistics.median(times):.3f} s over {len(times)} runs (min {min(times):.3f}); "
            f"{chromium_pages} pages, {size / 1024:.0f} KiB"
        )
    else:
        print(f"Chromium: skipped ({args.chromium} not found or --chromium-runs 0)")

    if args.compare_runs:
        for name in OPTIMISATIONS:
            print_comparison(couple, name, args.compare_runs, args.compare_memory_runs)
        print(f"load average {os.getloadavg()[0]:.2f} at the end")

    print(
        f"targets: under {TIME_TARGET_S} s per render "
        f"({'OK' if median < TIME_TARGET_S else 'MISSED'}: {median:.3f} s); "
        f"under {MEMORY_TARGET_MB} MB ({'OK' if peak < MEMORY_TARGET_MB else 'MISSED'}: "
        f"{peak:.0f} MB)"
    )


if __name__ == "__main__":
    main()
