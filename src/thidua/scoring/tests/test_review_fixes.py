"""Regression tests for the defects a reviewer found in the running demo (one test at least per defect, each
failing before its fix)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages

from thidua.accounts.models import User
from thidua.core.actors import SYSTEM
from thidua.core.errors import Forbidden, InvalidInput, InvalidState
from thidua.covenant.models import CycleState
from thidua.scoring import engine, services
from thidua.scoring.models import (
    MemberReport,
    ReportKind,
    ReportStatus,
    Score,
    ScoreOverride,
    ScorerAssignment,
    ScorerRole,
    ScoringConfig,
)
from thidua.scoring.tests.factories import set_cycle, unit

BASE = "/scoring/TPTW/2023"


def _messages(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request)]


def _errors(resp) -> list[str]:
    return [str(m) for m in get_messages(resp.wsgi_request) if m.level_tag == "error"]


def _input_value(html: str, name: str) -> str:
    """The value="…" of the input named `name` in a rendered page."""
    start = html.index(f'name="{name}"')
    tag = html[html.rindex("<", 0, start):html.index(">", start)]
    return tag.split('value="', 1)[1].split('"', 1)[0]


# --- 1. Vietnamese numbers round-trip through every form --------------------------------------------------


def test_report_form_reads_vietnamese_numbers_and_saves_back_what_it_shows(scored, client_as):
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)
    client = client_as("hcm.canbo")
    url = f"{BASE}/reports/{unit('79').pk}/midyear/"
    i1, i2 = crits["I.1"].pk, crits["I.2"].pk
    r = client.post(url, {"op": "save", "summary": "Sơ kết", f"self_{i1}": "4,5", f"actual_{i2}": "150.000"})
    assert _errors(r) == []
    report = MemberReport.objects.get(cluster_year=cy, unit=unit("79"), kind=ReportKind.MIDYEAR)
    entries = {e.criterion_id: e for e in report.entries.all()}
    assert entries[i1].self_score == Decimal("4.5")
    assert entries[i2].actual_value == Decimal("150000")  # "150.000" is a hundred and fifty thousand
    html = client.get(url).content.decode()
    shown_self, shown_actual = _input_value(html, f"self_{i1}"), _input_value(html, f"actual_{i2}")
    assert (shown_self, shown_actual) == ("4,5", "150.000")
    # Saving (and then submitting) exactly what the form shows works and changes nothing.
    r = client.post(url, {"op": "submit", "summary": "Sơ kết", f"self_{i1}": shown_self, f"actual_{i2}": shown_actual})
    assert _errors(r) == []
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert report.entries.get(criterion_id=i2).actual_value == Decimal("150000")


def test_score_form_config_and_reconciliation_accept_what_they_display(scored, client_as):
    cy, crits = scored
    client = client_as("hanoi.canbo")
    a = ScorerAssignment.objects.get(cluster_year=cy, role=ScorerRole.CROSS, scorer_unit=unit("01"), unit=unit("79"))
    url = f"{BASE}/score/{a.pk}/"
    i1 = crits["I.1"].pk
    assert _errors(client.post(url, {f"points_{i1}": "22,5", f"comment_{i1}": "ok"})) == []
    assert Score.objects.get(cluster_year=cy, scorer_unit=unit("01"), unit=unit("79"), criterion_id=i1).points == Decimal("22.5")
    shown = _input_value(client.get(url).content.decode(), f"points_{i1}")
    assert shown == "22,5"
    assert _errors(client.post(url, {f"points_{i1}": shown, f"comment_{i1}": "ok"})) == []

    config_url = f"{BASE}/config/"
    form = {"op": "save", "rule": "mean", "comment_margin": "1,5", "bonus_cap": "0", "penalty_cap": "0",
            "tie_break_1": "bonus", "legal_basis": "Biên bản"}
    assert _errors(client.post(config_url, form)) == []
    assert ScoringConfig.objects.get(cluster_year=cy).comment_margin == Decimal("1.5")
    html = client.get(config_url).content.decode()
    assert _input_value(html, "comment_margin") == "1,5"
    assert _errors(client.post(config_url, {**form, "comment_margin": _input_value(html, "comment_margin")})) == []

    r = client.post(f"{BASE}/reconciliation/", {"unit_id": unit("79").pk, "criterion_id": i1, "points": "6,5",
                                                "reason": "Thống nhất tại hội nghị"})
    assert _errors(r) == []
    assert ScoreOverride.objects.get(cluster_year=cy, unit=unit("79"), criterion_id=i1).points == Decimal("6.5")


# --- 2. An unsubmitted draft's self-scores reach nobody -----------------------------------------------------


def test_a_draft_self_score_neither_leaks_to_the_scorer_nor_counts(scored, client_as, api_as):
    cy, crits = scored
    i1, i2 = crits["I.1"], crits["I.2"]
    services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit("92").pk, kind=ReportKind.YEAR_END,
                         entries=[{"criterion_id": i1.pk, "self_score": 3},
                                  {"criterion_id": i2.pk, "actual_value": 150}])  # a draft, never submitted
    set_cycle(cy, CycleState.SCORING)
    # 01 scores 92 (rotation): 25 without a comment is accepted and says nothing about the draft.
    a = ScorerAssignment.objects.get(cluster_year=cy, role=ScorerRole.CROSS, scorer_unit=unit("01"), unit=unit("92"))
    r = client_as("hanoi.canbo").post(f"{BASE}/score/{a.pk}/", {f"points_{i1.pk}": "25"})
    assert _errors(r) == [] and not any("(3" in m for m in _messages(r))
    r = api_as("hanoi.canbo").post("/api/v1/scoring/TPTW/2023/scores", {
        "role": "cross", "scorer_unit_id": unit("01").pk, "unit_id": unit("92").pk, "criterion_id": i1.pk,
        "points": "24"}, content_type="application/json")
    assert r.status_code == 201, r.content
    # The draft's actual value does not count in the results either.
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    values = {(u, c): v for u, c, _m, _code, v in engine.criterion_values(cluster_year_id=cy.pk)}
    assert not values.get((unit("92").pk, i2.pk))
    # Once submitted, the self-score applies, and the message writes numbers the Vietnamese way.
    report = MemberReport.objects.get(cluster_year=cy, unit=unit("92"), kind=ReportKind.YEAR_END)
    services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=report.pk)
    with pytest.raises(InvalidInput) as exc:
        services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                           unit_id=unit("92").pk, criterion_id=i1.pk, points="25.5")
    assert "(3) quá 1 điểm" in str(exc.value.message)
    with pytest.raises(InvalidInput) as exc:
        services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                           unit_id=unit("92").pk, criterion_id=i1.pk, points="31", comment="x")
    assert "từ 0 đến 30." in str(exc.value.message)


# --- 3. Only the member's own officers write its report ---------------------------------------------------


def test_admin_and_secretariat_cannot_see_or_overwrite_a_member_draft(scored, client_as, api_as):
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)
    draft = services.report_save(actor=SYSTEM, cluster_year=cy, unit_id=unit("92").pk, kind=ReportKind.MIDYEAR,
                                 summary="Bản nháp của Cần Thơ",
                                 entries=[{"criterion_id": crits["I.1"].pk, "self_score": 3}])
    url = f"{BASE}/reports/{unit('92').pk}/midyear/"
    for username in ("admin", "hanoi.canbo", "tw.canbo"):
        client = client_as(username)
        assert client.get(url).status_code == 404, username
        assert client.post(url, {"op": "save", "summary": ""}).status_code == 404, username
        r = api_as(username).post("/api/v1/scoring/TPTW/2023/reports", {
            "unit_id": unit("92").pk, "kind": "midyear", "summary": "", "entries": []},
            content_type="application/json")
        assert r.status_code in (403, 404), (username, r.status_code)
    draft.refresh_from_db()
    assert draft.summary == "Bản nháp của Cần Thơ"
    assert draft.entries.get(criterion=crits["I.1"]).self_score == 3
    # The admin cannot write any member's data through the services either.
    from thidua.accounts.models import User

    admin = User.objects.get(username="admin")
    with pytest.raises(Forbidden):
        services.report_save(actor=admin, cluster_year=cy, unit_id=unit("92").pk, kind=ReportKind.MIDYEAR)
    with pytest.raises(Forbidden):
        services.report_submit(actor=admin, cluster_year=cy, report_id=draft.pk)
    # The member's own officers still edit their draft.
    assert client_as("cantho.canbo").get(url).status_code == 200


# --- 4. Saving the configuration keeps what the form shows --------------------------------------------------


def _select_value(html: str, name: str) -> str:
    """What a browser submits for a <select>: the selected option, else the first."""
    start = html.index(f'<select name="{name}"')
    body = html[start:html.index("</select>", start)]
    options = body.split("<option")[1:]
    chosen = next((o for o in options if " selected" in o.split(">", 1)[0]), options[0])
    return chosen.split('value="', 1)[1].split('"', 1)[0]


def test_config_form_keeps_tie_breaks_and_a_zero_margin(scored, client_as):
    cy, _ = scored
    client = client_as("hanoi.canbo")
    url = f"{BASE}/config/"
    form = {"op": "save", "rule": "mean", "comment_margin": "0", "bonus_cap": "0", "penalty_cap": "0",
            "tie_break_1": "bonus", "tie_break_2": "fewer_penalty", "tie_break_3": "", "legal_basis": "Biên bản 1"}
    assert _errors(client.post(url, form)) == []
    html = client.get(url).content.decode()
    assert _input_value(html, "comment_margin") == "0"
    assert "Hiện tại: Điểm thưởng nhiều hơn; Điểm trừ ít hơn" in html
    resubmit = {name: _select_value(html, name) for name in ("rule", "tie_break_1", "tie_break_2", "tie_break_3")}
    resubmit.update(op="save", comment_margin=_input_value(html, "comment_margin"), bonus_cap="0", penalty_cap="0",
                    legal_basis="Biên bản 2")  # only the legal basis changed
    assert _errors(client.post(url, resubmit)) == []
    config = ScoringConfig.objects.get(cluster_year=cy)
    assert config.legal_basis == "Biên bản 2"
    assert config.tie_breaks() == [("bonus", ""), ("fewer_penalty", "")]
    assert config.comment_margin == 0


# --- 5. A removed scorer's scores stop counting -------------------------------------------------------------


def _value(cy, unit_code, criterion):
    return {(u, c): v for u, c, _m, _code, v in engine.criterion_values(cluster_year_id=cy.pk)}[
        (unit(unit_code).pk, criterion.pk)]


def test_removing_an_assignment_deletes_its_scores_audited(scored, client_as):
    from thidua.core.models import AuditEntry

    cy, crits = scored
    i1 = crits["I.1"]
    assert Decimal(str(_value(cy, "79", i1))) == 21  # mean of 92's 20 and 01's 22
    a = ScorerAssignment.objects.get(cluster_year=cy, role=ScorerRole.CROSS, scorer_unit=unit("01"), unit=unit("79"))
    # The page asks before removing, saying how many scores go with the assignment.
    html = client_as("hanoi.canbo").get(f"{BASE}/config/").content.decode()
    assert "? 1 điểm đơn vị này đã chấm sẽ bị xóa." in html
    r = client_as("hanoi.canbo").post(f"{BASE}/config/", {"op": "remove", "assignment_id": a.pk})
    assert _errors(r) == []
    assert not Score.objects.filter(cluster_year=cy, scorer_unit=unit("01"), unit=unit("79")).exists()
    entry = AuditEntry.objects.filter(action="scoring.assignment.removed").latest("pk")
    assert entry.payload["removed_scores"] == [{"role": "cross", "scorer_unit": unit("01").pk, "unit": unit("79").pk,
                                                "criterion": "I.1", "points": "22.00", "comment": "ok"}]
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert Decimal(str(_value(cy, "79", i1))) == 20  # only 92's score is left
    # The other scorer's scores are untouched.
    assert Score.objects.filter(cluster_year=cy, scorer_unit=unit("92"), unit=unit("79")).exists()


def test_regenerating_the_rotation_deletes_scores_of_dropped_scorers_and_is_refused_once_frozen(scored):
    from thidua.core.models import AuditEntry

    cy, crits = scored
    # With one scorer each: 79 is scored by 92 (kept), 01 by 31 (kept); 01's score of 79 and 48's of 01 go.
    services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=1)
    left = set(Score.objects.filter(cluster_year=cy).values_list("scorer_unit__code", "unit__code"))
    assert left == {("92", "79"), ("31", "01")}
    removed = AuditEntry.objects.filter(action="scoring.assignments.generated").latest("pk").payload["removed_scores"]
    assert {(r["scorer_unit"], r["unit"]) for r in removed} == {(unit("01").pk, unit("79").pk),
                                                                 (unit("48").pk, unit("01").pk)}
    services.results_compute(actor=SYSTEM, cluster_year=cy)
    assert Decimal(str(_value(cy, "01", crits["I.1"]))) == 28
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    a = ScorerAssignment.objects.filter(cluster_year=cy, role=ScorerRole.CROSS).first()
    with pytest.raises(InvalidState):
        services.assignment_remove(actor=SYSTEM, cluster_year=cy, assignment_id=a.pk)
    with pytest.raises(InvalidState):
        services.assignments_generate(actor=SYSTEM, cluster_year=cy, cross_per_member=2)
    assert Score.objects.filter(cluster_year=cy).count() == 2


# --- 6. Partial indicator data is never stated as the cluster total -----------------------------------------


def test_partial_indicator_data_is_not_published_as_the_cluster_total(scored, client_as, settings, tmp_path):
    from docx import Document

    from thidua.scoring.documents import review_report_issue
    from thidua.scoring.models import Indicator
    from thidua.scoring.selectors import indicator_shares

    settings.MEDIA_ROOT = str(tmp_path)
    cy, _ = scored
    ind = Indicator.objects.get(cluster__isnull=True, code="thu-ngan-sach")
    services.indicator_value_set(actor=SYSTEM, cluster_year=cy, indicator_id=ind.pk, unit_id=unit("01").pk,
                                 value=Decimal(280000))
    services.indicator_value_set(actor=SYSTEM, cluster_year=cy, indicator_id=ind.pk, unit_id=None,
                                 value=Decimal(1500000))
    s = next(s for s in indicator_shares(cluster_year=cy) if s["indicator"].pk == ind.pk)
    assert (s["cluster_total"], s["share"], s["reported"], s["expected"]) == (None, None, 1, 5)
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    html = client_as("hanoi.canbo").get(f"{BASE}/").content.decode()
    assert "chưa đủ số liệu (1/5 thành viên)" in html and "18,7" not in html
    doc = review_report_issue(actor=User.objects.get(username="hanoi.canbo"), cluster_year=cy)
    text = "\n".join(p.text for p in Document(str(tmp_path / doc.docx_path)).paragraphs)
    assert "280.000" not in text and "18,7" not in text
    assert "chưa đủ số liệu để tính tổng của Cụm (1/5 thành viên có số liệu)" in text
    # With every member's value the total and the share are stated, without a stray decimal.
    for code in ("31", "48", "79", "92"):
        services.indicator_value_set(actor=SYSTEM, cluster_year=cy, indicator_id=ind.pk, unit_id=unit(code).pk,
                                     value=Decimal(100000))
    s = next(s for s in indicator_shares(cluster_year=cy) if s["indicator"].pk == ind.pk)
    assert (s["cluster_total"], s["share"]) == (Decimal(680000), Decimal("45.3"))
    doc = review_report_issue(actor=User.objects.get(username="hanoi.canbo"), cluster_year=cy)
    text = "\n".join(p.text for p in Document(str(tmp_path / doc.docx_path)).paragraphs)
    assert "đạt 680.000 tỷ đồng, chiếm 45,3% cả nước" in text, text


# --- 7. A refused save keeps what was typed and says where, once -------------------------------------------


def test_refused_report_save_keeps_the_input_and_names_the_criterion_once(scored, client_as, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)
    client = client_as("hcm.canbo")
    url = f"{BASE}/reports/{unit('79').pk}/midyear/"
    i1, i2 = crits["I.1"].pk, crits["I.2"].pk
    r = client.post(url, {"op": "save", "summary": "Tóm tắt đã gõ", f"self_{i1}": "abc", f"actual_{i2}": "120",
                          f"narrative_{i2}": "Thuyết minh dài đã gõ"})
    assert r.status_code == 422
    html = r.content.decode()
    assert "Tóm tắt đã gõ" in html and "Thuyết minh dài đã gõ" in html
    assert _input_value(html, f"self_{i1}") == "abc" and _input_value(html, f"actual_{i2}") == "120"
    [error] = _errors(r)
    assert "I.1: Giá trị phải là một số." in error and error.count("Giá trị phải là một số.") == 1
    assert not MemberReport.objects.filter(cluster_year=cy, unit=unit("79"), kind=ReportKind.MIDYEAR).exists()
    # Single-field refusals are said once.
    client.post(url, {"op": "save", "summary": "x"})
    from django.core.files.uploadedfile import SimpleUploadedFile

    [error] = _errors(client.post(url, {"op": "evidence", "criterion_id": i1,
                                        "file": SimpleUploadedFile("rong.pdf", b"", content_type="application/pdf")}))
    assert error == "Tệp rỗng."
    report = MemberReport.objects.get(cluster_year=cy, unit=unit("79"), kind=ReportKind.YEAR_END)
    set_cycle(cy, CycleState.SCORING)
    [error] = _errors(client_as("hanoi.canbo").post(f"{BASE}/reports/{unit('79').pk}/year_end/",
                                                    {"op": "return", "reason": ""}))
    assert error == "Cần nêu lý do trả lại."
    r = client_as("hanoi.canbo").post(f"{BASE}/reports/{unit('79').pk}/year_end/",
                                      {"op": "return", "reason": "Thiếu minh chứng"})
    assert _messages(r) == ["Đã trả lại báo cáo để thành viên sửa."]
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED


# --- 8. A wrongly uploaded evidence file can be removed from a draft ----------------------------------------


PDF = b"%PDF-1.4\n%%EOF\n"


def test_evidence_removal_from_a_draft_only_audited(scored, client_as, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from thidua.core.models import AuditEntry
    from thidua.scoring.models import Evidence

    settings.MEDIA_ROOT = str(tmp_path)
    cy, crits = scored
    set_cycle(cy, CycleState.IMPLEMENTATION)
    client = client_as("hcm.canbo")
    url = f"{BASE}/reports/{unit('79').pk}/midyear/"
    client.post(url, {"op": "save", "summary": "Sơ kết"})
    for name in ("nham.pdf", "dung.pdf"):
        client.post(url, {"op": "evidence", "criterion_id": crits["I.1"].pk,
                          "file": SimpleUploadedFile(name, PDF, content_type="application/pdf")})
    report = MemberReport.objects.get(cluster_year=cy, unit=unit("79"), kind=ReportKind.MIDYEAR)
    wrong = Evidence.objects.get(entry__report=report, original_name="nham.pdf")
    assert f'form="evidence-remove-{wrong.pk}"' in client.get(url).content.decode()
    # Nobody else removes it.
    assert client_as("hanoi.canbo").post(url, {"op": "evidence_remove", "evidence_id": wrong.pk}).status_code == 404
    r = client.post(url, {"op": "evidence_remove", "evidence_id": wrong.pk})
    assert _messages(r) == ["Đã xóa minh chứng."]
    assert list(Evidence.objects.filter(entry__report=report).values_list("original_name", flat=True)) == ["dung.pdf"]
    entry = AuditEntry.objects.filter(action="scoring.evidence.removed").latest("pk")
    assert entry.payload["name"] == "nham.pdf" and entry.payload["sha256"] == wrong.sha256
    # Once submitted, evidence stays.
    services.report_submit(actor=SYSTEM, cluster_year=cy, report_id=report.pk)
    right = Evidence.objects.get(entry__report=report)
    with pytest.raises(InvalidState):
        services.evidence_remove(actor=SYSTEM, cluster_year=cy, report_id=report.pk, evidence_id=right.pk)
    assert _errors(client.post(url, {"op": "evidence_remove", "evidence_id": right.pk}))
    assert Evidence.objects.filter(pk=right.pk).exists()


# --- 9. The secretariat is offered only the forms it can use -----------------------------------------------


def test_secretariat_lists_only_its_own_units_and_the_panels_assignments(scored, client_as):
    cy, _ = scored
    r = client_as("hanoi.canbo").get(f"{BASE}/score/")
    listed = list(r.context["assignments"])
    assert listed and all(a.role == "panel" or a.scorer_unit_id == unit("01").pk for a in listed)
    other = ScorerAssignment.objects.get(cluster_year=cy, role=ScorerRole.CROSS, scorer_unit=unit("48"), unit=unit("01"))
    assert all(a.pk != other.pk for a in listed)
    assert client_as("hanoi.canbo").get(f"{BASE}/score/{other.pk}/").status_code == 404
    # Its own unit's and the panel's forms still open.
    assert all(client_as("hanoi.canbo").get(f"{BASE}/score/{a.pk}/").status_code == 200 for a in listed[:3])


# --- 10, 11, 12, 14, 16. Confirmations, names, Vietnamese numbers and headers, caps, messages --------------


def test_pages_confirm_irreversible_actions_and_name_units(scored, client_as):
    from thidua.scoring.selectors import members_of

    cy, crits = scored
    names = {u.code: u.as_of_short_name or u.as_of_name for u in members_of(cluster_year=cy)}
    client = client_as("hanoi.canbo")
    dash = client.get(f"{BASE}/").content.decode()
    assert "data-confirm=\"Khóa kết quả?" in dash
    config = client.get(f"{BASE}/config/").content.decode()
    assert "data-confirm=\"Tạo lại phân công sẽ thay thế toàn bộ phân công hiện có" in config
    assert f"Bỏ phân công {names['01']} chấm {names['79']}?" in config
    assert f'<option value="{unit("79").pk}">{names["79"]}</option>' in config
    a = ScorerAssignment.objects.get(cluster_year=cy, role=ScorerRole.CROSS, scorer_unit=unit("01"), unit=unit("79"))
    form = client.get(f"{BASE}/score/{a.pk}/").content.decode()
    assert f"{names['01']} chấm {names['79']}" in form
    assert "<th>Bước điểm</th>" in form
    recon = client.get(f"{BASE}/reconciliation/").content.decode()
    assert f"<th>{names['92']}</th>" in recon and f"{names['92']}: 20" in recon
    assert "/tối đa 5 điểm thưởng" in recon  # a bonus criterion's cap, not its 0 maximum
    reports = client.get(f"{BASE}/reports/").content.decode()
    assert f">{names['79']}</a>" in reports
    csv = client.get(f"{BASE}/ranking.csv").content.decode("utf-8-sig")
    assert csv.splitlines()[0] == "Hạng,Mã đơn vị,Tên đơn vị,Tổng điểm,Xếp loại,Bằng điểm chưa phân hạng được"
    r = client.post(f"{BASE}/results/compute/")
    assert _messages(r) == ["Đã tính lại điểm và xếp hạng."]
    # The member's report page names the unit, confirms the submission, shows the bonus cap.
    set_cycle(cy, CycleState.IMPLEMENTATION)
    page = client_as("hcm.canbo").get(f"{BASE}/reports/{unit('79').pk}/midyear/").content.decode()
    assert "Báo cáo sơ kết 6 tháng – " in page
    assert 'value="submit" data-confirm="Gửi báo cáo?' in page
    assert "tối đa 5 điểm thưởng" in page and "tối đa 4 điểm trừ" in page


def test_excel_names_units_and_shows_bonus_caps(scored, client_as):
    import io

    from openpyxl import load_workbook

    from thidua.scoring.selectors import members_of

    cy, _ = scored
    names = {u.pk: u.as_of_short_name or u.as_of_name for u in members_of(cluster_year=cy)}
    wb = load_workbook(io.BytesIO(client_as("hanoi.canbo").get(f"{BASE}/bang-tong-hop-diem.xlsx").content))
    sheet = wb.worksheets[0]
    header = [c.value for c in sheet[3]]
    maxima = dict(zip(header, [c.value for c in sheet[4]], strict=False))
    assert maxima["III"] == 5 and maxima["IV"] == 4 and maxima["I.1"] == 30
    detail = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert detail and all(row[0] in names.values() and row[3] in names.values() for row in detail)


def test_error_messages_write_numbers_the_vietnamese_way(scored):
    cy, crits = scored
    crits["I.1"].step = Decimal("0.5")
    crits["I.1"].save()
    with pytest.raises(InvalidInput) as exc:
        services.score_set(actor=SYSTEM, cluster_year=cy, role=ScorerRole.CROSS, scorer_unit_id=unit("01").pk,
                           unit_id=unit("79").pk, criterion_id=crits["I.1"].pk, points="22.25", comment="x")
    assert str(exc.value.message) == "Điểm phải là bội số của 0,5."
    with pytest.raises(InvalidInput) as exc:
        services.override_set(actor=SYSTEM, cluster_year=cy, unit_id=unit("79").pk, criterion_id=crits["I.2"].pk,
                              points="25.5", reason="x")
    assert str(exc.value.message) == "Điểm phải từ 0 đến 25."


# --- 13. Báo cáo tổng kết: chosen date, signer, no empty heading ---------------------------------------------


def test_review_report_date_signer_and_empty_indicator_section(scored, client_as, settings, tmp_path):
    from datetime import date, timedelta

    from django.utils import timezone
    from docx import Document

    from thidua.scoring.documents import review_report_issue

    settings.MEDIA_ROOT = str(tmp_path)
    cy, _ = scored
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    secretary = User.objects.get(username="hanoi.canbo")
    doc = review_report_issue(actor=secretary, cluster_year=cy, on_date=date(2024, 1, 15))
    d = Document(str(tmp_path / doc.docx_path))
    text = "\n".join(p.text for p in d.paragraphs)
    cells = "\n".join(c.text for t in d.tables for row in t.rows for c in row.cells)
    assert "ngày 15 tháng 01 năm 2024" in cells + text
    assert "Phạm Quốc Hùng" in cells + text  # Hà Nội's leader signs
    assert "Chưa có số liệu chỉ tiêu kinh tế - xã hội" in text
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(InvalidInput):
        review_report_issue(actor=secretary, cluster_year=cy, on_date=tomorrow)
    r = client_as("hanoi.canbo").post(f"{BASE}/bao-cao-tong-ket/", {"on_date": tomorrow.isoformat()})
    assert _errors(r) == ["Ngày của báo cáo không được sau ngày hôm nay."]
    assert 'name="on_date"' in client_as("hanoi.canbo").get(f"{BASE}/").content.decode()


# --- 17. A refused configuration or reconciliation keeps what was typed, 422, each message once -------------


def _config_row(cy) -> dict:
    from django.forms.models import model_to_dict

    return model_to_dict(ScoringConfig.objects.get(cluster_year=cy))


def test_refused_config_save_keeps_the_input_and_names_the_fields_once(scored, client_as):
    from thidua.core.models import AuditEntry

    cy, _ = scored
    before, audits = _config_row(cy), AuditEntry.objects.filter(action="scoring.config.saved").count()
    client = client_as("hanoi.canbo")
    form = {"op": "save", "rule": "median" if before["rule"] != "median" else "mean",
            "comment_margin": "abc", "bonus_cap": "2,5", "penalty_cap": "-1", "tie_break_1": "",
            "tie_break_2": "group", "tie_break_2_group": "ZZ", "tie_break_3": "bonus",
            "award_window_years": "4", "legal_basis": "Biên bản đã gõ"}
    r = client.post(f"{BASE}/config/", form)
    assert r.status_code == 422
    html = r.content.decode()
    assert _select_value(html, "rule") == form["rule"]
    for name in ("comment_margin", "bonus_cap", "penalty_cap", "tie_break_2_group", "award_window_years",
                 "legal_basis"):
        assert _input_value(html, name) == form[name], name
    assert [_select_value(html, f"tie_break_{i}") for i in (1, 2, 3)] == ["", "group", "bonus"]
    assert 'name="award_history_follows_unit" checked' not in html  # the box was left unticked
    [error] = _errors(r)
    # Each field named (the group code is that of slot 2, the one typed, though slot 1 was left empty).
    assert "Chênh lệch tối đa so với điểm tự chấm không cần nhận xét: Giá trị phải là một số." in error
    assert "Tổng điểm trừ tối đa (0: không giới hạn): Giá trị không được âm." in error
    assert "Tiêu chí phân hạng khi bằng điểm 2 (mã nhóm): Mã nhóm tiêu chí không có trong bộ tiêu chí." in error
    for text in ("Giá trị phải là một số.", "Giá trị không được âm.", "Mã nhóm tiêu chí"):
        assert error.count(text) == 1 and html.count(text) == 1, text
    assert 'name="comment_margin" value="abc" aria-invalid="true"' in html
    assert _config_row(cy) == before
    assert AuditEntry.objects.filter(action="scoring.config.saved").count() == audits
    # A single-field refusal is said once, naming the field; a valid save still redirects.
    r = client.post(f"{BASE}/config/", {**form, "comment_margin": "1", "penalty_cap": "0", "tie_break_2": "",
                                        "award_window_years": "11"})
    assert r.status_code == 422
    assert _errors(r) == ["Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại. Số năm tính khen thưởng tự động "
                          "(1: chỉ năm đánh giá): Số năm tính khen thưởng tự động phải từ 1 đến 10."]
    assert _input_value(r.content.decode(), "award_window_years") == "11"
    assert _config_row(cy) == before
    r = client.post(f"{BASE}/config/", {**form, "comment_margin": "1", "penalty_cap": "0", "tie_break_2": ""})
    assert r.status_code == 302 and _errors(r) == []
    assert ScoringConfig.objects.get(cluster_year=cy).legal_basis == "Biên bản đã gõ"


def test_refused_reconciliation_keeps_the_input_and_saves_nothing(scored, client_as):
    from thidua.core.models import AuditEntry

    cy, crits = scored
    client = client_as("hanoi.canbo")
    url = f"{BASE}/reconciliation/"
    ii1 = crits["II.1"].pk
    audits = AuditEntry.objects.filter(action__startswith="scoring.override").count()
    # No reason.
    r = client.post(url, {"unit_id": unit("31").pk, "criterion_id": ii1, "points": "19,5", "reason": "  "})
    assert r.status_code == 422
    html = r.content.decode()
    assert _select_value(html, "unit_id") == str(unit("31").pk)
    assert _select_value(html, "criterion_id") == str(ii1)
    assert _input_value(html, "points") == "19,5"
    assert _errors(r) == ["Lý do (bắt buộc): Cần nêu lý do khi thống nhất điểm thủ công."]
    assert html.count("Cần nêu lý do khi thống nhất điểm thủ công.") == 1
    # Out of range: the reason typed is kept.
    r = client.post(url, {"unit_id": unit("31").pk, "criterion_id": ii1, "points": "26",
                          "reason": "Thống nhất tại cuộc họp <tổ chấm>"})
    assert r.status_code == 422
    html = r.content.decode()
    assert _input_value(html, "points") == "26"
    assert "Thống nhất tại cuộc họp &lt;tổ chấm&gt;</textarea>" in html
    assert _errors(r) == ["Điểm thống nhất: Điểm phải từ 0 đến 25."]
    assert 'name="points" inputmode="decimal" required value="26" aria-invalid="true"' in html
    assert not ScoreOverride.objects.filter(cluster_year=cy).exists()
    assert AuditEntry.objects.filter(action__startswith="scoring.override").count() == audits
    # After publication a refused correction is kept the same way, and nothing is recorded.
    services.results_freeze(actor=SYSTEM, cluster_year=cy)
    services.results_publish(actor=SYSTEM, cluster_year=cy)
    r = client.post(url, {"unit_id": unit("31").pk, "criterion_id": ii1, "points": "abc", "reason": "Đính chính"})
    assert r.status_code == 422
    html = r.content.decode()
    assert _input_value(html, "points") == "abc" and "Đính chính</textarea>" in html
    assert _errors(r) == ["Điểm thống nhất: Giá trị phải là một số."]
    assert not ScoreOverride.objects.filter(cluster_year=cy).exists()
    assert not AuditEntry.objects.filter(action="scoring.results.corrected").exists()
    # A valid entry still saves and redirects.
    r = client.post(url, {"unit_id": unit("31").pk, "criterion_id": ii1, "points": "19,5", "reason": "Đính chính"})
    assert r.status_code == 302 and _errors(r) == []
    assert ScoreOverride.objects.get(cluster_year=cy).points == Decimal("19.5")
