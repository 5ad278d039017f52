"""Pages of the review conference: the secretariat's desk (set-up, attendance, ballots, paper counts,
confirmation), the delegate's phone-sized voting page with a receipt that can be checked later, and the
cluster's rotation order for head and deputy."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods, require_POST

from thidua.conference import selectors, services
from thidua.conference.documents import conference_minutes_issue, results_report_issue
from thidua.conference.forms import (
    BallotForm,
    CandidateForm,
    ConferenceForm,
    ConfirmCountForm,
    DelegateForm,
    PaperCountForm,
    RuleForm,
    VoteForm,
)
from thidua.conference.models import BallotMethod, BallotState
from thidua.core.errors import DomainError, Forbidden, InvalidInput
from thidua.core.forms import apply_domain_errors
from thidua.core.selectors import audit_entries_for_object, paginate
from thidua.documents.selectors import documents_for_object
from thidua.organisations.selectors import memberships_for

# The status of the legal basis of a ballot's rule (DOMAIN.md: VERIFIED / HISTORIC / UNCONFIRMED), in words.
RULE_STATUS_LABELS = {
    "VERIFIED": _lazy("Căn cứ đã đối chiếu văn bản"),
    "HISTORIC": _lazy("Căn cứ theo quy định cũ (đã được thay thế)"),
    "UNCONFIRMED": _lazy("Chưa có văn bản quy định: theo quy chế, thông lệ của cụm"),
}


def _can_manage(user, cy) -> bool:
    return user.has_perm("conference.manage_conference", cy)


def _flash(request, exc: DomainError) -> None:
    text = str(exc.message)
    if exc.details:
        text += " " + " ".join(str(d.message) for d in exc.details if str(d.message) != text)
    messages.error(request, text)


@require_http_methods(["GET", "POST"])
@login_required
def conference_detail(request, code: str, year: int):
    cy, conf = selectors.conference_for_year(user=request.user, code=code, year=year)
    manage = _can_manage(request.user, cy)
    members = list(memberships_for(user=request.user, cluster=cy.cluster, year=cy.year))
    form = None
    if conf is None:
        if manage:
            form = ConferenceForm(request.POST or None, members=members)
            if request.method == "POST" and form.is_valid():
                d = form.cleaned_data
                try:
                    services.conference_create(
                        actor=request.user, cluster_year_id=cy.pk, held_on=d["held_on"], place=d["place"],
                        host_id=d["host"], chair=d["chair"], secretary=d["secretary"],
                        central_leader=d["central_leader"], quorum_numerator=d["quorum_numerator"],
                        quorum_denominator=d["quorum_denominator"], agenda=d["agenda"].splitlines())
                except InvalidInput as exc:
                    apply_domain_errors(form, exc)
                else:
                    messages.success(request, _("Đã tạo hội nghị tổng kết."))
                    return redirect("conference:detail", code=code, year=year)
        elif request.method == "POST":
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        return render(request, "conference/detail.html", {"cy": cy, "conf": None, "form": form, "manage": manage})
    if request.method == "POST":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    present, total, met = services.quorum_status(conf)
    ballots = selectors.ballots_of(conference=conf)
    me = selectors.my_delegate(user=request.user, conference=conf)
    history = paginate(audit_entries_for_object(obj=conf), page=request.GET.get("hpage"), per_page=20)
    covenant = selectors.next_covenant(user=request.user, conference=conf)
    return render(request, "conference/detail.html", {
        "covenant": covenant, "covenant_unsigned": selectors.unit_names(covenant.unsigned_unit_ids, covenant.year)
        if covenant.document_sha256 else [],
        "cy": cy, "conf": conf, "manage": manage, "attendance": selectors.attendance(conference=conf),
        "present": present, "total": total, "quorum_met": met, "ballots": ballots, "me": me,
        "voting_open": any(b.state == BallotState.OPEN for b in ballots),
        "delegate_form": DelegateForm(members=members) if manage else None,
        "edit_form": ConferenceForm(members=members, initial={
            "held_on": conf.held_on, "place": conf.place, "host": conf.host_id, "chair": conf.chair,
            "secretary": conf.secretary, "central_leader": conf.central_leader,
            "quorum_numerator": conf.quorum_numerator, "quorum_denominator": conf.quorum_denominator,
            "agenda": "\n".join(a.title for a in conf.agenda.all())}, auto_id="edit_%s")
        if manage and conf.state != "closed" else None,
        "deletable_delegates": _deletable_delegates(conf, ballots) if manage and conf.state != "closed" else set(),
        "ballot_form": BallotForm() if manage else None,
        "documents": documents_for_object(user=request.user, obj=conf), "history": history,
        "committee": [d for d in conf.delegates.all() if d.on_counting_committee],
    })


def _deletable_delegates(conf, ballots) -> set[int]:
    """Delegates the page offers to remove (the service decides; this only hides buttons that would be refused)."""
    used = any(b.state not in (BallotState.DRAFT, BallotState.CANCELLED) for b in ballots)
    return {d.pk for d in conf.delegates.all() if not (used and d.checked_in)}


@require_POST
@login_required
def conference_action(request, conference_id: int, action: str):
    conf = selectors.conference_get(user=request.user, conference_id=conference_id)
    cy = conf.cluster_year
    if not _can_manage(request.user, cy):
        raise Forbidden()
    p = request.POST
    try:
        if action == "delegate":
            form = DelegateForm(p, members=list(memberships_for(user=request.user, cluster=cy.cluster, year=cy.year)))
            if not form.is_valid():
                raise InvalidInput(message=_("Thông tin đại biểu chưa hợp lệ."))
            user_id = None
            if form.cleaned_data["username"]:
                from thidua.accounts.models import User

                u = User.objects.filter(username=form.cleaned_data["username"].strip()).first()
                if u is None:
                    raise InvalidInput(message=_("Không có tài khoản này."))
                user_id = u.pk
            services.delegate_add(actor=request.user, conference_id=conf.pk, unit_id=form.cleaned_data["unit"],
                                  full_name=form.cleaned_data["full_name"], position=form.cleaned_data["position"],
                                  user_id=user_id)
            messages.success(request, _("Đã mời đại biểu."))
        elif action == "edit":
            form = ConferenceForm(p, members=list(memberships_for(user=request.user, cluster=cy.cluster, year=cy.year)))
            if not form.is_valid():
                raise InvalidInput(message=_("Thông tin hội nghị chưa hợp lệ: %(e)s") % {
                    "e": " ".join(f"{form.fields[f].label if f in form.fields else ''}: {' '.join(map(str, es))}"
                                  for f, es in form.errors.items())})
            d = form.cleaned_data
            services.conference_update(
                actor=request.user, conference_id=conf.pk, held_on=d["held_on"], place=d["place"], host_id=d["host"],
                chair=d["chair"], secretary=d["secretary"], central_leader=d["central_leader"],
                quorum_numerator=d["quorum_numerator"], quorum_denominator=d["quorum_denominator"],
                agenda=d["agenda"].splitlines())
            messages.success(request, _("Đã cập nhật thông tin hội nghị."))
        elif action == "delegate_remove":
            services.delegate_remove(actor=request.user, delegate_id=int(p.get("delegate", 0)))
            messages.success(request, _("Đã xóa đại biểu."))
        elif action == "checkin":
            services.delegate_check_in(actor=request.user, delegate_id=int(p.get("delegate", 0)),
                                       present=p.get("present") == "1")
            messages.success(request, _("Đã cập nhật điểm danh."))
        elif action == "committee":
            services.counting_committee_set(actor=request.user, conference_id=conf.pk,
                                            delegate_ids=[int(x) for x in p.getlist("delegates")])
            messages.success(request, _("Đã bầu Ban kiểm phiếu."))
        elif action == "ballot":
            form = BallotForm(p)
            if not form.is_valid():
                raise InvalidInput(message=_("Thông tin cuộc bỏ phiếu chưa hợp lệ."))
            d = form.cleaned_data
            b = services.ballot_create(actor=request.user, conference_id=conf.pk, kind=d["kind"], method=d["method"],
                                       award_code=d["award_code"], motion_text=d["motion_text"],
                                       voter_basis=d["voter_basis"], pass_basis=d["pass_basis"])
            messages.success(request, _("Đã tạo cuộc bỏ phiếu."))
            return redirect("conference:ballot", ballot_id=b.pk)
        elif action == "minutes":
            conference_minutes_issue(actor=request.user, conference_id=conf.pk)
            messages.success(request, _("Đã lập Biên bản hội nghị."))
        elif action == "results_report":
            doc = results_report_issue(actor=request.user, conference_id=conf.pk)
            messages.success(request, _("Đã lập Báo cáo kết quả bình xét, suy tôn gửi cơ quan tổ chức (%(n)s).")
                             % {"n": doc.symbol})
        elif action == "close":
            services.conference_close(actor=request.user, conference_id=conf.pk)
            messages.success(request, _("Hội nghị đã kết thúc."))
        else:
            from django.http import Http404

            raise Http404
    except (InvalidInput, DomainError) as exc:
        if exc.status in (403, 404):
            raise
        _flash(request, exc)
    except ValueError:
        messages.error(request, _("Dữ liệu gửi lên không hợp lệ."))
    return redirect("conference:detail", code=cy.cluster.code, year=cy.year)


@require_http_methods(["GET", "POST"])
@login_required
def ballot_detail(request, ballot_id: int):
    ballot = selectors.ballot_get(user=request.user, ballot_id=ballot_id)
    conf = ballot.conference
    cy = conf.cluster_year
    manage = _can_manage(request.user, cy)
    me = selectors.my_delegate(user=request.user, conference=conf)
    committee = list(conf.delegates.filter(on_counting_committee=True))
    on_committee = any(d.user_id == request.user.pk for d in committee)
    receipt = None
    vote_form = None
    check = None
    # The receipt check is a POST: a receipt in a URL would end up in access logs next to the voter's address.
    checking = request.method == "POST" and "receipt" in request.POST
    if checking:
        check = selectors.receipt_check(user=request.user, ballot_id=ballot.pk, receipt=request.POST["receipt"][:20])
    eligible = (ballot.method == BallotMethod.ONLINE and ballot.state == BallotState.OPEN and me is not None
                and me.checked_in and not selectors.has_voted(user=request.user, ballot=ballot))
    if eligible and not checking:
        vote_form = VoteForm(request.POST or None, ballot=ballot)
        if request.method == "POST" and vote_form.is_valid():
            try:
                receipt = services.ballot_cast(actor=request.user, ballot_id=ballot.pk,
                                               candidate_ids=vote_form.chosen(),
                                               abstain=vote_form.cleaned_data.get("abstain", False))
            except InvalidInput as exc:
                apply_domain_errors(vote_form, exc)
            except DomainError as exc:
                if exc.status in (403, 404):
                    raise
                _flash(request, exc)
            else:
                # The receipt is shown once, on this response only; it is stored nowhere that names the voter.
                vote_form = None
    elif request.method == "POST" and not checking:
        # A vote that cannot be taken now: a resubmission (reload, second tab) or a box just locked. Say which,
        # rather than "no permission"; someone who is not a delegate at all is still refused.
        refusal = _vote_refusal(request.user, ballot, me)
        if refusal is None:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        messages.warning(request, refusal)
        return redirect("conference:ballot", ballot_id=ballot.pk)
    if eligible and checking:
        vote_form = VoteForm(ballot=ballot)
    result = None
    if ballot.state in (BallotState.COUNTED, BallotState.CONFIRMED):
        result = selectors.ballot_result(ballot=ballot)
        names = {c["id"]: c["label"] for c in result["candidates"]}
        result["winner_labels"] = [names[i] for i in result["winners"]]
        result["tied_labels"] = [names[i] for i in result["tied"]]
    paper_form = confirm_form = None
    if ballot.method == BallotMethod.PAPER and ballot.state == BallotState.CLOSED and (manage or on_committee):
        paper_form = PaperCountForm(ballot=ballot, committee=committee)
        if getattr(ballot, "paper_count", None) is not None:
            confirm_form = ConfirmCountForm(committee=committee)
    return render(request, "conference/ballot.html", {
        "ballot": ballot, "conf": conf, "cy": cy, "manage": manage, "me": me, "vote_form": vote_form,
        "receipt": receipt, "has_voted": selectors.has_voted(user=request.user, ballot=ballot), "result": result,
        "check": check, "paper_form": paper_form, "confirm_form": confirm_form,
        "paper_count": getattr(ballot, "paper_count", None),
        "voters": selectors.voter_register(ballot=ballot).count(),
        "candidate_form": CandidateForm(members=list(memberships_for(user=request.user, cluster=cy.cluster,
                                                                     year=cy.year)))
        if manage and ballot.state == BallotState.DRAFT and ballot.kind != "motion" and not ballot.parent_id else None,
        "can_remove_candidates": manage and ballot.state == BallotState.DRAFT and ballot.kind != "motion"
        and not ballot.parent_id and conf.state != "closed",
        "runoff": ballot.runoffs.exclude(state=BallotState.CANCELLED).first(),
        "rule_status_label": RULE_STATUS_LABELS.get(ballot.rule_status, ballot.rule_status),
        "rule_form": RuleForm(initial={k: getattr(ballot, k) for k in RuleForm.base_fields})
        if manage and ballot.state == BallotState.DRAFT else None,
        "documents": documents_for_object(user=request.user, obj=ballot),
    })


def _vote_refusal(user, ballot, me) -> str | None:
    """Why a delegate's vote on this ballot cannot be taken now, or None when the user is not a voter here."""
    if me is None or ballot.method != BallotMethod.ONLINE:
        return None
    if selectors.has_voted(user=user, ballot=ballot):
        return _("Phiếu của bạn (hoặc của đơn vị bạn) đã được ghi nhận trước đó; mỗi cử tri chỉ bỏ một phiếu. Mã biên "
                 "nhận chỉ hiển thị một lần, ngay sau khi gửi phiếu: nếu đã ghi lại mã biên nhận, hãy nhập vào ô "
                 "“Kiểm tra mã biên nhận” trên trang này để kiểm tra.")
    if ballot.state in (BallotState.CLOSED, BallotState.COUNTED, BallotState.CONFIRMED):
        return _("Cuộc bỏ phiếu đã khóa hòm phiếu: phiếu gửi sau khi khóa không được ghi nhận.")
    if ballot.state != BallotState.OPEN:
        return _("Cuộc bỏ phiếu chưa mở.")
    if not me.checked_in:
        return _("Bạn chưa được điểm danh có mặt khi mở cuộc bỏ phiếu này nên chưa thể bỏ phiếu; đại biểu đến muộn "
                 "tham gia từ cuộc bỏ phiếu tiếp theo.")
    return None


