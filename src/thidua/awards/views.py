"""Pages for awards: catalogue, eligibility check, nominations (list, detail with checklist and workflow
buttons, uploads), award history of a unit or a person as of a date, history import. Reads go through
selectors, writes through services."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.awards import selectors, services
from thidua.awards.forms import (
    AsOfForm,
    BaseSalaryForm,
    CollectiveFactsForm,
    DecisionForm,
    DutyRatingForm,
    EligibilityForm,
    HouseholdForm,
    ImportForm,
    NominationCreateForm,
    PersonForm,
    RuleOverrideClearForm,
    RuleOverrideForm,
    TransitionForm,
    UploadForm,
)
from thidua.awards.models import NominationDocument, RecipientKind
from thidua.awards.rulesets import load_rulesets
from thidua.awards.workflow import TRANSITIONS, allowed_actions
from thidua.core.errors import DomainError, InvalidInput, NotFound
from thidua.core.forms import apply_domain_errors
from thidua.core.selectors import audit_entries_for_object, paginate
from thidua.organisations.selectors import annotate_as_of, unit_get


@require_GET
@login_required
def catalogue(request):
    on = date.today()
    rows = list(selectors.catalogue_list())
    for a in rows:
        a.cash_c = selectors.cash_for(award=a, recipient_kind=RecipientKind.COLLECTIVE, on=on)
        a.cash_i = selectors.cash_for(award=a, recipient_kind=RecipientKind.INDIVIDUAL, on=on)
    salary = selectors.base_salary_on(on)
    return render(request, "awards/catalogue.html", {"awards": rows, "salary": salary, "on": on,
                                                     "rulesets": load_rulesets()})


def _visible_units(user):
    from thidua.accounts.selectors import grants_for
    from thidua.awards.rules import is_central_board
    from thidua.organisations.models import Unit

    g = grants_for(user)
    qs = Unit.objects.all()
    if not (g.is_superuser or is_central_board(user)):
        qs = qs.filter(pk__in=g.member_units)
    return _named(annotate_as_of(qs, date.today()).order_by("code")[:500])


def _named(qs) -> list:
    """Units with a name to show even when they no longer exist today (merged away): their last name."""
    rows = list(qs.annotate(any_name=selectors.unit_name_subquery("pk")))
    for u in rows:
        u.as_of_name = u.as_of_name or u.any_name
    return rows


def _pick_lists(request, *, persons, households, keep=()):
    """Persons and households to choose from, narrowed by the "Tìm theo tên" field (GET `q`), at most
    selectors.PICK_LIMIT of each with a message when cut, plus the one already chosen: a posted id is checked
    against the user's scope (`persons`, `households`), not against the cut list. Works without JavaScript."""
    search = request.GET.get("q", "").strip()[:100]
    data = request.POST if request.method == "POST" else request.GET
    person_rows, persons_cut = selectors.pick_list(persons, name_field="full_name", search=search,
                                                   selected=data.get("person"))
    household_rows, households_cut = selectors.pick_list(households, name_field="head_name", search=search,
                                                         selected=data.get("household"))
    notes = []
    if persons_cut:
        notes.append(_("Có hơn %(n)d người, hãy gõ tên để tìm.") % {"n": selectors.PICK_LIMIT})
    if households_cut:
        notes.append(_("Có hơn %(n)d hộ gia đình, hãy gõ tên chủ hộ để tìm.") % {"n": selectors.PICK_LIMIT})
    if search and not person_rows and not household_rows:
        notes.append(_("Không tìm thấy cá nhân hay hộ gia đình nào có tên chứa “%(q)s”.") % {"q": search})
    pick = {"search": search, "notes": notes, "keep": [(k, v) for k, v in keep if v]}
    return person_rows, household_rows, pick


