"""Pages, exports, evidence files and query counts of scoring."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from openpyxl import load_workbook

from thidua.core.actors import SYSTEM
from thidua.core.errors import InvalidInput
from thidua.covenant.models import CycleState
from thidua.organisations import services as org
from thidua.organisations.models import Unit
from thidua.scoring import services
from thidua.scoring.evidence import sniff
from thidua.scoring.models import MemberReport, ReportKind
from thidua.scoring.tests.factories import set_cycle, unit

PDF = b"%PDF-1.4\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def _docx_bytes() -> bytes:
    from docx import Document

    buf = io.BytesIO()
    Document().save(buf)
    return buf.getvalue()


def test_sniffing_by_content_not_name():
    assert sniff(PDF, "a.pdf") == ("application/pdf", ".pdf")
    assert sniff(PNG, "scan.pdf")[1] == ".png"  # the name lies, the content decides
    assert sniff(_docx_bytes(), "x.bin")[1] == ".docx"
    for bad in (b"MZ\x90\x00 executable", b"<html><script>", b"PK\x03\x04not a zip", b""):
        with pytest.raises(InvalidInput):
            sniff(bad, "file.pdf")
    with override_settings(SCORING_EVIDENCE_MAX_BYTES=10), pytest.raises(InvalidInput):
        sniff(PDF + b"x" * 20, "big.pdf")


def test_evidence_upload_and_checked_download(scored, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)  # the mid-year report (sơ kết) is written during implementation
    client = client_as("hcm.canbo")
    url = f"/scoring/TPTW/2023/reports/{unit('79').pk}/midyear/"
    assert client.post(url, {"op": "save", "summary": "Sơ kết"}).status_code == 302
    report = MemberReport.objects.get(cluster_year=cy, unit=unit("79"), kind=ReportKind.MIDYEAR)
    from django.core.files.uploadedfile import SimpleUploadedFile

    r = client.post(url, {"op": "evidence", "criterion_id": crits["I.1"].pk,
                          "file": SimpleUploadedFile("bang-chung.pdf", PDF, content_type="application/pdf")})
    assert r.status_code == 302
    ev = report.entries.get(criterion=crits["I.1"]).evidence.get()
    assert ev.content_type == "application/pdf" and ev.path.endswith(".pdf") and "bang-chung" not in ev.path
    assert (tmp_path / ev.path).read_bytes() == PDF
    assert client.get(f"/scoring/evidence/{ev.pk}/").status_code == 200
    # Drafts and their files are the member's own.
    for other in ("hanoi.canbo", "danang.canbo", "tw.lanhdao"):
        assert client_as(other).get(f"/scoring/evidence/{ev.pk}/").status_code == 404, other
    # A disguised executable is refused and nothing is stored.
    with pytest.raises(InvalidInput):
        services.evidence_add(actor=SYSTEM, cluster_year=cy, report_id=report.pk, criterion_id=crits["I.1"].pk,
                              filename="x.pdf", data=b"MZ\x90\x00")
    assert len(list(tmp_path.rglob("*.*"))) == 1
    client.post(url, {"op": "submit", "summary": "Sơ kết"})
    assert client_as("hanoi.canbo").get(f"/scoring/evidence/{ev.pk}/").status_code == 200
    assert client_as("danang.canbo").get(f"/scoring/evidence/{ev.pk}/").status_code == 404


def test_pages_render_for_the_secretariat(scored, client_as):
    client = client_as("hanoi.canbo")
    for url in ("/scoring/TPTW/2023/", "/scoring/TPTW/2023/reports/", "/scoring/TPTW/2023/score/",
                "/scoring/TPTW/2023/reconciliation/", "/scoring/TPTW/2023/config/",
                f"/scoring/TPTW/2023/reports/{unit('01').pk}/year_end/", "/clusters/TPTW/2023/"):
        r = client.get(url)
        assert r.status_code == 200, url
        assert b"<script>" not in r.content  # CSP: no inline script (the data island is type=application/json)
    page = client.get("/scoring/TPTW/2023/").content
    data = json.loads(page.split(b'id="scoring-data" type="application/json">')[1].split(b"</script>")[0])
    assert [r["code"] for r in data["ranking"]][0] == "01"
    assert len(data["heat"]["members"]) == 5 and len(data["heat"]["criteria"]) == 7


def test_scoring_form_and_reconciliation_forms(scored, client_as):
    cy, crits = scored
    from thidua.scoring.models import Score, ScoreOverride, ScorerAssignment

    a = ScorerAssignment.objects.get(cluster_year=cy, scorer_unit=unit("79"), unit=unit("31"), role="cross")
    client = client_as("hcm.canbo")
    assert client.get(f"/scoring/TPTW/2023/score/{a.pk}/").status_code == 200
    client.post(f"/scoring/TPTW/2023/score/{a.pk}/", {f"points_{crits['II.1'].pk}": "18"})
    assert Score.objects.get(cluster_year=cy, scorer_unit=unit("79"), unit=unit("31"), criterion=crits["II.1"]).points == 18
    other = ScorerAssignment.objects.get(cluster_year=cy, scorer_unit=unit("31"), unit=unit("01"), role="cross")
    assert client.get(f"/scoring/TPTW/2023/score/{other.pk}/").status_code == 404
    sec = client_as("hanoi.canbo")
    sec.post("/scoring/TPTW/2023/reconciliation/", {"unit_id": unit("31").pk, "criterion_id": crits["II.1"].pk,
                                                    "points": "19", "reason": ""})
    assert not ScoreOverride.objects.filter(cluster_year=cy).exists()  # no reason, no override
    sec.post("/scoring/TPTW/2023/reconciliation/", {"unit_id": unit("31").pk, "criterion_id": crits["II.1"].pk,
                                                    "points": "19", "reason": "Thống nhất tại cuộc họp tổ chấm"})
    assert ScoreOverride.objects.get(cluster_year=cy).points == 19


def test_excel_export_and_review_report(scored, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cy, _ = scored
    client = client_as("hanoi.canbo")
    r = client.get("/scoring/TPTW/2023/bang-tong-hop-diem.xlsx")
    wb = load_workbook(io.BytesIO(r.content))
    ws = wb.worksheets[0]
    rows = list(ws.iter_rows(values_only=True))
    header = rows[2]
    assert "Tổng điểm" in header
    first = rows[4]
    assert first[0] == 1 and first[1] == "01"
    assert len(wb.worksheets[1]["A"]) == 5  # header + 4 scores
    # The Báo cáo tổng kết needs published results.
    assert client.post("/scoring/TPTW/2023/bao-cao-tong-ket/").status_code == 302
    from thidua.documents.models import IssuedDocument

    assert not IssuedDocument.objects.filter(cluster_year=cy).exists()
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    from django.utils import translation

    from thidua.accounts.models import User
    from thidua.scoring.documents import review_report_issue

    with translation.override("en"):  # an official document is Vietnamese whatever the officer's UI language
        doc = review_report_issue(actor=User.objects.get(username="hanoi.canbo"), cluster_year=cy)
    from docx import Document

    d = Document(str(tmp_path / doc.docx_path))
    text = "\n".join(p.text for p in d.paragraphs)
    assert "BÁO CÁO" in text and "2023" in text and "KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG" in text
    # Numbered in the cluster's BC-CTĐ register (shared with the results report); a re-issue keeps the number.
    header = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert doc.symbol.endswith("/BC-CTĐ") and doc.symbol in header
    again = review_report_issue(actor=User.objects.get(username="hanoi.canbo"), cluster_year=cy)
    assert again.pk != doc.pk and again.symbol == doc.symbol
    assert client_as("hcm.canbo").post("/scoring/TPTW/2023/bao-cao-tong-ket/").status_code == 403


def _grow(cy, n: int) -> None:
    start = Unit.objects.count()
    for i in range(n):
        code = f"S{start + i}"
        org.unit_create(actor=SYSTEM, code=code, name=f"Thành viên thử {code}", short_name=code, kind_code="tinh",
                        valid_from=date(2000, 1, 1))
        org.membership_add(actor=SYSTEM, cluster_code="TPTW", unit_id=Unit.objects.get(code=code).pk,
                           start_year=2023, end_year=2023)
    services.results_compute(actor=SYSTEM, cluster_year=cy)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url,user", [("/scoring/TPTW/2023/", "hanoi.canbo"),
                                      ("/api/v1/scoring/TPTW/2023/ranking", "hanoi.canbo"),
                                      ("/scoring/TPTW/2023/reconciliation/", "hanoi.canbo"),
                                      ("/scoring/TPTW/2023/indicators/", "hanoi.canbo"),
                                      ("/scoring/TPTW/2023/indicators/", "hcm.canbo")])
def test_query_count_constant_in_members(scored, client_as, api_as, url, user):
    cy, _ = scored
    client = api_as(user) if url.startswith("/api") else client_as(user)
    client.get(url)
    small = _count(client, url)
    _grow(cy, 4)
    big = _count(client, url)
    assert big == small
    from thidua.scoring.models import MemberResult

    assert MemberResult.objects.filter(cluster_year=cy).count() == 9


def test_times_on_the_pages_are_short_numeric_dates(client_as):
    """The publication time and the report submission times read "dd/mm/yyyy HH:MM" in Vietnam's time zone, as
    elsewhere in the application (not Django's long form with a capital "Ngày" in mid-sentence)."""
    import re

    from django.utils import timezone

    from thidua.organisations.models import ClusterYear
    from thidua.scoring.models import ScoringConfig

    client = client_as("tw.canbo")
    config = ScoringConfig.objects.get(cluster_year=ClusterYear.objects.get(cluster__code="TPTW", year=2020))
    page = client.get("/scoring/TPTW/2020/").content.decode()
    expected = timezone.localtime(config.published_at).strftime("%d/%m/%Y %H:%M")
    assert f"Đã công bố lúc {expected}." in page
    reports = client.get("/scoring/TPTW/2020/reports/").content.decode()
    assert "Ngày" not in reports and re.search(r"<td>\d\d/\d\d/\d{4} \d\d:\d\d</td>", reports)
