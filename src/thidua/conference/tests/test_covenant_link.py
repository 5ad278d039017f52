"""Signing next year's covenant at the conference (issue 5): the conference reads the real signing state
from the covenant app and links to its signing page; the minutes record it."""

from __future__ import annotations

import pytest

from thidua.conference.documents import conference_minutes_issue
from thidua.conference.models import Conference
from thidua.conference.selectors import next_covenant
from thidua.conference.tests.helpers import make_conference, unit, user
from thidua.conference.tests.test_documents import text_of
from thidua.core.actors import SYSTEM
from thidua.covenant.models import Signature

pytestmark = pytest.mark.django_db


def demo_2020():
    return Conference.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=2020)


def test_state_comes_from_the_covenant_signatures_not_a_flag():
    conf = demo_2020()
    state = next_covenant(user=user("hanoi.lanhdao"), conference=conf)
    assert state.exists and state.year == 2021 and state.document_sha256
    assert (state.signed, state.members, state.fully_signed) == (5, 5, True)
    # One leader's signature withdrawn in the covenant app: the conference sees it at once.
    Signature.objects.filter(cluster_year__year=2021, cluster_year__cluster__code="TPTW", unit=unit("48")).delete()
    state = next_covenant(user=user("hanoi.lanhdao"), conference=conf)
    assert (state.signed, state.fully_signed, state.unsigned_unit_ids) == (4, False, (unit("48").pk,))
    conf.signs_next_covenant = False  # the plan flag does not change the state
    assert next_covenant(user=user("hanoi.lanhdao"), conference=conf).signed == 4


def test_conference_page_shows_next_years_covenant_and_links_to_signing(client_as):
    conf = demo_2020()
    Signature.objects.filter(cluster_year__year=2021, cluster_year__cluster__code="TPTW", unit=unit("48")).delete()
    for username in ("hcm.canbo", "hanoi.lanhdao", "tw.lanhdao"):
        html = client_as(username).get("/conference/TPTW/2020/").content.decode()
        assert "Ký giao ước thi đua năm 2021" in html
        assert 'href="/covenant/TPTW/2021/signing/"' in html
        assert "4/5 đơn vị" in html and "chưa ký: Thành phố Đà Nẵng" in html
    assert client_as("ct.stc.canbo").get("/conference/TPTW/2020/").status_code == 404
    assert conf.pk


def test_without_next_cluster_year_the_page_says_so(client_as):
    make_conference(2021)  # no cluster-year 2022 in the demo
    html = client_as("hcm.canbo").get("/conference/TPTW/2021/").content.decode()
    assert "Chưa có kỳ thi đua năm 2022 của cụm" in html and "/covenant/TPTW/2022/signing/" not in html


def test_minutes_record_the_real_signing_state():
    conf = demo_2020()
    doc = conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False)
    text = text_of(doc.docx_path)
    assert "IV. KÝ KẾT GIAO ƯỚC THI ĐUA NĂM 2021" in text and "đã ký Giao ước thi đua năm 2021" in text
    assert "5/5" in text
    Signature.objects.filter(cluster_year__year=2021, cluster_year__cluster__code="TPTW", unit=unit("48")).delete()
    text = text_of(conference_minutes_issue(actor=SYSTEM, conference_id=conf.pk, with_pdf=False).docx_path)
    assert "Đã ký Giao ước thi đua năm 2021: 4/5 đơn vị thành viên; chưa ký: Thành phố Đà Nẵng." in text
    other = make_conference(2021)
    text = text_of(conference_minutes_issue(actor=SYSTEM, conference_id=other.pk, with_pdf=False).docx_path)
    assert "Chưa có kỳ thi đua năm 2022 của cụm; giao ước chưa được ký." in text