@require_GET
@login_required
def eligibility(request):
    persons, households, pick = _pick_lists(request, persons=selectors.persons_for(user=request.user),
                                            households=selectors.households_for(user=request.user))
    units = _visible_units(request.user)
    # A search by name alone is not a check: the form is bound only once something of it was sent.
    checking = bool(set(request.GET) - {"q"})
    form = EligibilityForm(request.GET if checking else None, persons=persons, units=units, households=households)
    verdict = None
    if checking and form.is_valid():
        d = form.cleaned_data
        if d["person"]:
            selectors.person_get(user=request.user, pk=d["person"])
        elif d["household"]:
            selectors.household_get(user=request.user, pk=d["household"])
        elif d["unit"] not in {u.pk for u in units}:
            raise NotFound()
        verdict = selectors.eligibility_check(award_code=d["award"], year=d["year"], unit_id=d["unit"],
                                              person_id=d["person"], household_id=d["household"])
    return render(request, "awards/eligibility.html", {"form": form, "verdict": verdict, "pick": pick})


@require_http_methods(["GET", "POST"])
@login_required
def nomination_list(request):
    qs = selectors.nominations_for(user=request.user).order_by("-year", "-created_at", "-pk")
    state = request.GET.get("state", "")
    if state:
        qs = qs.filter(state=state)
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    selectors.nominations_page_rows(page.object_list)
    unit = request.user.unit
    create_form = pick = None
    if unit is not None and request.user.has_perm("awards.propose_for_unit", unit):
        persons, households, pick = _pick_lists(
            request, persons=selectors.persons_for(user=request.user).filter(unit=unit),
            households=selectors.households_for(user=request.user).filter(unit=unit), keep=[("state", state)])
        create_form = NominationCreateForm(request.POST or None, persons=persons, households=households)
        if request.method == "POST" and create_form.is_valid():
            d = create_form.cleaned_data
            try:
                n = services.nomination_create(actor=request.user, award_code=d["award"], year=d["year"],
                                               proposing_unit_id=unit.pk,
                                               nominee_unit_id=None if (d["person"] or d["household"]) else unit.pk,
                                               nominee_person_id=d["person"], nominee_household_id=d["household"],
                                               achievement=d["achievement"])
            except DomainError as exc:
                _form_errors(create_form, exc)
            else:
                messages.success(request, _("Đã tạo hồ sơ đề nghị."))
                return redirect("awards:nomination_detail", pk=n.pk)
    elif request.method == "POST":
        raise NotFound()
    from thidua.awards.models import NominationState

    return render(request, "awards/nomination_list.html", {"page": page, "create_form": create_form, "state": state,
                                                           "pick": pick,
                                                           "states": NominationState.choices,
                                                           "querystring": f"state={state}" if state else ""})


def _detail_context(request, n, upload_form=None, transition_form=None):
    can_propose = request.user.has_perm("awards.edit_nomination", n)
    can_process = request.user.has_perm("awards.process_nomination")
    selectors.nominations_page_rows([n])
    verdict = selectors.nomination_verdict(user=request.user, nomination=n)
    editable = can_propose and n.state in ("draft", "returned")
    checklist = selectors.checklist(n)
    return {
        "n": n, "checklist": checklist, "verdict": verdict,
        "files_visible": selectors.can_see_dossier_files(user=request.user, nomination=n),
        "has_to_trinh": any(i.code == services.TO_TRINH for i in checklist),
        "actions": [t for t in allowed_actions(n.state, can_propose=can_propose, can_process=can_process)
                    if t.action != "open_comment" or services.public_comment_applies(n)],
        "vote_lines": selectors.vote_summary_lines(n.vote_summary),
        "editable": editable,
        "upload_form": upload_form or (UploadForm(requirements=selectors.dossier_requirements(n)) if editable else None),
        "transition_form": transition_form or TransitionForm(),
        "duplicates": list(selectors.duplicates_of(n).select_related("award_type", "proposing_unit")[:20]),
        "overlaps": selectors.overlaps_of(n),
        "history": paginate(audit_entries_for_object(obj=n), page=request.GET.get("hpage"), per_page=20),
    }


@require_GET
@login_required
def nomination_detail(request, pk: int):
    n = selectors.nomination_get(user=request.user, pk=pk)
    return render(request, "awards/nomination_detail.html", _detail_context(request, n))