@require_POST
@login_required
def ballot_action(request, ballot_id: int, action: str):
    ballot = selectors.ballot_get(user=request.user, ballot_id=ballot_id)
    target = ballot.pk
    if action not in ("paper", "paper_confirm") and not _can_manage(request.user, ballot.conference.cluster_year):
        raise Forbidden()
    try:
        if action in ("open", "close", "publish", "confirm"):
            fn = {"open": services.ballot_open, "close": services.ballot_close, "publish": services.ballot_publish,
                  "confirm": services.ballot_confirm}[action]
            fn(actor=request.user, ballot_id=ballot.pk)
            messages.success(request, {"open": _("Đã mở bỏ phiếu."), "close": _("Đã khóa hòm phiếu."),
                                       "publish": _("Đã công bố kết quả và các phiếu."),
                                       "confirm": _("Đã xác nhận kết quả.")}[action])
        elif action == "runoff":
            target = services.ballot_runoff_create(actor=request.user, ballot_id=ballot.pk).pk
            messages.success(request, _("Đã tạo vòng bỏ phiếu lại."))
        elif action == "candidate":
            cy = ballot.conference.cluster_year
            form = CandidateForm(request.POST, members=list(memberships_for(user=request.user, cluster=cy.cluster,
                                                                           year=cy.year)))
            if not form.is_valid():
                raise InvalidInput(message=_("Cần chọn đơn vị được đề cử."))
            services.candidate_add(actor=request.user, ballot_id=ballot.pk, unit_id=form.cleaned_data["unit"],
                                   nominated_by=form.cleaned_data["nominated_by"])
            messages.success(request, _("Đã bổ sung ứng viên."))
        elif action == "cancel":
            services.ballot_cancel(actor=request.user, ballot_id=ballot.pk, reason=request.POST.get("reason", ""))
            messages.success(request, _("Đã hủy cuộc bỏ phiếu."))
        elif action == "candidate_remove":
            cand_id = int(request.POST.get("candidate", 0))
            if not ballot.candidates.filter(pk=cand_id).exists():
                from django.http import Http404

                raise Http404
            services.candidate_remove(actor=request.user, candidate_id=cand_id)
            messages.success(request, _("Đã bớt ứng viên."))
        elif action == "rule":
            form = RuleForm(request.POST)
            if not form.is_valid():
                raise InvalidInput(message=_("Quy tắc chưa hợp lệ."))
            rule = {k: v for k, v in form.cleaned_data.items() if not (k == "tie_rule" and not v)}
            services.ballot_update_rule(actor=request.user, ballot_id=ballot.pk, **rule)
            messages.success(request, _("Đã cập nhật quy tắc."))
        elif action == "paper":
            committee = list(ballot.conference.delegates.filter(on_counting_committee=True))
            form = PaperCountForm(request.POST, ballot=ballot, committee=committee)
            if not form.is_valid():
                raise InvalidInput(message=_("Số liệu kiểm phiếu chưa hợp lệ (cần số nguyên không âm)."))
            d = form.cleaned_data
            services.paper_count_enter(actor=request.user, ballot_id=ballot.pk,
                                       committee_member_id=d["committee_member"], issued=d["issued"],
                                       returned=d["returned"], unused=d["unused"], valid=d["valid"],
                                       invalid=d["invalid"], blank=d["blank"], votes=form.votes())
            messages.success(request, _("Đã nhập kết quả kiểm phiếu; chờ thành viên thứ hai xác nhận."))
        elif action == "paper_confirm":
            committee = list(ballot.conference.delegates.filter(on_counting_committee=True))
            form = ConfirmCountForm(request.POST, committee=committee)
            if not form.is_valid():
                raise InvalidInput(message=_("Cần chọn thành viên xác nhận."))
            services.paper_count_confirm(actor=request.user, ballot_id=ballot.pk,
                                         committee_member_id=form.cleaned_data["committee_member"])
            messages.success(request, _("Kết quả kiểm phiếu đã được xác nhận."))
        else:
            from django.http import Http404

            raise Http404
    except DomainError as exc:
        # A committee member refused for a paper count (another member's name, the same account twice) is told
        # why on the page: they may see the ballot, so the reason reveals nothing.
        if exc.status == 404 or (exc.status == 403 and action not in ("paper", "paper_confirm")):
            raise
        _flash(request, exc)
    except ValueError:
        messages.error(request, _("Dữ liệu gửi lên không hợp lệ."))
    return redirect("conference:ballot", ballot_id=target)


