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
    EligibilityForm,
    ImportForm,
    NominationCreateForm,
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
    return list(annotate_as_of(qs, date.today()).order_by("code")[:500])


@require_GET
@login_required
def eligibility(request):
    persons = list(selectors.persons_for(user=request.user).order_by("full_name")[:500])
    units = _visible_units(request.user)
    form = EligibilityForm(request.GET or None, persons=persons, units=units)
    verdict = None
    if request.GET and form.is_valid():
        d = form.cleaned_data
        if d["person"]:
            selectors.person_get(user=request.user, pk=d["person"])
        elif d["unit"] not in {u.pk for u in units}:
            raise NotFound()
        verdict = selectors.eligibility_check(award_code=d["award"], year=d["year"], unit_id=d["unit"],
                                              person_id=d["person"])
    return render(request, "awards/eligibility.html", {"form": form, "verdict": verdict})


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
    create_form = None
    if unit is not None and request.user.has_perm("awards.propose_for_unit", unit):
        persons = list(selectors.persons_for(user=request.user).filter(unit=unit).order_by("full_name")[:500])
        create_form = NominationCreateForm(request.POST or None, persons=persons)
        if request.method == "POST" and create_form.is_valid():
            d = create_form.cleaned_data
            try:
                n = services.nomination_create(actor=request.user, award_code=d["award"], year=d["year"],
                                               proposing_unit_id=unit.pk,
                                               nominee_unit_id=None if d["person"] else unit.pk,
                                               nominee_person_id=d["person"], achievement=d["achievement"])
            except InvalidInput as exc:
                apply_domain_errors(create_form, exc)
            else:
                messages.success(request, _("Đã tạo hồ sơ đề nghị."))
                return redirect("awards:nomination_detail", pk=n.pk)
    elif request.method == "POST":
        raise NotFound()
    from thidua.awards.models import NominationState

    return render(request, "awards/nomination_list.html", {"page": page, "create_form": create_form, "state": state,
                                                           "states": NominationState.choices,
                                                           "querystring": f"state={state}" if state else ""})


def _detail_context(request, n, upload_form=None, transition_form=None):
    can_propose = request.user.has_perm("awards.edit_nomination", n)
    can_process = request.user.has_perm("awards.process_nomination")
    selectors.nominations_page_rows([n])
    verdict = selectors.eligibility_check(award_code=n.award_type.code, year=n.year, unit_id=n.nominee_unit_id,
                                          person_id=n.nominee_person_id, cluster_year=n.cluster_year,
                                          exclude_nomination_id=n.pk, vote_summary=n.vote_summary,
                                          conference_winner=n.source == "conference")
    editable = can_propose and n.state in ("draft", "returned")
    return {
        "n": n, "checklist": selectors.checklist(n), "verdict": verdict,
        "actions": allowed_actions(n.state, can_propose=can_propose, can_process=can_process),
        "editable": editable,
        "upload_form": upload_form or (UploadForm(requirements=selectors.dossier_requirements(n)) if editable else None),
        "transition_form": transition_form or TransitionForm(),
        "duplicates": list(selectors.duplicates_of(n).select_related("award_type", "proposing_unit")[:20]),
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
            else:
                messages.success(request, _("Đã tải lên bản quét."))
                return redirect("awards:nomination_detail", pk=n.pk)
    return render(request, "awards/nomination_detail.html", _detail_context(request, n, upload_form=form), status=422)


@require_GET
@login_required
def nomination_file(request, pk: int, doc_id: int):
    from thidua.documents.storage import open_stored

    n = selectors.nomination_get(user=request.user, pk=pk)
    doc = NominationDocument.objects.filter(nomination=n, pk=doc_id).exclude(file_path="").first()
    if doc is None:
        raise NotFound()
    resp = FileResponse(open_stored(doc.file_path).open("rb"), content_type=doc.content_type, as_attachment=True,
                        filename=f"{doc.requirement}{'.pdf' if doc.content_type == 'application/pdf' else ''}")
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
    records = selectors.award_history_for_unit(user=request.user, unit_id=unit_id, as_of=on)
    return render(request, "awards/unit_history.html", {"unit": unit, "records": records, "form": form, "on": on})


@require_GET
@login_required
def person_detail(request, pk: int):
    form, on = _as_of(request)
    person = selectors.person_get(user=request.user, pk=pk)
    records = selectors.award_history_for_person(user=request.user, person_id=pk, as_of=on)
    return render(request, "awards/person_detail.html", {
        "person": person, "records": records, "form": form, "on": on,
        "national_id": selectors.national_id_for(user=request.user, person=person),
        "ratings": list(person.ratings.order_by("-year")[:30]),
    })


@require_GET
@login_required
def person_list(request):
    qs = selectors.persons_for(user=request.user).order_by("full_name", "pk")
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    selectors.attach_shown_national_ids(user=request.user, persons=page.object_list)
    return render(request, "awards/person_list.html", {"page": page})


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
        except InvalidInput as exc:
            report = exc
        else:
            messages.success(request, _("Đã nhập %(n)d dòng lịch sử khen thưởng.") % {"n": result["rows"]})
            return redirect("awards:history_import")
    return render(request, "awards/history_import.html", {"form": form, "report": report,
                                                          "columns": services.IMPORT_COLUMNS})


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
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
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
    form = BlockerForm(request.POST or None, units=_visible_units(request.user),
                       persons=list(selectors.persons_for(user=request.user).order_by("full_name")[:500]))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.blocker_record(actor=request.user, kind=d["kind"], unit_id=d["unit"], person_id=d["person"],
                                    starts_on=d["starts_on"], ends_on=d["ends_on"], reference=d["reference"])
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận."))
            return redirect("awards:blockers")
    qs = BlockerRecord.objects.select_related("unit", "person").order_by("-starts_on", "-pk")
    page = paginate(qs, page=request.GET.get("page"), per_page=settings.PAGE_SIZE)
    return render(request, "awards/blockers.html", {"form": form, "page": page})
