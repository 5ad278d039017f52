"""Step 7: the cluster's report of the review results to the organiser (Báo cáo kết quả bình xét, suy tôn),
from the confirmed results, numbered in the cluster's register of Báo cáo."""

from __future__ import annotations

import io
from datetime import date

import docx
import pytest

from thidua.conference import services
from thidua.conference.documents import conference_minutes_issue, results_report_issue
from thidua.conference.models import BallotKind, BallotMethod, Conference
from thidua.conference.tests.helpers import make_conference, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, InvalidState, NotFound
from thidua.documents.models import IssuedDocument
from thidua.documents.storage import open_stored

pytestmark = pytest.mark.django_db


def lines_of(doc: IssuedDocument) -> list[str]:
    d = docx.Document(io.BytesIO(open_stored(doc.docx_path).read_bytes()))
    parts = [p.text for p in d.paragraphs]
    for t in d.tables:
        for row in t.rows:
            cells = []
            for c in row.cells:  # merged cells repeat: keep each once
                if not cells or cells[-1] != c.text:
                    cells.append(c.text)
            parts.append(" | ".join(cells))
            parts += [p.text for c in row.cells for p in c.paragraphs]
    return parts


def text_of(doc: IssuedDocument) -> str:
    return "\n".join(lines_of(doc))


FLAG, CERT = "Cờ thi đua của Chính phủ", "Bằng khen của Thủ tướng Chính phủ"


def proposals(lines: list[str]) -> list[tuple[str, ...]]:
    """Rows of the proposals table (unit, award, votes, percent), numbered 1..n, sorted by award then unit."""
    rows = [line.split(" | ") for line in lines if line.count(" | ") == 4 and line.split(" | ")[2] in (FLAG, CERT)]
    assert [r[0] for r in rows] == [str(i) for i in range(1, len(rows) + 1)]
    return sorted((tuple(r[1:]) for r in rows), key=lambda r: (r[1] != FLAG, r[0]))


def demo_conf(year: int) -> Conference:
    return Conference.objects.select_related("cluster_year").get(cluster_year__cluster__code="TPTW",
                                                                  cluster_year__year=year)


def test_demo_2014_report_has_the_seeds_results_and_a_register_number():
    conf = demo_conf(2014)
    doc = results_report_issue(actor=user("cantho.canbo"), conference_id=conf.pk, on=date(2015, 3, 30),
                               with_pdf=False)
    assert (doc.number, doc.symbol, doc.type_key) == (1, "Số: 01/BC-CTĐ", "bao_cao")
    assert doc.cluster_year_id == conf.cluster_year_id and doc.issued_on == date(2015, 3, 30)
    text = text_of(doc)
    lines = lines_of(doc)
    for needle in (
        "Số: 01/BC-CTĐ", "Cần Thơ, ngày 30 tháng 3 năm 2015", "BÁO CÁO",
        "Kết quả bình xét, suy tôn và đề nghị khen thưởng năm 2014",
        "Kính gửi: Hội đồng Thi đua – Khen thưởng Trung ương (qua Ban Thi đua – Khen thưởng Trung ương).",
        "Ngày 24 tháng 3 năm 2015, tại Cần Thơ", "có 5/5 đơn vị thành viên dự",
        "I. KẾT QUẢ CHẤM ĐIỂM, XẾP HẠNG", "II. KẾT QUẢ BÌNH XÉT, SUY TÔN", "1. Cờ thi đua của Chính phủ",
        "2. Bằng khen của Thủ tướng Chính phủ", "III. BẦU CỤM TRƯỞNG, CỤM PHÓ NĂM 2015",
        "Cụm trưởng năm 2015: Thành phố Hà Nội (5/5 phiếu, 100,00% trên số phiếu hợp lệ).",
        "Cụm phó năm 2015: Thành phố Hồ Chí Minh (5/5 phiếu",
        "TM. CỤM TRƯỞNG", "THÀNH PHỐ CẦN THƠ", "Hồ sơ kèm theo:",
    ):
        assert needle in text, needle
    # The proposals with their vote figures: Flags for Cần Thơ and Hà Nội, Certificates for HCM and Đà Nẵng.
    assert proposals(lines) == [
        ("Thành phố Cần Thơ", FLAG, "5/5", "100,00"), ("Thành phố Hà Nội", FLAG, "5/5", "100,00"),
        ("Thành phố Hồ Chí Minh", CERT, "5/5", "100,00"), ("Thành phố Đà Nẵng", CERT, "5/5", "100,00")]
    assert "Hội nghị suy tôn, đề nghị tặng Cờ thi đua của Chính phủ: Thành phố Cần Thơ (5/5 phiếu" in text
    # Rule and threshold of each vote.
    assert "trúng cử (được đề nghị) khi đạt trên 1/2 số phiếu hợp lệ" in text
    # The ranking as published (through the scoring adapter), best first.
    from thidua.conference.adapters import published_ranking

    ranking = published_ranking(cluster_year=conf.cluster_year)
    assert ranking and any(line.startswith(f"{ranking[0].rank} | ") for line in lines)
    assert "Kết quả chấm điểm, xếp hạng của năm chưa được công bố" not in text
    # Attachments: the minutes and the four vote-count records, with their register numbers.
    minutes = IssuedDocument.objects.filter(object_type="conference.conference", object_id=str(conf.pk),
                                            type_key="bien_ban").latest("created_at")
    assert f"Biên bản hội nghị tổng kết ({minutes.symbol.removeprefix('Số: ')})." in text
    assert sum(1 for line in lines if line.startswith("- Biên bản kiểm phiếu: ")) == 4


