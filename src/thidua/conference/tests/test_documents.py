from __future__ import annotations

import pytest

from thidua.conference import services
from thidua.conference.documents import conference_minutes_issue
from thidua.conference.models import BallotKind, BallotMethod, Conference
from thidua.conference.tests.helpers import make_conference, user
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden
from thidua.documents.pdf import pdf_available
from thidua.documents.storage import open_stored
from thidua.documents.tests.samples import docx_text

pytestmark = pytest.mark.django_db


def text_of(rel: str) -> str:
    return docx_text(rel, cells=" | ")


def counted_paper_ballot(conf):
    b = services.ballot_create(actor=SYSTEM, conference_id=conf.pk, kind=BallotKind.ELECT_HEAD,
                               method=BallotMethod.PAPER)
    services.ballot_open(actor=SYSTEM, ballot_id=b.pk)
    services.ballot_close(actor=SYSTEM, ballot_id=b.pk)
    (c,) = b.candidates.all()
    services.paper_count_enter(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[0].pk, issued=5,
                               returned=5, unused=0, valid=4, invalid=1, votes={c.pk: 4})
    services.paper_count_confirm(actor=SYSTEM, ballot_id=b.pk, committee_member_id=conf.committee[1].pk)
    return b


def test_vote_count_record_has_figures_rule_result_and_committee_signatures():
    conf = make_conference()
    b = counted_paper_ballot(conf)
    outcome = services.ballot_confirm(actor=user("hcm.canbo"), ballot_id=b.pk, with_pdf=False)
    text = text_of(outcome.minutes_document.docx_path)
    assert "BIÊN BẢN KIỂM PHIẾU" in text and "Bầu cụm trưởng năm 2022" in text
    for needle in ("Số phiếu phát ra | 5", "Số phiếu thu vào | 5", "Số phiếu hợp lệ | 4", "Số phiếu không hợp lệ | 1",
                   "Thành phố Đà Nẵng | 4 | 100,00 | Đạt", "trên 1/2 số phiếu hợp lệ", "Thành phố Đà Nẵng trúng cử",
                   "TRƯỞNG BAN KIỂM PHIẾU", "Trưởng ban kiểm phiếu", "Thành viên ban kiểm phiếu",
                   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"):
        assert needle in text, needle
    assert outcome.minutes_document.cluster_year_id == conf.cluster_year_id


@pytest.mark.skipif(not pdf_available(), reason="LibreOffice không có: không tạo được PDF.")
def test_conference_minutes_docx_and_pdf():
    conf = make_conference()
    b = counted_paper_ballot(conf)
    services.ballot_confirm(actor=SYSTEM, ballot_id=b.pk, issue_record=False)
    services.conference_update(actor=SYSTEM, conference_id=conf.pk, central_leader="Phó Chủ tịch Hội đồng TĐKT TW")
    doc = conference_minutes_issue(actor=user("hcm.canbo"), conference_id=conf.pk)
    assert doc.pdf_path and open_stored(doc.pdf_path).read_bytes()[:4] == b"%PDF"
    text = text_of(doc.docx_path)
    for needle in ("BIÊN BẢN", "Hội nghị tổng kết công tác thi đua, khen thưởng năm 2021", "Có mặt 5/5 đơn vị",
                   "Thành phố Hà Nội", "Tổng kết năm", "Bầu cụm trưởng năm 2022", "phát ra 5, thu vào 5",
                   "Lãnh đạo Trung ương dự: Phó Chủ tịch Hội đồng TĐKT TW", "THƯ KÝ HỘI NGHỊ", "CHỦ TRÌ HỘI NGHỊ",
                   "Chủ trì (thử nghiệm)", "Thư ký (thử nghiệm)"):
        assert needle in text, needle


def test_only_the_secretariat_issues_minutes():
    conf = make_conference()
    with pytest.raises(Forbidden):
        conference_minutes_issue(actor=user("hanoi.canbo"), conference_id=conf.pk, with_pdf=False)


def test_demo_minutes_reopen():
    from thidua.documents.models import IssuedDocument

    conf = Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2014)
    doc = IssuedDocument.objects.get(object_type="conference.conference", object_id=str(conf.pk))
    text = text_of(doc.docx_path)
    assert "Cần Thơ, ngày 24 tháng 3 năm 2015" in text
    assert "Thành phố Cần Thơ được suy tôn, đề nghị (5/5 phiếu)" in text
    assert "Thành phố Hà Nội trúng cử (5/5 phiếu)" in text


def test_minutes_and_vote_count_records_are_numbered_in_the_register():
    from datetime import date

    from thidua.documents.models import IssuedDocument

    conf = make_conference()
    b = counted_paper_ballot(conf)
    record = services.ballot_confirm(actor=user("hcm.canbo"), ballot_id=b.pk, with_pdf=False).minutes_document
    minutes = conference_minutes_issue(actor=user("hcm.canbo"), conference_id=conf.pk, with_pdf=False)
    # One sequence for the cluster's Biên bản in the calendar year of the conference (2022 here).
    assert (record.number, record.symbol) == (1, "Số: 01/BB-CTĐ")
    assert (minutes.number, minutes.symbol) == (2, "Số: 02/BB-CTĐ")
    assert "Số: 01/BB-CTĐ" in text_of(record.docx_path) and "Số: 02/BB-CTĐ" in text_of(minutes.docx_path)
    # Re-issuing the minutes of the same conference keeps its number; the register keeps both versions.
    again = conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    assert again.pk != minutes.pk and again.number == 2
    # Another year's conference of the cluster starts again at 01 (conferences of 2014 and 2020 in the demo
    # were held in 2015 and 2021).
    other = make_conference(2025)
    assert other.held_on == date(2026, 3, 20)
    assert conference_minutes_issue(actor=SYSTEM, conference_id=other.pk, with_pdf=False).number == 1
    assert IssuedDocument.objects.filter(type_key="bien_ban", cluster_year__cluster__code="TPTW",
                                         issued_on__year=2022).count() == 3


def test_conference_page_lists_documents_with_their_number(client_as):
    conf = make_conference()
    counted_paper_ballot(conf)
    conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    page = client_as("hanoi.lanhdao").get("/conference/TPTW/2021/").content.decode()
    assert "Số: 01/BB-CTĐ · BIÊN BẢN" in page


def test_demo_documents_carry_register_numbers():
    from thidua.documents.models import IssuedDocument

    conf = Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2014)
    docs = list(IssuedDocument.objects.filter(type_key="bien_ban", cluster_year=conf.cluster_year, issued_on__year=2015)
                .order_by("number"))
    assert [d.number for d in docs] == list(range(1, len(docs) + 1)) and len(docs) >= 2
    minutes = IssuedDocument.objects.get(object_type="conference.conference", object_id=str(conf.pk))
    assert f"Số: {minutes.number:02d}/BB-CTĐ" in text_of(minutes.docx_path)
