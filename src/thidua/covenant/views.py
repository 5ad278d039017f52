"""Pages of the covenant. Reads through selectors (scoped), writes through services; a domain error from a
service is shown on the form (InvalidInput) or as a message (InvalidState, Conflict)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from thidua.core.errors import Conflict, DomainError, Forbidden, InvalidInput, InvalidState, NotFound
from thidua.core.forms import apply_domain_errors
from thidua.covenant import excel, selectors, services
from thidua.covenant import workflow as wf
from thidua.covenant.access import member_unit_ids, roles_of, runs_year, works_for
from thidua.covenant.forms import (
    BandsForm,
    CriteriaSetForm,
    CriterionForm,
    DeadlinesForm,
    ImportForm,
    ReasonForm,
    RegistrationForm,
    ScanForm,
    SignForm,
)
from thidua.covenant.models import Criterion, Method, Registration, RegistrationStatus
from thidua.organisations.models import Unit
from thidua.organisations.selectors import annotate_as_of, cluster_year_get, year_end


def _year(request, code: str, year: int):
    cy = cluster_year_get(user=request.user, code=code, year=year)
    members = member_unit_ids(cy)
    roles = roles_of(request.user, cy, members)
    cycle = selectors.cycle_get(cluster_year=cy)
    return cy, members, roles, cycle


def _back(code, year):
    return redirect("cluster_year_detail", code=code, year=year)


def _flash(request, exc: DomainError) -> None:
    text = str(exc.message)
    if exc.details:
        text += " " + "; ".join(str(d.message) for d in exc.details[:10])
    messages.error(request, text)


def _units(ids, year):
    return {u.pk: u for u in annotate_as_of(Unit.objects.filter(pk__in=ids), year_end(year)).order_by("code")}


# --- Cycle -------------------------------------------------------------------------------------------


@require_POST
@login_required
def transition(request, code: str, year: int):
    cy, _m, _r, _c = _year(request, code, year)
    form = ReasonForm(request.POST)
    form.is_valid()
    try:
        if request.POST.get("action") == "start":
            services.cycle_ensure(actor=request.user, cluster_year_id=cy.pk)
        else:
            services.cycle_transition(actor=request.user, cluster_year_id=cy.pk, action=request.POST.get("action", ""),
                                      reason=form.cleaned_data.get("reason", ""))
        messages.success(request, _("Đã cập nhật trạng thái kỳ thi đua."))
    except (InvalidInput, InvalidState, Conflict) as exc:
        _flash(request, exc)
    return _back(code, year)


@require_http_methods(["GET", "POST"])
@login_required
def deadlines(request, code: str, year: int):
    cy, _m, roles, cycle = _year(request, code, year)
    if not runs_year(roles) or cycle is None:
        raise Forbidden()
    initial = {f: getattr(cycle, f) for f in wf.DEADLINE_FIELDS}
    form = DeadlinesForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.cycle_set_deadlines(actor=request.user, cluster_year_id=cy.pk, **form.cleaned_data)
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu các mốc thời gian."))
            return _back(code, year)
    return render(request, "covenant/deadlines.html", {"cy": cy, "form": form})


# --- Criteria editor ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def criteria(request, code: str, year: int):
    """The criteria table of the year: the tree, validation, bands, and (while draft) the editing forms."""
    cy, _m, roles, cycle = _year(request, code, year)
    can_edit = runs_year(roles)
    sets = list(selectors.criteria_sets_of(cluster_year=cy))
    cs = next((s for s in sets if s.status == "draft"), None) or selectors.current_criteria_set(cluster_year=cy)
    if request.GET.get("version"):
        cs = next((s for s in sets if str(s.version) == request.GET["version"]), cs)
    nodes = selectors.criteria_of(criteria_set=cs)
    editable = bool(can_edit and cs and cs.status == "draft" and (
        cs.amendment_number or cycle is None or wf.state_index(cycle.state) < wf.state_index("covenant_signed")))
    groups = [n for n in nodes if n.method == Method.GROUP and n.depth < 2]
    add_form = CriterionForm(request.POST or None, groups=groups, prefix="add") if editable else None
    set_form = CriteriaSetForm(request.POST or None, prefix="set") if (can_edit and cs is None) else None
    if request.method == "POST":
        if not can_edit:
            raise Forbidden()
        try:
            if request.POST.get("op") == "create" and set_form is not None and set_form.is_valid():
                services.criteria_set_create(actor=request.user, cluster_year_id=cy.pk, **set_form.cleaned_data)
            elif request.POST.get("op") == "copy":
                services.criteria_set_copy_previous(actor=request.user, cluster_year_id=cy.pk)
            elif request.POST.get("op") == "add" and add_form is not None and add_form.is_valid():
                services.criterion_add(actor=request.user, criteria_set_id=cs.pk,
                                       parent_id=add_form.cleaned_data.get("parent"), **add_form.service_fields())
            elif request.POST.get("op") == "amend":
                services.amendment_create(actor=request.user, cluster_year_id=cy.pk,
                                          reason=request.POST.get("reason", ""))
            else:
                raise InvalidInput(message=_("Dữ liệu chưa hợp lệ, vui lòng kiểm tra lại."))
        except InvalidInput as exc:
            target = add_form if request.POST.get("op") == "add" and add_form is not None else set_form
            if target is not None:
                apply_domain_errors(target, exc)
            else:
                _flash(request, exc)
        except (InvalidState, Conflict) as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã lưu."))
            return redirect("covenant:criteria", code=code, year=year)
    bands = selectors.bands_of(criteria_set=cs)
    return render(request, "covenant/criteria.html", {
        "cy": cy, "cs": cs, "sets": sets, "nodes": nodes, "editable": editable, "can_edit": can_edit,
        "add_form": add_form, "set_form": set_form, "errors": services.criteria_set_errors(cs) if cs else [],
        "bands": bands, "band_lines": _band_lines(bands), "import_form": ImportForm() if editable else None,
        "cycle": cycle,
    })


def _band_lines(bands):
    from thidua.covenant.documents import band_lines

    return band_lines(bands)


def _node_for_edit(request, pk: int) -> Criterion:
    node = Criterion.objects.select_related("criteria_set__cluster_year__cluster").filter(pk=pk).first()
    if node is None:
        raise NotFound()
    cy = node.criteria_set.cluster_year
    cluster_year_get(user=request.user, code=cy.cluster.code, year=cy.year)  # 404 outside scope
    return node


@require_http_methods(["GET", "POST"])
@login_required
def criterion_edit(request, pk: int):
    node = _node_for_edit(request, pk)
    cy = node.criteria_set.cluster_year
    initial = {f: getattr(node, f) for f in ("code", "title", "method", "max_points", "step", "unit_of_measure",
                                              "higher_is_better", "extra_points_cap", "points_per_occurrence", "cap",
                                              "auto_award_code", "evidence_required", "scored_by", "guidance")}
    initial["national_campaign"] = node.national_campaign_id
    form = CriterionForm(request.POST or None, initial=initial, with_parent=False)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.criterion_update(actor=request.user, criterion_id=node.pk, **form.service_fields())
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except InvalidState as exc:
                _flash(request, exc)
            else:
                messages.success(request, _("Đã lưu tiêu chí %(code)s.") % {"code": form.cleaned_data["code"]})
                return redirect("covenant:criteria", code=cy.cluster.code, year=cy.year)
    return render(request, "covenant/criterion_edit.html", {"cy": cy, "node": node, "form": form})


@require_POST
@login_required
def criterion_action(request, pk: int):
    """Delete or move a criterion (POST only: nothing changes over GET)."""
    node = _node_for_edit(request, pk)
    cy = node.criteria_set.cluster_year
    op = request.POST.get("op")
    try:
        if op == "delete":
            services.criterion_delete(actor=request.user, criterion_id=node.pk)
            messages.success(request, _("Đã xóa tiêu chí %(code)s.") % {"code": node.code})
        elif op in ("up", "down"):
            services.criterion_move(actor=request.user, criterion_id=node.pk, direction=op)
        else:
            raise InvalidInput(message=_("Thao tác không tồn tại."))
    except (InvalidInput, InvalidState) as exc:
        _flash(request, exc)
    return redirect("covenant:criteria", code=cy.cluster.code, year=cy.year)


@require_http_methods(["GET", "POST"])
@login_required
def bands_edit(request, code: str, year: int):
    cy, _m, roles, _c = _year(request, code, year)
    cs = selectors.editing_criteria_set(cluster_year=cy)
    if cs is None or not runs_year(roles):
        raise Forbidden()
    initial = {}
    for i, b in enumerate(selectors.bands_of(criteria_set=cs), start=1):
        initial.update({f"label_{i}": b.label, f"min_{i}": b.min_points, f"max_{i}": b.max_points})
    form = BandsForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.bands_replace(actor=request.user, criteria_set_id=cs.pk, bands=form.bands())
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        except InvalidState as exc:
            _flash(request, exc)
        else:
            messages.success(request, _("Đã lưu các mức xếp loại."))
            return redirect("covenant:criteria", code=code, year=year)
    return render(request, "covenant/bands.html", {"cy": cy, "cs": cs, "form": form})


@require_GET
@login_required
def criteria_export(request, code: str, year: int):
    cy, _m, _r, _c = _year(request, code, year)
    cs = selectors.editing_criteria_set(cluster_year=cy)
    if request.GET.get("version"):  # the version shown on the criteria page (?version=…)
        cs = selectors.criteria_sets_of(cluster_year=cy).filter(version=request.GET["version"]).first() \
            if request.GET["version"].isdigit() else None
    if cs is None:
        raise NotFound()
    response = HttpResponse(excel.export_xlsx(cs),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="tieu-chi-{code}-{year}-v{cs.version}.xlsx"'
    return response


@require_POST
@login_required
def criteria_import(request, code: str, year: int):
    cy, _m, roles, _c = _year(request, code, year)
    cs = selectors.editing_criteria_set(cluster_year=cy)
    if cs is None or not runs_year(roles):
        raise Forbidden()
    form = ImportForm(request.POST, request.FILES)
    report = []
    if form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > excel.MAX_BYTES:
            report = [{"row": None, "column": None, "message": _("Tệp quá lớn (tối đa 5 MB).")}]
        else:
            try:
                n = excel.import_xlsx(actor=request.user, criteria_set_id=cs.pk, data=upload.read(),
                                      filename=upload.name)
            except InvalidInput as exc:
                report = [{"row": d.row, "column": d.column or d.field, "message": str(d.message)}
                          for d in exc.details] or [{"row": None, "column": None, "message": str(exc.message)}]
            except InvalidState as exc:
                _flash(request, exc)
                return redirect("covenant:criteria", code=code, year=year)
            else:
                messages.success(request, _("Đã nhập %(n)d tiêu chí từ tệp.") % {"n": n})
                return redirect("covenant:criteria", code=code, year=year)
    return render(request, "covenant/import_report.html", {"cy": cy, "cs": cs, "form": form, "report": report},
                  status=422)


# --- Registration ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def registration(request, code: str, year: int, unit_id: int):
    """A member's own registration form (its officers and leaders); the secretariat reads it here too."""
    cy, members, roles, cycle = _year(request, code, year)
    if unit_id not in members:
        raise NotFound()
    reg = selectors.registration_get(user=request.user, cluster_year=cy, unit_id=unit_id)
    mine = works_for(request.user, unit_id)
    cs = services._pending_set(cy)
    quantitative = [c for c in selectors.criteria_of(criteria_set=cs) if c.method == Method.QUANTITATIVE]
    targets = {t.criterion_id: t.target_value for t in
               selectors.targets_of(cluster_year=cy).filter(unit_id=unit_id)} if cs else {}
    if cs is not None and cs.status == "draft":
        from thidua.covenant.models import MemberTarget

        targets = dict(MemberTarget.objects.filter(unit_id=unit_id, criterion__criteria_set=cs)
                       .values_list("criterion_id", "target_value"))
    editable = bool(mine and cycle and cycle.state == "registration_open"
                    and (reg is None or reg.status in (RegistrationStatus.DRAFT, RegistrationStatus.RETURNED)))
    initial = {f"target_{k}": (f"{v.normalize():f}" if v is not None else "") for k, v in targets.items()}
    if reg is not None:
        for i, c in enumerate(reg.campaigns.all(), start=1):
            initial[f"campaign_{i}"], initial[f"campaign_nc_{i}"] = c.title, c.national_campaign_id
        for i, c in enumerate(reg.commitments.all(), start=1):
            initial[f"commitment_{i}"], initial[f"commitment_nc_{i}"] = c.text, c.national_campaign_id
    form = RegistrationForm(request.POST or None, initial=initial, criteria=quantitative,
                            campaigns_nat=selectors.national_campaigns())
    if request.method == "POST":
        if not mine:
            raise NotFound()
        if form.is_valid():
            try:
                services.registration_save(actor=request.user, cluster_year_id=cy.pk, unit_id=unit_id, **form.payload())
                if request.POST.get("submit"):
                    services.registration_submit(actor=request.user, cluster_year_id=cy.pk, unit_id=unit_id)
                    messages.success(request, _("Đã gửi đăng ký tới thư ký cụm."))
                else:
                    messages.success(request, _("Đã lưu bản nháp đăng ký."))
            except InvalidInput as exc:
                apply_domain_errors(form, exc)
            except (InvalidState, Conflict) as exc:
                _flash(request, exc)
                return redirect("covenant:registration", code=code, year=year, unit_id=unit_id)
            else:
                return redirect("covenant:registration", code=code, year=year, unit_id=unit_id)
    unit = _units([unit_id], cy.year)[unit_id]
    return render(request, "covenant/registration.html", {
        "cy": cy, "unit": unit, "reg": reg, "form": form, "editable": editable, "cs": cs, "mine": mine,
        "can_review": runs_year(roles) and reg is not None, "reason_form": ReasonForm(),
    })