def test_demo_2020_report():
    conf = demo_conf(2020)
    doc = results_report_issue(actor=user("hanoi.canbo"), conference_id=conf.pk, on=date(2021, 4, 12),
                               with_pdf=False)
    lines = lines_of(doc)
    text = "\n".join(lines)
    assert doc.symbol == "Số: 01/BC-CTĐ" and "Hà Nội, ngày 12 tháng 4 năm 2021" in text
    assert proposals(lines) == [
        ("Thành phố Hà Nội", FLAG, "5/5", "100,00"), ("Thành phố Hồ Chí Minh", FLAG, "5/5", "100,00"),
        ("Thành phố Cần Thơ", CERT, "5/5", "100,00"), ("Thành phố Hải Phòng", CERT, "5/5", "100,00")]
    assert "Cụm trưởng năm 2021: Thành phố Hồ Chí Minh (5/5 phiếu, 100,00% trên số phiếu hợp lệ)." in text
    assert "Cụm phó năm 2021: Thành phố Đà Nẵng (5/5 phiếu" in text
    assert "THÀNH PHỐ HÀ NỘI" in text


def test_reissue_keeps_number_and_the_register_runs_across_conferences_of_the_year():
    conf = demo_conf(2020)
    first = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2021, 4, 12), with_pdf=False)
    again = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2021, 4, 20), with_pdf=False)
    assert again.pk != first.pk and again.number == first.number == 1
    assert again.register_entry_id == first.register_entry_id
    # The report of the 2014 year is in the 2015 register: 01 too.
    other = results_report_issue(actor=SYSTEM, conference_id=demo_conf(2014).pk, on=date(2015, 4, 1), with_pdf=False)
    assert other.number == 1
    # Minutes (BB) and reports (BC) have separate sequences.
    assert IssuedDocument.objects.filter(pk=first.pk, symbol__endswith="/BC-CTĐ").exists()


def confirmed_conference(*, minutes: bool = True):
    conf = make_conference()
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD,
                               method=BallotMethod.PAPER)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    (c,) = b.candidates.all()
    services.paper_count_enter(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=5, invalid=0, blank=1, votes={c.pk: 4})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    conf.ballot = b
    return conf


def test_refused_while_results_are_not_confirmed():
    conf = make_conference(2025)
    with pytest.raises(InvalidState) as exc:
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert "chưa có kết quả bỏ phiếu nào được xác nhận" in str(exc.value.message)
    conf = confirmed_conference()
    with pytest.raises(InvalidState) as exc:
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert "chưa được xác nhận đủ" in str(exc.value.message) and "Bầu cụm trưởng năm 2022" in str(exc.value.message)
    assert "Đã kiểm phiếu" in str(exc.value.message)
    services.ballot_confirm(actor=SYSTEM, ballot_id=conf.ballot.pk, with_pdf=False)
    with pytest.raises(InvalidState) as exc:
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert "Chưa lập Biên bản hội nghị" in str(exc.value.message)
    conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    with pytest.raises(InvalidInput):  # dated before the conference
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2022, 3, 1), with_pdf=False)
    assert not IssuedDocument.objects.filter(type_key="bao_cao", object_id=str(conf.pk),
                                             object_type="conference.conference").exists()
    doc = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2022, 3, 25), with_pdf=False)
    text = text_of(doc)
    assert "Cụm trưởng năm 2022: Thành phố Đà Nẵng (4/5 phiếu, 80,00% trên số phiếu hợp lệ)." in text
    assert "Năm nay Cụm không đề nghị khen thưởng." in text
    assert "Hội nghị không tổ chức bỏ phiếu suy tôn, đề nghị khen thưởng." in text