@require_POST
@login_required
def nomination_action(request, pk: int, action: str):
    n = selectors.nomination_get(user=request.user, pk=pk)
    if action not in TRANSITIONS:
        raise NotFound()
    form = TransitionForm(request.POST)
    if not form.is_valid():
        return render(request, "awards/nomination_detail.html", _detail_context(request, n, transition_form=form),
                      status=422)
    d = form.cleaned_data
    kwargs = {"actor": request.user, "nomination_id": n.pk}
    if action in ("withdraw", "return"):
        kwargs["reason"] = d["reason"]
    elif action == "appraise":
        kwargs["note"] = d["reason"]
    elif action == "decide":
        kwargs.update(decision_number=d["decision_number"], decision_date=d["decision_date"], signer=d["signer"],
                      note=d["reason"])
    try:
        services.SERVICE_FOR_ACTION[action](**kwargs)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
        for detail in exc.details:
            messages.error(request, detail.message)
    else:
        messages.success(request, _("Đã thực hiện: %(a)s.") % {"a": TRANSITIONS[action].label})
    return redirect("awards:nomination_detail", pk=n.pk)


@require_POST
@login_required
def nomination_drafts(request, pk: int):
    n = selectors.nomination_get(user=request.user, pk=pk)
    try:
        services.nomination_generate_drafts(actor=request.user, nomination_id=n.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã lập dự thảo Tờ trình và Báo cáo thành tích."))
    return redirect("awards:nomination_detail", pk=n.pk)


@require_POST
@login_required
def nomination_issue(request, pk: int):
    n = selectors.nomination_get(user=request.user, pk=pk)
    try:
        made = services.nomination_issue_to_trinh(actor=request.user, nomination_id=n.pk)
    except DomainError as exc:
        if exc.status in (403, 404):
            raise
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã ban hành Tờ trình %(s)s: in, ký rồi tải bản quét lên.")
                         % {"s": made.issued_document.symbol})
    return redirect("awards:nomination_detail", pk=n.pk)


@require_POST
@login_required
def nomination_upload(request, pk: int):
    n = selectors.nomination_get(user=request.user, pk=pk)
    form = UploadForm(request.POST, request.FILES, requirements=selectors.dossier_requirements(n))
    if form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > services.MAX_UPLOAD_BYTES:
            form.add_error("file", _("Tệp quá lớn (tối đa 10 MB)."))
        else:
            try:
                services.nomination_upload_document(actor=request.user, nomination_id=n.pk,
                                                    requirement=form.cleaned_data["requirement"], filename=f.name,
                                                    content=f.read())
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except DomainError as exc:
                # The dossier changed meanwhile (withdrawn, sent, returned… in another tab): say so on its page.
                if exc.status in (403, 404):
                    raise
                messages.error(request, exc.message)
                return redirect("awards:nomination_detail", pk=n.pk)
            else:
                messages.success(request, _("Đã tải lên bản quét."))
                return redirect("awards:nomination_detail", pk=n.pk)
    return render(request, "awards/nomination_detail.html", _detail_context(request, n, upload_form=form), status=422)


SCAN_EXTENSIONS = {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg"}


def _safe_filename(stem: str) -> str:
    """A file name every system accepts (no "Số:" prefix, no / \\ : * ? " < > |), e.g. "02_TTr-UBND"."""
    import re

    stem = re.sub(r"^\s*Số\s*:\s*", "", stem or "")
    stem = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem)
    return re.sub(r"\s+", "-", stem.strip()).strip("._-") or "tep"


def _dossier_files_visible(request, pk: int):
    n = selectors.nomination_get(user=request.user, pk=pk)
    if not selectors.can_see_dossier_files(user=request.user, nomination=n):
        raise NotFound()
    return n