@login_required
def ballot_published(request, ballot_id: int):
    from django.http import Http404, HttpResponse

    ballot = selectors.ballot_get(user=request.user, ballot_id=ballot_id)
    if not ballot.published_json:
        raise Http404
    resp = HttpResponse(ballot.published_json, content_type="application/json; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="ballot-{ballot.pk}.json"'
    return resp


# --- Rotation order ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def rotation(request, code: str):
    """The cluster's rotation order for head and deputy, as seen for a year: view (members), reorder and
    insert a new member (organiser administrators, secretariat of the head in office), with its history."""
    from django.http import Http404

    from thidua.organisations.selectors import cluster_get, cluster_years_for

    cluster = cluster_get(user=request.user, code=code)
    years = list(cluster_years_for(user=request.user, cluster=cluster).order_by("-year").values_list("year", flat=True))
    if not years:
        raise Http404
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or years[0])
    except ValueError:
        year = years[0]
    if year not in years:
        raise Http404
    manage = request.user.has_perm("conference.manage_rotation", cluster)
    rows = selectors.rotation_page(user=request.user, cluster=cluster, year=year)
    if request.method == "POST":
        if not manage:
            raise Forbidden()
        p = request.POST
        try:
            order = [r["unit"].pk for r in rows]
            if p.get("action") == "move":
                uid, step = int(p.get("unit", 0)), (-1 if p.get("direction") == "up" else 1)
                if uid not in order:
                    raise InvalidInput(message=_("Đơn vị không có trong thứ tự luân phiên của năm."))
                i = order.index(uid)
                j = i + step
                if 0 <= j < len(order):
                    order[i], order[j] = order[j], order[i]
                    services.rotation_reorder(actor=request.user, cluster_code=code, year=year, unit_ids=order)
                    messages.success(request, _("Đã cập nhật thứ tự luân phiên."))
            elif p.get("action") == "insert":
                after = p.get("after") or ""
                services.rotation_insert(actor=request.user, cluster_code=code, unit_id=int(p.get("unit", 0)),
                                         after_unit_id=int(after) if after else None)
                messages.success(request, _("Đã bổ sung đơn vị vào thứ tự luân phiên."))
            else:
                raise Http404
        except DomainError as exc:
            if exc.status in (403, 404):
                raise
            _flash(request, exc)
        except ValueError:
            messages.error(request, _("Dữ liệu gửi lên không hợp lệ."))
        return redirect(f"{request.path}?year={year}")
    history = paginate(selectors.rotation_history(user=request.user, cluster=cluster), page=request.GET.get("hpage"),
                       per_page=20)
    codes = selectors.rotation_unit_names(history.object_list, year)
    changes = [{"entry": e, "reason": (e.payload or {}).get("reason", ""),
                "before": [codes.get(u, str(u)) for u in (e.payload or {}).get("before", [])],
                "after": [codes.get(u, str(u)) for u in (e.payload or {}).get("after", [])]}
               for e in history.object_list]
    return render(request, "conference/rotation.html", {
        "cluster": cluster, "year": year, "years": years, "rows": rows, "manage": manage,
        "insertable": [r for r in rows if not r["stored"]], "stored_rows": [r for r in rows if r["stored"]],
        "history": history, "changes": changes, "querystring": f"year={year}",
    })