def test_a_vote_left_in_draft_blocks_the_report():
    conf = confirmed_conference()
    services.ballot_confirm(actor=SYSTEM, ballot_id=conf.ballot.pk, with_pdf=False)
    conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_DEPUTY, method=BallotMethod.PAPER)
    with pytest.raises(InvalidState) as exc:
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert "Bầu cụm phó năm 2022" in str(exc.value.message)


@pytest.mark.parametrize(("username", "outcome"), [
    ("cantho.canbo", "ok"),      # secretariat of the head of 2014 (Cần Thơ)
    ("tw.canbo", "ok"),          # organiser's administrator
    ("hanoi.canbo", Forbidden),  # secretariat of another member (head of 2015, not of 2014)
    ("cantho.lanhdao", Forbidden),  # the head's leader: views, does not issue
    ("tw.lanhdao", Forbidden),   # central leader observing the cluster
    ("ct.hoidong", NotFound),    # another organiser: the conference does not exist for them
])
def test_issue_permission_matrix(username, outcome):
    conf = demo_conf(2014)
    if outcome == "ok":
        doc = results_report_issue(actor=user(username), conference_id=conf.pk, on=date(2015, 3, 30), with_pdf=False)
        assert doc.issued_by.username == username
    else:
        with pytest.raises(outcome):
            results_report_issue(actor=user(username), conference_id=conf.pk, on=date(2015, 3, 30), with_pdf=False)


@pytest.mark.parametrize(("username", "status"), [
    ("cantho.canbo", 200), ("hanoi.lanhdao", 200), ("danang.canbo", 200), ("tw.canbo", 200), ("tw.lanhdao", 200),
    ("ct.hoidong", 404), (None, 302),
])
def test_download_matrix(client_as, username, status):
    conf = demo_conf(2014)
    doc = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2015, 3, 30), with_pdf=False)
    r = client_as(username).get(f"/documents/{doc.uid}.docx")
    assert r.status_code == status
    if status == 200:
        assert b"".join(r.streaming_content)[:2] == b"PK"


def test_conference_page_issue_button_and_listing(client_as):
    conf = demo_conf(2014)
    url = f"/conference/c/{conf.pk}/results_report/"
    page = client_as("cantho.canbo").get("/conference/TPTW/2014/").content.decode()
    assert url in page
    assert url not in client_as("cantho.lanhdao").get("/conference/TPTW/2014/").content.decode()
    assert client_as("cantho.lanhdao").post(url).status_code == 403
    assert client_as("ct.hoidong").post(url).status_code == 404
    r = client_as("cantho.canbo").post(url, follow=True)
    assert "Đã lập Báo cáo kết quả bình xét" in r.content.decode()
    doc = IssuedDocument.objects.get(type_key="bao_cao", object_type="conference.conference", object_id=str(conf.pk))
    member_page = client_as("hanoi.lanhdao").get("/conference/TPTW/2014/").content.decode()
    assert f"/documents/{doc.uid}.docx" in member_page and "Số: 01/BC-CTĐ" in member_page


def test_conference_page_shows_the_refusal(client_as):
    conf = make_conference()
    r = client_as("hcm.canbo").post(f"/conference/c/{conf.pk}/results_report/", follow=True)
    assert r.status_code == 200 and "chưa có kết quả bỏ phiếu nào được xác nhận" in r.content.decode()
    assert not IssuedDocument.objects.filter(type_key="bao_cao", object_type="conference.conference",
                                             object_id=str(conf.pk)).exists()


def test_cli_issue_then_write_the_registered_report(tmp_path):
    import hashlib

    from django.core.management import call_command

    out = tmp_path / "bao-cao.docx"
    call_command("document", "results-report", "--cluster", "TPTW", "--year", "2014", "--issue", "--date",
                 "2015-03-30", "-o", str(out))
    doc = IssuedDocument.objects.get(type_key="bao_cao", object_type="conference.conference",
                                     object_id=str(demo_conf(2014).pk))
    assert doc.symbol == "Số: 01/BC-CTĐ" and doc.issued_on == date(2015, 3, 30)
    assert hashlib.sha256(out.read_bytes()).hexdigest() == doc.docx_sha256
    assert ("Thành phố Hà Nội", FLAG, "5/5", "100,00") in proposals(
        [p.text for p in docx.Document(str(out)).paragraphs]
        + [" | ".join(c.text for c in r.cells) for t in docx.Document(str(out)).tables for r in t.rows])
    # Without --issue: the registered version, byte for byte.
    again = tmp_path / "again.docx"
    call_command("document", "results-report", "--cluster", "TPTW", "--year", "2014", "-o", str(again))
    assert again.read_bytes() == out.read_bytes()


