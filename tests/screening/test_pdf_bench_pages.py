"""The bench's case (bench/pdf.py) fits in six Letter pages before the full answers appendix."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from screening.pdf import render_pdf

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
try:
    from pdf_case import PAGES_BEFORE_APPENDIX_TARGET, build_case, pages_before_appendix
finally:
    sys.path.pop(0)


# Autocommit, as in the bench: each step's work on commit (the screening) runs at once.
# serialized_rollback: like every transactional test here, so that its flush neither empties
# the migrations' rows nor re-creates content types that the next serialized test restores.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_bench_case_fits_in_six_pages_before_the_appendix(settings):
    assert settings.SUMMARY_PAPER.lower() == "letter"
    couple, unanswered, flags = build_case()
    assert unanswered == [] and len(flags) == 20  # every question answered, 20 flags
    content = render_pdf(couple, draft=False)
    assert PAGES_BEFORE_APPENDIX_TARGET == 6
    assert 1 < pages_before_appendix(content) <= PAGES_BEFORE_APPENDIX_TARGET