@require_GET
@login_required
def nomination_file(request, pk: int, doc_id: int):
    from thidua.documents.storage import open_stored

    n = _dossier_files_visible(request, pk)
    doc = NominationDocument.objects.filter(nomination=n, pk=doc_id).exclude(file_path="").first()
    if doc is None:
        raise NotFound()
    resp = FileResponse(open_stored(doc.file_path).open("rb"), content_type=doc.content_type, as_attachment=True,
                        filename=f"{doc.requirement}{SCAN_EXTENSIONS.get(doc.content_type, '')}")
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@require_GET
@login_required
def nomination_issued_file(request, pk: int, doc_id: int, fmt: str):
    """A generated draft or issued Tờ trình of the dossier, for the same people as its signed scans (the proposing
    unit and the central board that processes it), whatever the document register's own audience."""
    from thidua.documents.storage import open_stored

    n = _dossier_files_visible(request, pk)
    if fmt not in ("docx", "pdf"):
        raise NotFound()
    doc = (NominationDocument.objects.filter(nomination=n, pk=doc_id, issued_document__isnull=False)
           .select_related("issued_document").first())
    if doc is None:
        raise NotFound()
    issued = doc.issued_document
    rel = issued.docx_path if fmt == "docx" else issued.pdf_path
    path = open_stored(rel) if rel else None
    if path is None or not path.is_file():
        raise NotFound()
    content_type = ("application/vnd.openxmlformats-officedocument.wordprocessingml.document" if fmt == "docx"
                    else "application/pdf")
    filename = f"{_safe_filename(issued.symbol or issued.type_key)}-{issued.issued_on:%Y%m%d}.{fmt}"
    resp = FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _as_of(request):
    form = AsOfForm(request.GET or None)
    on = form.cleaned_data["on"] if form.is_valid() and form.cleaned_data.get("on") else None
    return form, on


@require_GET
@login_required
def unit_history(request, unit_id: int):
    form, on = _as_of(request)
    unit = unit_get(user=request.user, pk=unit_id, on=on)
    if not unit.as_of_name:  # merged away by that date: its last name, not its code
        unit.as_of_name = _named(type(unit).objects.filter(pk=unit.pk).annotate(as_of_name=selectors.unit_name_subquery(
            "pk")))[0].as_of_name
    records = selectors.award_history_for_unit(user=request.user, unit_id=unit_id, as_of=on)
    return render(request, "awards/unit_history.html", {"unit": unit, "records": records, "form": form, "on": on})


@require_GET
@login_required
def person_detail(request, pk: int):
    form, on = _as_of(request)
    person = selectors.person_get(user=request.user, pk=pk)
    person.unit_name = _named(type(person.unit).objects.filter(pk=person.unit_id).annotate(
        as_of_name=selectors.unit_name_subquery("pk")))[0].as_of_name
    records = selectors.award_history_for_person(user=request.user, person_id=pk, as_of=on)
    return render(request, "awards/person_detail.html", {
        "person": person, "records": records, "form": form, "on": on,
        "can_edit": request.user.has_perm("awards.manage_person", person),
        "national_id": selectors.national_id_for(user=request.user, person=person),
        "ratings": list(person.ratings.order_by("-year")[:30]),
    })


@require_GET
@login_required
def person_list(request):
    qs = selectors.persons_for(user=request.user).annotate(unit_name=selectors.unit_name_subquery("unit_id")).order_by(
        "full_name", "pk")
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    selectors.attach_shown_national_ids(user=request.user, persons=page.object_list)
    can_create = selectors.editable_units_for(user=request.user).exists()
    return render(request, "awards/person_list.html", {"page": page, "can_create": can_create})


@require_http_methods(["GET", "POST"])
@login_required
def history_import(request):
    if not request.user.has_perm("awards.import_history"):
        raise NotFound()
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            result = services.history_import_excel(actor=request.user, content=form.cleaned_data["file"].read())
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            report = exc
        else:
            messages.success(request, _("Đã nhập %(n)d dòng lịch sử khen thưởng.") % {"n": result["rows"]})
            return redirect("awards:history_import")
    return render(request, "awards/history_import.html", {"form": form, "report": report,
                                                          "columns": services.IMPORT_COLUMNS})