def test_cli_draft_and_refusals(tmp_path):
    from django.core.management import CommandError, call_command

    out = tmp_path / "draft.docx"
    call_command("document", "results-report", "--cluster", "TPTW", "--year", "2020", "--date", "2021-04-12",
                 "-o", str(out))
    texts = [p.text for p in docx.Document(str(out)).paragraphs]
    texts += [c.text for t in docx.Document(str(out)).tables for r in t.rows for c in r.cells]
    assert "Hà Nội, ngày 12 tháng 4 năm 2021" in texts and not any("/BC-CTĐ" in t and "Số: 0" in t for t in texts)
    assert not IssuedDocument.objects.filter(type_key="bao_cao", object_type="conference.conference").exists()
    make_conference()
    with pytest.raises(CommandError, match="chưa có kết quả bỏ phiếu nào được xác nhận"):
        call_command("document", "results-report", "--cluster", "TPTW", "--year", "2021", "-o", str(out))
    with pytest.raises(CommandError, match="chưa có hội nghị tổng kết"):
        call_command("document", "results-report", "--cluster", "TPTW", "--year", "2025", "-o", str(out))
    with pytest.raises(CommandError, match="Ngày không hợp lệ"):
        call_command("document", "results-report", "--cluster", "TPTW", "--year", "2014", "--date", "30/3/2015",
                     "-o", str(out))


@pytest.mark.parametrize(("username", "status"), [
    ("cantho.canbo", 201), ("tw.canbo", 201), ("hanoi.canbo", 403), ("cantho.lanhdao", 403), ("tw.lanhdao", 403),
    ("ct.stc.canbo", 404)])
def test_api_issue_matrix(api_as, username, status):
    conf = demo_conf(2014)
    r = api_as(username).post(f"/api/v1/conferences/{conf.pk}/results-report")
    assert r.status_code == status, r.content
    if status == 201:
        body = r.json()
        assert body["symbol"].endswith("/BC-CTĐ") and body["number"] >= 1


def test_api_refusal_is_a_clear_409(api_as):
    conf = make_conference()
    r = api_as("hcm.canbo").post(f"/api/v1/conferences/{conf.pk}/results-report")
    assert r.status_code == 409 and "chưa có kết quả bỏ phiếu nào được xác nhận" in r.json()["message"]


def test_a_runoff_completes_the_proposals_and_the_tied_round_is_shown(monkeypatch):
    from thidua.conference import adapters
    from thidua.conference.tests.test_services import cand, enter, paper_ballot

    monkeypatch.setattr(adapters, "nomination_create", lambda **kw: True)
    conf, b = paper_ballot(max_choices=3)
    enter(conf, b, votes={cand(b, "01").pk: 5, cand(b, "79").pk: 3, cand(b, "92").pk: 3})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    from thidua.conference.documents import ballot_record_issue

    run = services.ballot_runoff_create(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_open(actor=SYSTEM, ballot_id=run.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=run.pk)
    # While the runoff is not confirmed, the report waits for it (the tied round itself is settled by it).
    with pytest.raises(InvalidState) as exc:
        results_report_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert "vòng 2" in str(exc.value.message) and "“Suy tôn, đề nghị tặng Cờ thi đua của Chính phủ năm 2021”" \
        not in str(exc.value.message)
    services.paper_count_enter(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=5, invalid=0,
                               votes={cand(run, "79").pk: 4, cand(run, "92").pk: 1})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=run.pk, committee_member_id=conf.committee[1].pk)
    services.ballot_confirm(actor=SYSTEM, ballot_id=run.pk, with_pdf=False)
    ballot_record_issue(actor=SYSTEM, ballot=type(b).objects.get(pk=b.pk), with_pdf=False)  # the tied round
    conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    doc = results_report_issue(actor=SYSTEM, conference_id=conf.pk, on=date(2022, 3, 21), with_pdf=False)
    lines = lines_of(doc)
    text = "\n".join(lines)
    assert proposals(lines) == [("Thành phố Hà Nội", FLAG, "5/5", "100,00"),
                                ("Thành phố Hồ Chí Minh", FLAG, "4/5", "80,00")]
    assert "Vòng 1: Phiếu giấy" in text and "Vòng 2: Phiếu giấy" in text
    assert sum(1 for line in lines if line.startswith("- Biên bản kiểm phiếu: ")) == 2


def test_the_report_takes_a_fixed_number_of_queries():
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from thidua.conference.documents import results_report_spec

    conf = demo_conf(2014)
    with CaptureQueriesContext(connection) as ctx:
        results_report_spec(conf, on=date(2015, 3, 30))
    # Cluster, head and organiser, standing body, attendance (members, names, delegates), ranking and its names,
    # ballots with outcomes, records: 11, whatever the number of ballots (4 here) and members (5).
    assert len(ctx.captured_queries) == 11, [q["sql"][:80] for q in ctx.captured_queries]