@require_GET
@login_required
def registrations(request, code: str, year: int):
    """The secretariat's review list: every member, its registration status, links to review."""
    cy, members, roles, cycle = _year(request, code, year)
    regs = {r.unit_id: r for r in selectors.registrations_for(user=request.user, cluster_year=cy)}
    units = _units(members, cy.year)
    rows = [{"unit": units[u], "reg": regs.get(u), "mine": works_for(request.user, u)} for u in members]
    return render(request, "covenant/registrations.html", {"cy": cy, "rows": rows, "runs": runs_year(roles),
                                                           "cycle": cycle})


@require_POST
@login_required
def registration_review(request, pk: int):
    reg = Registration.objects.select_related("cluster_year__cluster").filter(pk=pk).first()
    if reg is None:
        raise NotFound()
    cy = reg.cluster_year
    cluster_year_get(user=request.user, code=cy.cluster.code, year=cy.year)
    try:
        if request.POST.get("op") == "accept":
            services.registration_accept(actor=request.user, registration_id=pk)
            messages.success(request, _("Đã chấp nhận đăng ký."))
        elif request.POST.get("op") == "return":
            services.registration_return(actor=request.user, registration_id=pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã trả lại đăng ký cho đơn vị."))
        else:
            raise InvalidInput(message=_("Thao tác không tồn tại."))
    except (InvalidInput, InvalidState) as exc:
        _flash(request, exc)
    return redirect("covenant:registrations", code=cy.cluster.code, year=cy.year)


# --- Signing -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def signing(request, code: str, year: int):
    """The covenant document being signed (hash, downloads), who has signed, and the leader's confirmation."""
    cy, members, roles, cycle = _year(request, code, year)
    cs = services._pending_set(cy)
    doc = services.current_covenant_document(cy, cs) if cs else None
    stale = bool(doc and cycle and cycle.content_changed_at and doc.created_at < cycle.content_changed_at)
    from thidua.accounts.selectors import grants_for

    g = grants_for(request.user)
    my_lead = [u for u in members if u in g.leader_units]
    form = SignForm(request.POST or None, request.FILES or None,
                    initial={"document_sha256": doc.docx_sha256 if doc else ""})
    if request.method == "POST":
        op = request.POST.get("op")
        try:
            if op == "issue":
                services.covenant_document_issue(actor=request.user, cluster_year_id=cy.pk)
                messages.success(request, _("Đã lập văn bản giao ước; các lãnh đạo đơn vị có thể ký."))
                return redirect("covenant:signing", code=code, year=year)
            if op == "plan":
                services.plan_document_issue(actor=request.user, cluster_year_id=cy.pk)
                messages.success(request, _("Đã lập Kế hoạch của năm."))
                return redirect("covenant:signing", code=code, year=year)
            if op == "sign":
                unit_id = int(request.POST.get("unit") or 0)
                if form.is_valid():
                    scan = form.cleaned_data.get("scan")
                    services.signature_confirm(actor=request.user, cluster_year_id=cy.pk, unit_id=unit_id,
                                               document_sha256=form.cleaned_data["document_sha256"],
                                               scan=scan.read() if scan else None, scan_name=scan.name if scan else "")
                    messages.success(request, _("Đã ghi nhận chữ ký của đơn vị."))
                    return redirect("covenant:signing", code=code, year=year)
        except InvalidInput as exc:
            apply_domain_errors(form, exc)
        except (InvalidState, Conflict) as exc:
            _flash(request, exc)
            return redirect("covenant:signing", code=code, year=year)
    units = _units(members, cy.year)
    sigs = {}
    for s in selectors.signatures_of(cluster_year=cy):
        if doc and s.document_id == doc.pk:
            sigs[s.unit_id] = s
    older = [s for s in selectors.signatures_of(cluster_year=cy) if not doc or s.document_id != doc.pk]
    for s in older:
        s.unit_name = units[s.unit_id].as_of_name if s.unit_id in units else s.unit.code
    from thidua.documents.selectors import documents_for

    docs = list(documents_for(user=request.user).filter(cluster_year=cy, type_key__in=["giao_uoc", "ke_hoach"])
                .order_by("-created_at")[:20])
    return render(request, "covenant/signing.html", {
        "cy": cy, "cs": cs, "doc": doc, "stale": stale, "form": form, "runs": runs_year(roles), "cycle": cycle,
        "rows": [{"unit": units[u], "sig": sigs.get(u), "can_sign": u in my_lead and doc and not stale
                  and u not in sigs and cs.status == "draft",
                  # the same people services.signature_attach_scan allows: the unit's own staff, the secretariat
                  "can_attach": runs_year(roles) or works_for(request.user, u)} for u in members],
        "older": older, "docs": docs,
    })


@require_GET
@login_required
def signature_scan(request, pk: int):
    """The scan of a paper original, for those who can see the cluster-year (never from the web root)."""
    from thidua.covenant.models import Signature
    from thidua.documents.storage import open_stored

    sig = Signature.objects.select_related("cluster_year__cluster").filter(pk=pk).exclude(scan_path="").first()
    if sig is None:
        raise NotFound()
    cluster_year_get(user=request.user, code=sig.cluster_year.cluster.code, year=sig.cluster_year.year)
    path = open_stored(sig.scan_path)
    return FileResponse(path.open("rb"), as_attachment=True, filename=sig.scan_name or path.name)


@require_POST
@login_required
def signature_scan_upload(request, pk: int):
    from thidua.covenant.models import Signature

    sig = Signature.objects.select_related("cluster_year__cluster").filter(pk=pk).first()
    if sig is None:
        raise NotFound()
    cy = sig.cluster_year
    form = ScanForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            f = form.cleaned_data["scan"]
            services.signature_attach_scan(actor=request.user, signature_id=pk, scan=f.read(), scan_name=f.name)
            messages.success(request, _("Đã đính kèm bản chụp."))
        except InvalidInput as exc:
            _flash(request, exc)
    else:
        messages.error(request, _("Chưa chọn tệp."))
    return redirect("covenant:signing", code=cy.cluster.code, year=cy.year)
