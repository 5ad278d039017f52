"""Regression tests for the defects found by the review of the running demo (one test or more per defect)."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from thidua.awards import selectors, services
from thidua.awards.demo import scan_pdf
from thidua.awards.models import BlockerKind, Nomination, NominationState
from thidua.core.actors import SYSTEM
from thidua.documents.tests.samples import docx_text
from thidua.organisations.models import ClusterYear, Unit

pytestmark = pytest.mark.django_db
FLAG, CERT = "co-thi-dua-chinh-phu", "bang-khen-thu-tuong"
SECRET_REF = "Quyết định khởi tố số 12/QĐ-CSĐT (mật)"


def _unit(code):
    return Unit.objects.get(code=code)


def _block(code, starts_on=None):
    return services.blocker_record(actor=SYSTEM, kind=BlockerKind.INVESTIGATION, unit_id=_unit(code).pk,
                                   starts_on=starts_on or date.today() - timedelta(days=1), reference=SECRET_REF)


def _seed(year, code, award):
    return Nomination.objects.get(cluster_year__cluster__code="TPTW", cluster_year__year=year,
                                  nominee_unit__code=code, award_type__code=award)


def _draft_for_hanoi():
    return services.nomination_create_from_conference(
        actor=SYSTEM, cluster_year_id=ClusterYear.objects.get(cluster__code="TPTW", year=2025).pk,
        unit_id=_unit("01").pk, award_code=FLAG, vote_summary={"leading": True}, minutes_document_id=None)


# --- 1. Blockers and registry figures leaked through the eligibility API and the dossier page ----------------


@pytest.mark.parametrize("username,status", [("ct.stc.canbo", 404), ("hanoi.canbo", 404), ("cantho.canbo", 200),
                                             ("tw.canbo", 200)])
def test_api_eligibility_of_a_unit_outside_the_awards_scope_is_404(api_as, username, status):
    _block("92")
    r = api_as(username).get("/api/v1/awards/eligibility", {"award": "tap-the-lao-dong-xuat-sac", "year": 2025,
                                                            "unit_id": _unit("92").pk})
    assert r.status_code == status
    if status == 200:
        assert any(SECRET_REF in x["message"] for x in r.json()["reasons"])


@pytest.mark.parametrize("username,sees", [("hanoi.canbo", False), ("hcm.lanhdao", False), ("cantho.canbo", True),
                                           ("tw.canbo", True)])
def test_dossier_page_shows_blockers_only_to_those_who_may_see_them(client_as, username, sees):
    _block("92")
    n = _seed(2014, "92", FLAG)  # a draft of Cần Thơ, visible to the other members of the cluster
    r = client_as(username).get(f"/awards/nominations/{n.pk}/")
    assert r.status_code == 200
    assert (SECRET_REF in r.content.decode()) == sees


# --- 2. A service refusing because the dossier changed meanwhile is a message, not a server error -----------


def test_upload_after_the_dossier_was_withdrawn_in_another_tab_is_a_message(client_as):
    n = _draft_for_hanoi()
    c = client_as("hanoi.canbo")
    services.nomination_withdraw(actor=SYSTEM, nomination_id=n.pk, reason="Rút ở thẻ khác")
    r = c.post(f"/awards/nominations/{n.pk}/upload/", {"requirement": "to_trinh",
                                                       "file": SimpleUploadedFile("tt.pdf", scan_pdf())})
    assert r.status_code == 302
    body = c.get(r["Location"]).content.decode()
    assert "Chỉ bổ sung hồ sơ khi đang soạn" in body
    assert not n.documents.filter(file_path__gt="").exists()


def test_registry_forms_show_a_state_refusal_on_the_form(client_as, monkeypatch):
    from thidua.core.errors import InvalidState

    def refuse(**kwargs):
        raise InvalidState(message="Trạng thái đã thay đổi")

    monkeypatch.setattr(services, "household_create", refuse)
    r = client_as("hanoi.canbo").post("/awards/households/", {"head_name": "A", "address": "B",
                                                              "unit": _unit("01").pk, "note": ""})
    assert r.status_code == 422 and "Trạng thái đã thay đổi" in r.content.decode()


# --- 3. A decided dossier judged against its own award and against blockers recorded years later ------------


def test_decided_dossier_is_not_refused_by_its_own_award_nor_by_a_later_blocker(client_as, user_named):
    n = _seed(2020, "92", CERT)
    assert n.state in (NominationState.DECIDED, NominationState.AWARDED)
    _block("92", starts_on=date.today() - timedelta(days=1))
    verdict = selectors.nomination_verdict(user=user_named("tw.canbo"), nomination=n)
    failed = [r for r in verdict.reasons if not r.ok]
    assert not any(r.rule == "one_achievement_once" for r in failed), failed
    assert not any(r.rule == "blockers" for r in failed), failed
    body = client_as("tw.canbo").get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "đã được khen" not in body and SECRET_REF not in body


def test_another_award_of_the_same_achievement_still_refuses():
    n = _seed(2020, "92", CERT)
    v = selectors.eligibility_check(award_code=CERT, year=2020, unit_id=n.nominee_unit_id)
    assert not v.eligible and any(r.rule == "one_achievement_once" and not r.ok for r in v.reasons)


# --- 5. Government Flag without a cluster's result; "no rule evaluated" shown as eligible -------------------


def test_flag_without_a_cluster_result_is_not_eligible(client_as):
    v = selectors.eligibility_check(award_code=FLAG, year=2025, unit_id=_unit("92-SXD").pk)
    assert not v.eligible
    assert any(not r.ok and "dẫn đầu cụm" in r.message for r in v.reasons)
    c = client_as("hanoi.canbo")
    r = c.post("/awards/", {"award": FLAG, "year": 2025, "achievement": "x"})
    assert r.status_code == 302
    n = Nomination.objects.filter(proposing_unit__code="01", award_type__code=FLAG, year=2025,
                                  cluster_year__isnull=True).get()
    problems, _verdict = services.submission_problems(n, on=date.today())
    assert any("dẫn đầu cụm" in p.message for p in problems)
    body = c.get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "Chưa đủ điều kiện" in body


def test_flag_from_the_conference_is_still_judged_on_the_cluster_rule():
    n = _draft_for_hanoi()
    v = selectors.eligibility_check(award_code=FLAG, year=2025, unit_id=n.nominee_unit_id, cluster_year=n.cluster_year,
                                    exclude_nomination_id=n.pk, vote_summary=n.vote_summary, conference_winner=True)
    assert v.applicable and not any(not r.ok and "dẫn đầu cụm, khối thi đua" in r.message for r in v.reasons)


def test_not_applicable_verdict_is_never_eligible(api_as, client_as):
    # No rule of the rule set judges a collective for the provincial Bằng khen (its rules are for individuals).
    hanoi = _unit("01").pk
    r = api_as("hanoi.canbo").get("/api/v1/awards/eligibility", {"award": "bang-khen-cap-bo-tinh", "year": 2025,
                                                                 "unit_id": hanoi})
    data = r.json()
    assert r.status_code == 200 and data["applicable"] is False and data["eligible"] is False
    body = client_as("hanoi.canbo").get("/awards/eligibility/", {"award": "bang-khen-cap-bo-tinh", "year": 2025,
                                                                 "unit": hanoi}).content.decode()
    assert "Chưa xác định được điều kiện" in body and "Đủ điều kiện" not in body


# --- 4. Files of a dossier: the proposing unit and the central board, not the other members ----------------


def _scan_of(n):
    return n.documents.exclude(file_path="").first()


def _issued_of(n):
    return n.documents.filter(issued_document__isnull=False).first()


@pytest.mark.parametrize("username,allowed", [("cantho.canbo", True), ("cantho.lanhdao", True), ("tw.canbo", True),
                                              ("hanoi.canbo", False), ("danang.canbo", False),
                                              ("hcm.lanhdao", False)])
def test_dossier_files_for_the_proposer_and_the_central_board_only(client_as, username, allowed):
    n = _seed(2014, "92", FLAG)  # a draft dossier of Cần Thơ with a generated draft and signed scans
    scan, issued = _scan_of(n), _issued_of(n)
    c = client_as(username)
    assert c.get(f"/awards/nominations/{n.pk}/").status_code == 200
    r1 = c.get(f"/awards/nominations/{n.pk}/files/{scan.pk}/")
    r2 = c.get(f"/awards/nominations/{n.pk}/documents/{issued.pk}.docx")
    assert (r1.status_code, r2.status_code) == ((200, 200) if allowed else (404, 404))
    body = c.get(f"/awards/nominations/{n.pk}/").content.decode()
    assert (f"/awards/nominations/{n.pk}/files/{scan.pk}/" in body) == allowed


# --- 12. Download names: the scan's extension, no colon in the Tờ trình's name ------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_download_names_have_an_extension_and_no_colon(client_as):
    n = _draft_for_hanoi()
    c = client_as("hanoi.canbo")
    c.post(f"/awards/nominations/{n.pk}/upload/", {"requirement": "to_trinh", "file": SimpleUploadedFile("a.png", PNG)})
    scan = _scan_of(n)
    assert scan.content_type == "image/png"
    r = c.get(f"/awards/nominations/{n.pk}/files/{scan.pk}/")
    assert 'filename="to_trinh.png"' in r["Content-Disposition"]
    made = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk)
    r = c.get(f"/awards/nominations/{n.pk}/documents/{made.pk}.docx")
    assert r.status_code == 200
    disposition = r["Content-Disposition"]
    name = disposition.split("filename=", 1)[1]
    assert ":" not in name and "/" not in name and name.strip('"').endswith(".docx"), disposition


# --- 6. Decision dates in the future, before the achievement year, before the dossier was sent ------------


def _at_submitted_pm(submitted_on):
    n = _draft_for_hanoi()
    for item in selectors.checklist(n):
        if item.required and not item.done:
            services.nomination_upload_document(actor=SYSTEM, nomination_id=n.pk, requirement=item.code,
                                                filename="x.pdf", content=scan_pdf())
    services.nomination_submit(actor=SYSTEM, nomination_id=n.pk, on=submitted_on)
    Nomination.objects.filter(pk=n.pk).update(state=NominationState.SUBMITTED_PM)
    return n


def test_decision_dated_before_the_year_ends_or_before_the_dossier_was_sent_is_refused(client_as):
    from thidua.core.errors import InvalidInput, InvalidState

    n = _at_submitted_pm(date(2026, 3, 2))
    for bad in (date(2001, 1, 1), date(2025, 12, 1), date(2026, 3, 1)):
        with pytest.raises(InvalidInput):
            services.nomination_decide(actor=SYSTEM, nomination_id=n.pk, decision_number="300/QĐ-TTg",
                                       decision_date=bad, signer="Thủ tướng Chính phủ")
        with pytest.raises(InvalidState):
            services.decision_apply(actor=SYSTEM, nomination_ids=[n.pk], decision_number="300/QĐ-TTg",
                                    decision_date=bad, signer="Thủ tướng Chính phủ")
    r = client_as("tw.canbo").post("/awards/decisions/", {"decision_number": "300/QĐ-TTg", "decision_date": "2001-01-01",
                                                          "signer": "Thủ tướng", "note": "", "nominations": [n.pk]})
    assert r.status_code == 422 and "không được trước năm thành tích 2025" in r.content.decode()
    d = services.decision_apply(actor=SYSTEM, nomination_ids=[n.pk], decision_number="300/QĐ-TTg",
                                decision_date=date(2026, 3, 2), signer="Thủ tướng Chính phủ")
    assert d.nominations.filter(pk=n.pk).exists()


def test_registering_history_checks_the_decision_date():
    from thidua.core.errors import InvalidInput

    hanoi = _unit("01").pk
    for year, when in ((2022, date(2005, 1, 15)), (2022, date(2021, 12, 31)), (2020, date.today() + timedelta(days=3))):
        with pytest.raises(InvalidInput):
            services.award_record_register(actor=SYSTEM, award_code="co-thi-dua-cap-bo-tinh", year=year,
                                           decision_number="12/QĐ-UBND", decision_date=when, unit_id=hanoi)
    # A year-end title decided in December of the achievement year itself is normal.
    services.award_record_register(actor=SYSTEM, award_code="co-thi-dua-cap-bo-tinh", year=2022,
                                   decision_number="12/QĐ-UBND", decision_date=date(2022, 12, 20), unit_id=hanoi)


def test_future_achievement_year_is_refused_and_not_eligible():
    from thidua.core.errors import InvalidInput

    future = date.today().year + 1
    with pytest.raises(InvalidInput):
        services.nomination_create(actor=SYSTEM, award_code="tap-the-lao-dong-xuat-sac", year=future,
                                   proposing_unit_id=_unit("01").pk, nominee_unit_id=_unit("01").pk)
    with pytest.raises(InvalidInput):
        services.collective_facts_set(actor=SYSTEM, unit_id=_unit("01").pk, year=future, members=10,
                                      members_completed=10, members_advanced=8, members_cstd_grassroots=1,
                                      tasks_excellent=True)
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=future + 4, unit_id=_unit("01").pk)
    assert not v.eligible and any(r.rule == "future_year" for r in v.reasons)


def _xlsx(rows):
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(services.IMPORT_COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_history_import_checks_years_and_decision_dates():
    from thidua.core.errors import InvalidInput

    rows = [["Tập thể", "01", None, None, "co-thi-dua-cap-bo-tinh", 2029, None, "12/QĐ-UBND", "15/01/2099", "Chủ tịch"],
            ["Tập thể", "01", None, None, "co-thi-dua-cap-bo-tinh", 2022, None, "13/QĐ-UBND", "15/01/2005", "Chủ tịch"]]
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx(rows))
    cols = {(d.row, d.column) for d in exc.value.details}
    assert {(2, "Năm"), (2, "Ngày quyết định"), (3, "Ngày quyết định")} <= cols


# --- 7. Public comment: return and withdrawal still possible; the period starts the day after posting ------


def _at_public_comment():
    n = _draft_for_hanoi()
    Nomination.objects.filter(pk=n.pk).update(state=NominationState.APPRAISED)
    return services.nomination_open_comment(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 11, 24))


def test_public_comment_period_starts_the_day_after_posting():
    assert _at_public_comment().comment_until == date(2026, 12, 8)


def test_a_dossier_in_public_comment_can_be_returned_or_withdrawn(user_named):
    n = _at_public_comment()
    n = services.nomination_return(actor=user_named("tw.canbo"), nomination_id=n.pk, reason="Ý kiến nhân dân phản ánh vi phạm")
    assert n.state == NominationState.RETURNED and n.returned_reason
    Nomination.objects.filter(pk=n.pk).update(state=NominationState.PUBLIC_COMMENT)
    n = services.nomination_withdraw(actor=user_named("hanoi.canbo"), nomination_id=n.pk, reason="Rút")
    assert n.state == NominationState.WITHDRAWN


# --- 8. The Tờ trình speaks for the body that issues it (heading, symbol, place, signature, addressee) -------


def _docx_text(issued) -> str:
    return docx_text(issued.docx_path)


def test_to_trinh_of_a_department_is_headed_numbered_and_signed_as_the_department():
    stc = _unit("92-STC")
    n = services.nomination_create(actor=SYSTEM, award_code="tap-the-lao-dong-xuat-sac", year=2025,
                                   proposing_unit_id=stc.pk, nominee_unit_id=stc.pk)
    made = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 11, 24))
    doc = made.issued_document
    text = _docx_text(doc)
    assert doc.symbol.endswith("/TTr-STC"), doc.symbol
    assert "ỦY BAN NHÂN DÂN THÀNH PHỐ CẦN THƠ" in text and "SỞ TÀI CHÍNH" in text
    assert "SỞ TÀI CHÍNH THÀNH PHỐ CẦN THƠ" not in text
    assert "Cần Thơ, ngày 24 tháng 11 năm 2026" in text and "Sở Tài chính thành phố Cần Thơ, ngày" not in text
    assert "GIÁM ĐỐC" in text and "TM. ỦY BAN NHÂN DÂN" not in text and "CHỦ TỊCH" not in text
    assert "Kính gửi: Chủ tịch Ủy ban nhân dân thành phố Cần Thơ." in text


def test_to_trinh_of_a_city_keeps_the_full_place_name_of_ho_chi_minh_city():
    n = services.nomination_create_from_conference(
        actor=SYSTEM, cluster_year_id=ClusterYear.objects.get(cluster__code="TPTW", year=2025).pk,
        unit_id=_unit("79").pk, award_code=FLAG, vote_summary={"leading": True}, minutes_document_id=None)
    made = services.nomination_issue_to_trinh(actor=SYSTEM, nomination_id=n.pk, on=date(2026, 3, 2))
    text = _docx_text(made.issued_document)
    assert "Thành phố Hồ Chí Minh, ngày 02 tháng 3 năm 2026" in text
    assert "ỦY BAN NHÂN DÂN" in text and "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text
    assert made.issued_document.symbol.endswith("/TTr-UBND")
    assert "Kính gửi: Thủ tướng Chính phủ." in text


# --- 9. Raw data shown to users: the vote summary in words ---------------------------------------------------


def test_vote_summary_is_shown_in_words(client_as):
    n = _draft_for_hanoi()
    Nomination.objects.filter(pk=n.pk).update(vote_summary={
        "ballot": 5, "title": "Suy tôn Cờ thi đua", "basis_count": 5, "quorum_met": True,
        "figures": {"issued": 5, "valid": 5}})
    body = client_as("hanoi.canbo").get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "basis_count" not in body and "quorum_met" not in body and "{&#x27;issued" not in body
    assert "Đủ số đại biểu: Có" in body and "phiếu phát ra: 5" in body


# --- 10. Percentages: never rounded up to a threshold they miss; Vietnamese decimal mark --------------------


def test_percentages_do_not_hide_a_failure_and_use_a_decimal_comma():
    assert selectors.percent(399, 400, threshold=100) == "99,8"
    assert selectors.percent(3999, 4000, threshold=100) == "99,9"
    assert selectors.percent(279, 400, threshold=70) == "69,8"
    assert selectors.percent(400, 400, threshold=100) == "100,0"
    hanoi = _unit("01").pk
    services.collective_facts_set(actor=SYSTEM, unit_id=hanoi, year=2025, members=400, members_completed=399,
                                  members_advanced=279, members_cstd_grassroots=3, tasks_excellent=True)
    v = selectors.eligibility_check(award_code="tap-the-lao-dong-xuat-sac", year=2025, unit_id=hanoi)
    messages = [r.message for r in v.reasons if not r.ok]
    assert any(m.startswith("99,8% thành viên hoàn thành") for m in messages), messages
    assert any(m.startswith("69,8% thành viên đạt Lao động tiên tiến") for m in messages), messages


# --- 11. History import: Vietnamese dates, the template's own values, codes as text, all conflicts ---------


def test_history_import_accepts_vietnamese_dates_text_codes_and_the_template_values(client_as):
    import io

    import openpyxl

    r = client_as("tw.canbo").get("/awards/history/import/template/")
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    assert "merit" not in {str(c) for row in ws.iter_rows(values_only=True) for c in row}
    rows = [["Tập thể", 1, None, None, "co-thi-dua-cap-bo-tinh", 2017, "Thành tích thường xuyên (công trạng)",
             "12/QĐ-UBND", "15/01/2018", "Chủ tịch"]]
    assert services.history_import_excel(actor=SYSTEM, content=_xlsx(rows)) == {"rows": 1}


def test_history_import_reports_every_conflict_with_the_history():
    from thidua.core.errors import InvalidInput

    rows = [["Tập thể", "01", None, None, "co-thi-dua-cap-bo-tinh", y, None, f"{y - 2000}/QĐ-UBND", f"15/01/{y + 1}",
             "Chủ tịch"] for y in (2016, 2017)]
    services.history_import_excel(actor=SYSTEM, content=_xlsx(rows))
    with pytest.raises(InvalidInput) as exc:
        services.history_import_excel(actor=SYSTEM, content=_xlsx(rows))
    assert [d.row for d in exc.value.details] == [2, 3]


def test_history_import_file_errors_are_not_shown_as_a_column_named_file(client_as):
    r = client_as("tw.canbo").post("/awards/history/import/", {"file": SimpleUploadedFile("x.xlsx", b"not a workbook")})
    body = r.content.decode()
    assert "<td>file</td>" not in body and "Cả tệp" in body


# --- 14. The duplicate badge goes when the duplicate is withdrawn ---------------------------------------------


def test_duplicate_flag_is_cleared_when_the_duplicate_is_withdrawn():
    hanoi = _unit("01").pk
    a = services.nomination_create(actor=SYSTEM, award_code="tap-the-lao-dong-xuat-sac", year=2025,
                                   proposing_unit_id=hanoi, nominee_unit_id=hanoi)
    b = services.nomination_create(actor=SYSTEM, award_code="tap-the-lao-dong-xuat-sac", year=2025,
                                   proposing_unit_id=hanoi, nominee_unit_id=hanoi)
    a.refresh_from_db()
    assert a.duplicate_flag and b.duplicate_flag
    services.nomination_withdraw(actor=SYSTEM, nomination_id=b.pk, reason="Trùng")
    a.refresh_from_db()
    b.refresh_from_db()
    assert not a.duplicate_flag and not b.duplicate_flag


# --- 15. Public comment offered only where the rule set asks for it -------------------------------------------


def test_public_comment_not_offered_for_awards_without_it(client_as):
    hanoi = _unit("01").pk
    n = services.nomination_create(actor=SYSTEM, award_code="bang-khen-cap-bo-tinh", year=2025,
                                   proposing_unit_id=hanoi, nominee_unit_id=None,
                                   nominee_person_id=selectors.Person.objects.filter(unit_id=hanoi).first().pk)
    Nomination.objects.filter(pk=n.pk).update(state=NominationState.APPRAISED)
    body = client_as("tw.canbo").get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "/open_comment/" not in body and "/submit_pm/" in body
    flag = _draft_for_hanoi()
    Nomination.objects.filter(pk=flag.pk).update(state=NominationState.APPRAISED)
    assert f"/awards/nominations/{flag.pk}/open_comment/" in client_as("tw.canbo").get(
        f"/awards/nominations/{flag.pk}/").content.decode()


# --- 16. Confirmation before irreversible steps (the app's data-confirm handler, no inline script) ----------


def test_irreversible_steps_ask_for_confirmation(client_as):
    n = _draft_for_hanoi()
    body = client_as("hanoi.canbo").get(f"/awards/nominations/{n.pk}/").content.decode()
    withdraw = body[body.index(f"/awards/nominations/{n.pk}/withdraw/"):][:400]
    assert "data-confirm=" in withdraw
    Nomination.objects.filter(pk=n.pk).update(state=NominationState.SUBMITTED_PM)
    body = client_as("tw.canbo").get(f"/awards/nominations/{n.pk}/").content.decode()
    assert "data-confirm=" in body[body.index(f"/awards/nominations/{n.pk}/decide/"):][:400]
    body = client_as("tw.canbo").get("/awards/decisions/").content.decode()
    assert "data-confirm=" in body and "<script>" not in body


# --- 17. A Tờ trình cites the texts in force on its date; a year without a rule set says so -----------------


def test_to_trinh_of_2014_cites_the_decree_in_force_in_2015():
    n = _seed(2014, "92", FLAG)
    issued = n.documents.filter(requirement="to_trinh", issued_document__isnull=False).first().issued_document
    text = _docx_text(issued)
    assert "91/2017" not in text and "42/2010/NĐ-CP" in text
    from thidua.awards.rulesets import ruleset_for_year

    assert "91/2017" in ruleset_for_year(2020).title_on(date(2021, 4, 20))


def test_year_without_rule_set_does_not_show_empty_brackets(client_as):
    body = client_as("hanoi.canbo").get("/awards/eligibility/", {"award": "tap-the-lao-dong-xuat-sac", "year": 1950,
                                                                 "unit": _unit("01").pk}).content.decode()
    assert "Bộ quy tắc áp dụng:  ()" not in body and "()" not in body
    assert "Chưa có bộ quy tắc" in body


def test_units_are_named_not_coded(client_as):
    hd = _unit("30")  # Hải Dương, merged into Hải Phòng on 01/07/2025
    body = client_as("tw.canbo").get(f"/awards/units/{hd.pk}/history/").content.decode()
    assert "Lịch sử khen thưởng: Tỉnh Hải Dương" in body and "Lịch sử khen thưởng: 30<" not in body
    body = client_as("danang.canbo").get("/awards/persons/").content.decode()
    assert "Thành phố Đà Nẵng" in body and "<td>48</td>" not in body
    body = client_as("tw.canbo").get("/awards/").content.decode()
    assert "TPTW 2020" not in body
    body = client_as("tw.canbo").get("/awards/blockers/").content.decode()
    assert f'<option value="{hd.pk}">30</option>' not in body
