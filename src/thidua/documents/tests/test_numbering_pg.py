"""The number allocator under concurrency: real commits, one connection per thread (PostgreSQL only: SQLite
serialises every writer on the whole file, so a race there means nothing)."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections, transaction

from thidua.core.actors import SYSTEM
from thidua.documents.models import IssuedDocument, NumberSequence, RegisteredNumber
from thidua.documents.services import Numbering, document_issue, number_allocate
from thidua.documents.spec import OfficialDocument, Paragraph

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="Các phép thử đồng thời cần PostgreSQL (SQLite khóa cả tệp khi ghi)."),
]

SCOPE = "test:pg-numbering"


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()  # each thread used its own connection
    return run


def test_parallel_allocations_get_distinct_consecutive_numbers(transactional_demo):
    n_docs, n_repeats = 24, 8
    # Every thread starts at once on a register that does not exist yet (its row is created in the race);
    # some threads ask again for the number of document 0 (a re-issue racing the first issue).
    jobs = [f"doc:{i}" for i in range(n_docs)] + ["doc:0"] * n_repeats
    barrier = threading.Barrier(len(jobs))

    @_in_thread
    def allocate(key):
        barrier.wait(timeout=30)
        with transaction.atomic():
            entry = number_allocate(actor=SYSTEM, scope=SCOPE, symbol="BB-CTĐ", year=2031, document_key=key)
            return key, entry.number

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(pool.map(allocate, jobs))
    by_key: dict[str, set[int]] = {}
    for key, number in results:
        by_key.setdefault(key, set()).add(number)
    assert all(len(numbers) == 1 for numbers in by_key.values())  # one number per logical document
    assert sorted(n for (n,) in by_key.values()) == list(range(1, n_docs + 1))  # distinct and consecutive
    assert RegisteredNumber.objects.filter(scope=SCOPE, year=2031).count() == n_docs
    assert NumberSequence.objects.get(scope=SCOPE, symbol="BB-CTĐ", year=2031).last_number == n_docs


def test_parallel_issues_print_distinct_numbers(transactional_demo):
    n = 8
    barrier = threading.Barrier(n)

    @_in_thread
    def issue(i):
        spec = OfficialDocument(issuer_parent="HỘI ĐỒNG THI ĐUA - KHEN THƯỞNG TRUNG ƯƠNG", issuer="CỤM THỬ",
                                type_key="bao_cao", number=None, issuer_code="CTĐ", place="Hà Nội",
                                date=date(2032, 3, 1), title="BÁO CÁO", blocks=[Paragraph(f"Văn bản {i}.")],
                                show_number=False)
        barrier.wait(timeout=30)
        doc = document_issue(actor=SYSTEM, spec=spec, with_pdf=False,
                             numbering=Numbering(scope=SCOPE, document_key=f"issue:{i}"))
        return doc.pk

    with ThreadPoolExecutor(max_workers=n) as pool:
        ids = list(pool.map(issue, range(n)))
    docs = list(IssuedDocument.objects.filter(pk__in=ids))
    assert sorted(d.number for d in docs) == list(range(1, n + 1))
    assert sorted(d.symbol for d in docs) == [f"Số: {i:02d}/BC-CTĐ" for i in range(1, n + 1)]
    assert all(d.register_entry.number == d.number for d in docs)