@require_GET
@login_required
def history_import_template(request):
    """The .xlsx to fill in for the history import (header and one example row per kind of nominee)."""
    from django.http import HttpResponse

    if not request.user.has_perm("awards.import_history"):
        raise NotFound()
    resp = HttpResponse(services.history_import_template(),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = 'attachment; filename="mau-nhap-lich-su-khen-thuong.xlsx"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@require_http_methods(["GET", "POST"])
@login_required
def award_type_edit(request, code: str):
    """The central board corrects a catalogue entry (audited); others do not see this page."""
    from thidua.awards.forms import AwardTypeForm

    if not request.user.has_perm("awards.manage_catalogue"):
        raise NotFound()
    at = selectors.award_type_get(code=code)
    fields = ("name", "proposer", "decider", "legal_basis", "status", "cash_multiple_collective",
              "cash_multiple_individual", "cash_legal_basis", "cash_status")
    form = AwardTypeForm(request.POST or None, initial={f: getattr(at, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        changes = {f: v for f, v in form.cleaned_data.items() if v != getattr(at, f)}
        try:
            if changes:
                services.award_type_update(actor=request.user, code=code, **changes)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu danh mục."))
            return redirect("awards:catalogue")
    return render(request, "awards/award_type_edit.html", {"form": form, "award": at,
                                                           "history": paginate(audit_entries_for_object(obj=at),
                                                                               page=request.GET.get("hpage"), per_page=20)})


@require_http_methods(["GET", "POST"])
@login_required
def blockers(request):
    """Dated records that stop proposals (NĐ 152/2025), kept by the central board."""
    from thidua.awards.forms import BlockerForm
    from thidua.awards.models import BlockerRecord

    if not request.user.has_perm("awards.record_blocker"):
        raise NotFound()
    persons, households, pick = _pick_lists(request, persons=selectors.persons_for(user=request.user),
                                            households=selectors.households_for(user=request.user))
    form = BlockerForm(request.POST or None, units=_visible_units(request.user), persons=persons,
                       households=households)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.blocker_record(actor=request.user, kind=d["kind"], unit_id=d["unit"], person_id=d["person"],
                                    household_id=d["household"], starts_on=d["starts_on"], ends_on=d["ends_on"],
                                    reference=d["reference"])
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("awards:blockers")
    qs = BlockerRecord.objects.select_related("unit", "person", "household").annotate(
        unit_name=selectors.unit_name_subquery("unit_id")).order_by("-starts_on", "-pk")
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    return render(request, "awards/blockers.html", {"form": form, "page": page, "pick": pick})


# --- Registry, figures and parameters kept by people (services existed; these are their screens) ----------


def _form_errors(form, exc: DomainError) -> None:
    """A service's refusal shown on the form (validation next to the field, a conflict or a state that changed
    meanwhile, e.g. in another tab, at the top). Not found and forbidden stay errors of the request (404/403)."""
    if exc.status in (403, 404):
        raise exc
    if isinstance(exc, InvalidInput):
        apply_domain_errors(form, exc)
    else:
        form.add_error(None, str(exc.message))
        for d in exc.details:
            form.add_error(None, str(d.message))


def _editable_units(user):
    return _named(annotate_as_of(selectors.editable_units_for(user=user), date.today()).order_by("code")[:500])


@require_http_methods(["GET", "POST"])
@login_required
def person_create(request):
    units = _editable_units(request.user)
    if not units:
        raise NotFound()
    form = PersonForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = services.person_create(actor=request.user, full_name=d["full_name"], unit_id=d["unit"],
                                       national_id=d["national_id"], birth_date=d["birth_date"],
                                       position=d["position"])
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm cá nhân."))
            return redirect("awards:person_detail", pk=p.pk)
    return render(request, "awards/person_form.html", {"form": form, "person": None}, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def person_edit(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    if not request.user.has_perm("awards.manage_person", person):
        raise NotFound()
    # Whoever may edit the record may see the full number (same rule as awards.view_national_id).
    initial = {"full_name": person.full_name, "national_id": selectors.national_id_for(user=request.user, person=person),
               "birth_date": person.birth_date, "position": person.position}
    form = PersonForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person_id=person.pk, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("awards:person_detail", pk=person.pk)
    return render(request, "awards/person_form.html", {
        "form": form, "person": person,
        "history": paginate(audit_entries_for_object(obj=person), page=request.GET.get("hpage"), per_page=20),
    }, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def person_ratings(request, pk: int):
    person = selectors.person_get(user=request.user, pk=pk)
    can_edit = request.user.has_perm("awards.manage_person", person)
    if request.method == "POST" and not can_edit:
        raise NotFound()
    form = DutyRatingForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            services.duty_rating_set(actor=request.user, person_id=person.pk, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu xếp loại năm %(y)d.") % {"y": form.cleaned_data["year"]})
            return redirect("awards:person_ratings", pk=person.pk)
    page = paginate(person.ratings.order_by("-year"), page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    return render(request, "awards/person_ratings.html", {"person": person, "form": form, "page": page},
                  status=422 if form is not None and form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def unit_facts(request, unit_id: int):
    qs = selectors.collective_facts_for(user=request.user, unit_id=unit_id)
    unit = annotate_as_of(selectors.units_for(user=request.user).filter(pk=unit_id), date.today()).get()
    can_edit = request.user.has_perm("awards.manage_registry", unit)
    if request.method == "POST" and not can_edit:
        raise NotFound()
    form = CollectiveFactsForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            services.collective_facts_set(actor=request.user, unit_id=unit.pk, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu số liệu năm %(y)d.") % {"y": form.cleaned_data["year"]})
            return redirect("awards:unit_facts", unit_id=unit.pk)
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    for f in page.object_list:
        f.pct_completed = selectors.percent(f.members_completed, f.members)
        f.pct_advanced = selectors.percent(f.members_advanced, f.members)
    return render(request, "awards/unit_facts.html", {"unit": unit, "form": form, "page": page},
                  status=422 if form is not None and form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def base_salary(request):
    """The base salary is a dated parameter: everyone signed in reads it, the central board adds a new level."""
    from thidua.awards.models import BaseSalary

    can_edit = request.user.has_perm("awards.manage_catalogue")
    if request.method == "POST" and not can_edit:
        raise NotFound()
    form = BaseSalaryForm(request.POST or None) if can_edit else None
    if request.method == "POST" and form.is_valid():
        try:
            services.base_salary_set(actor=request.user, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm mức lương cơ sở."))
            return redirect("awards:base_salary")
    page = paginate(BaseSalary.objects.order_by("-valid_from"), page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    return render(request, "awards/base_salary.html", {"form": form, "page": page, "current": selectors.base_salary_on(date.today())},
                  status=422 if form is not None and form.errors else 200)


@require_GET
@login_required
def rules_unconfirmed(request):
    """UNCONFIRMED rules with their file parameters and the central board's setting (with basis and reason)."""
    rows = selectors.unconfirmed_rules()
    page = paginate(rows, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    can_edit = request.user.has_perm("awards.manage_catalogue")
    return render(request, "awards/rules.html", {"page": page, "can_edit": can_edit})


@require_http_methods(["GET", "POST"])
@login_required
def rule_override(request, ruleset: str, rule: str):
    import json

    from thidua.awards.models import RuleOverride
    from thidua.awards.rulesets import ruleset_get

    if not request.user.has_perm("awards.manage_catalogue"):
        raise NotFound()
    try:
        rs = ruleset_get(ruleset, with_overrides=False)
    except LookupError as exc:
        raise NotFound() from exc
    r = rs.rule(rule)
    if r is None or r.status != "UNCONFIRMED":
        raise NotFound()
    current = RuleOverride.objects.filter(ruleset_code=rs.code, rule_code=r.code).first()
    initial = {"params": json.dumps(current.params if current else services.overridable_params(r), ensure_ascii=False),
               "legal_basis": current.legal_basis if current else "", "reason": ""}
    form = RuleOverrideForm(request.POST or None, initial=initial)
    clear_form = RuleOverrideClearForm()
    if request.method == "POST":
        if request.POST.get("clear"):
            clear_form = RuleOverrideClearForm(request.POST)
            form = RuleOverrideForm(initial=initial)
            if clear_form.is_valid():
                try:
                    services.rule_override_clear(actor=request.user, ruleset_code=rs.code, rule_code=r.code,
                                                 reason=clear_form.cleaned_data["reason"])
                except DomainError as exc:
                    _form_errors(clear_form, exc)
                else:
                    messages.success(request, _("Đã trở về tham số của bộ quy tắc."))
                    return redirect("awards:rules")
        elif form.is_valid():
            try:
                services.rule_override_set(actor=request.user, ruleset_code=rs.code, rule_code=r.code,
                                           **form.cleaned_data)
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã lưu thiết lập quy tắc."))
                return redirect("awards:rules")
    history = paginate(audit_entries_for_object(obj=current) if current else [], page=request.GET.get("hpage"),
                       per_page=20)
    errors = form.errors or clear_form.errors
    return render(request, "awards/rule_override.html", {
        "ruleset": rs, "rule": r, "current": current, "form": form, "clear_form": clear_form, "history": history,
        "file_params": json.dumps(r.params, ensure_ascii=False)}, status=422 if errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def households(request):
    units = _editable_units(request.user)
    if request.method == "POST" and not units:
        raise NotFound()
    form = HouseholdForm(request.POST or None, units=units) if units else None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.household_create(actor=request.user, head_name=d["head_name"], address=d["address"],
                                      unit_id=d["unit"], note=d["note"])
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm hộ gia đình."))
            return redirect("awards:households")
    page = paginate(selectors.households_for(user=request.user).annotate(
        unit_name=selectors.unit_name_subquery("unit_id")).order_by("head_name", "pk"),
                    page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    selectors.attach_household_can_edit(user=request.user, households=page.object_list)
    return render(request, "awards/households.html", {"form": form, "page": page},
                  status=422 if form is not None and form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def household_edit(request, pk: int):
    household = selectors.household_get(user=request.user, pk=pk)
    if not request.user.has_perm("awards.manage_household", household):
        raise NotFound()
    initial = {"head_name": household.head_name, "address": household.address, "note": household.note}
    form = HouseholdForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.household_update(actor=request.user, household_id=household.pk, **form.cleaned_data)
        except DomainError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("awards:households")
    return render(request, "awards/household_form.html", {
        "form": form, "household": household,
        "history": paginate(audit_entries_for_object(obj=household), page=request.GET.get("hpage"), per_page=20),
    }, status=422 if form.errors else 200)


@require_http_methods(["GET", "POST"])
@login_required
def decisions(request):
    """One decision (number, date, signer) applied to several nominations at "submitted to the PM"."""
    from thidua.awards.models import AwardDecision, NominationState

    if not request.user.has_perm("awards.process_nomination"):
        raise NotFound()
    pending = selectors.nominations_for(user=request.user).filter(state=NominationState.SUBMITTED_PM).order_by(
        "year", "award_type__sort_order", "pk")
    pending_page = paginate(pending, page=request.GET.get("npage"), per_page=100)
    selectors.nominations_page_rows(pending_page.object_list)
    form = DecisionForm(request.POST or None, nominations=pending_page.object_list)
    if request.method == "POST":
        # Nominations no longer pending (decided meanwhile) are offered so that the service says why.
        posted = [int(x) for x in request.POST.getlist("nominations") if x.isdigit()]
        extra = list(selectors.nominations_for(user=request.user).filter(pk__in=posted))
        selectors.nominations_page_rows(extra)
        form = DecisionForm(request.POST, nominations=list(pending_page.object_list) + extra)
        if form.is_valid():
            d = form.cleaned_data
            try:
                decision = services.decision_apply(actor=request.user, nomination_ids=d["nominations"],
                                                   decision_number=d["decision_number"],
                                                   decision_date=d["decision_date"], signer=d["signer"], note=d["note"])
            except DomainError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("Đã ghi nhận Quyết định %(n)s cho %(k)d hồ sơ.")
                                 % {"n": decision.number, "k": len(d["nominations"])})
                return redirect("awards:decisions")
    from django.db.models import Count

    recent = paginate(AwardDecision.objects.annotate(count=Count("nominations")).order_by("-decision_date", "-pk"),
                      page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    return render(request, "awards/decisions.html", {"form": form, "pending": pending_page, "recent": recent},
                  status=422 if form.errors else 200)
