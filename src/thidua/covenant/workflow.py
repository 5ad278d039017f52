"""The annual cycle of a cluster-year as one table (STYLE.md rule 4; DOMAIN.md §3).

Every transition says from which states it may be taken, the state it leads to, which roles of the
cluster-year may take it, whether a reason is required (everything that sends the cycle back), and the
requirement checked against the data before it happens. `cycle_transition` in services.py is the only
code that applies it; pages show the buttons `available_actions` returns.

Roles (`roles_of`): "secretariat" (thư ký cụm of the year: organisations.selectors.is_secretariat),
"organiser_admin" (organisations.manage_clusteryear), "unit_officer" / "unit_leader" (of a member unit of
that year), "observer" (read only: no transition). The system actor (command line, demo) holds "system",
which passes every role check but never a state check or a requirement.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from thidua.covenant.models import CycleState as S

SECRETARIAT = "secretariat"
ORGANISER = "organiser_admin"
OFFICER = "unit_officer"
LEADER = "unit_leader"
OBSERVER = "observer"
SYSTEM_ROLE = "system"
ROLES = (SECRETARIAT, ORGANISER, OFFICER, LEADER, OBSERVER)

RUNNERS = frozenset({SECRETARIAT, ORGANISER})


@dataclass(frozen=True)
class Transition:
    action: str
    label: object  # lazy Vietnamese label of the button
    from_states: tuple[str, ...]
    to_state: str
    roles: frozenset[str]
    needs_reason: bool = False
    # Name of a requirement in services.REQUIREMENTS (checked against the data), or "".
    requirement: str = ""


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("open_registration", gettext_lazy("Mở đăng ký thi đua"), (S.DRAFT,), S.REGISTRATION_OPEN,
                   RUNNERS, requirement="criteria_valid"),
        Transition("back_to_draft", gettext_lazy("Trả về dự thảo"), (S.REGISTRATION_OPEN,), S.DRAFT,
                   RUNNERS, needs_reason=True, requirement="no_signature"),
        # Taken automatically by the last member leader's signature (signature_confirm), or by the
        # secretariat/organiser once every member has signed the current document.
        Transition("seal", gettext_lazy("Ghi nhận giao ước đã ký đủ"), (S.REGISTRATION_OPEN,), S.COVENANT_SIGNED,
                   RUNNERS | {LEADER}, requirement="all_signed"),
        Transition("start_implementation", gettext_lazy("Bắt đầu tổ chức thực hiện"), (S.COVENANT_SIGNED,),
                   S.IMPLEMENTATION, RUNNERS),
        Transition("open_self_assessment", gettext_lazy("Mở tự đánh giá cuối năm"), (S.IMPLEMENTATION,),
                   S.SELF_ASSESSMENT, RUNNERS),
        Transition("back_to_implementation", gettext_lazy("Trả về giai đoạn thực hiện"), (S.SELF_ASSESSMENT,),
                   S.IMPLEMENTATION, RUNNERS, needs_reason=True),
        Transition("start_scoring", gettext_lazy("Bắt đầu chấm điểm"), (S.SELF_ASSESSMENT,), S.SCORING, RUNNERS),
        Transition("back_to_self_assessment", gettext_lazy("Trả về tự đánh giá"), (S.SCORING,), S.SELF_ASSESSMENT,
                   RUNNERS, needs_reason=True),
        Transition("open_conference", gettext_lazy("Chuyển sang hội nghị tổng kết"), (S.SCORING,),
                   S.REVIEW_CONFERENCE, RUNNERS),
        Transition("back_to_scoring", gettext_lazy("Trả về chấm điểm"), (S.REVIEW_CONFERENCE,), S.SCORING,
                   RUNNERS, needs_reason=True),
        Transition("start_proposals", gettext_lazy("Chuyển sang đề nghị khen thưởng"), (S.REVIEW_CONFERENCE,),
                   S.PROPOSALS, RUNNERS),
        Transition("back_to_conference", gettext_lazy("Trả về hội nghị tổng kết"), (S.PROPOSALS,),
                   S.REVIEW_CONFERENCE, RUNNERS, needs_reason=True),
        # The organiser receives the results and closes the year (DOMAIN.md §3 steps 7–9).
        Transition("close", gettext_lazy("Kết thúc kỳ thi đua"), (S.PROPOSALS,), S.CLOSED, frozenset({ORGANISER})),
        Transition("reopen", gettext_lazy("Mở lại kỳ thi đua"), (S.CLOSED,), S.PROPOSALS, frozenset({ORGANISER}),
                   needs_reason=True),
    ]
}

STATE_ORDER = [s.value for s in S]

# --- Steps of the year taken in other apps ------------------------------------------------------------
# Which states of the cycle allow each step of scoring (DOMAIN.md §3 steps 3–5); services.cycle_require
# refuses the step otherwise. The mid-year report (sơ kết) while the covenant is implemented; the year-end
# report from self-assessment on (a report returned by the secretariat is corrected during scoring); scores,
# overrides and computing, freezing, reopening and publishing the results only once the secretariat has
# started scoring (start_scoring). After publication only the audited correction of scoring remains, in any
# state. Nothing here moves the cycle: the secretariat takes its transitions (open_conference…) itself.
ACTIVITIES: dict[str, tuple[object, tuple[str, ...]]] = {
    "midyear_report": (gettext_lazy("báo cáo sơ kết 6 tháng"), (S.IMPLEMENTATION, S.SELF_ASSESSMENT)),
    "year_end_report": (gettext_lazy("báo cáo tổng kết năm"), (S.SELF_ASSESSMENT, S.SCORING)),
    "scoring": (gettext_lazy("chấm điểm, tính, khóa và công bố kết quả"), (S.SCORING,)),
}


def activity_allowed(activity: str, state: str | None) -> bool:
    return state in ACTIVITIES[activity][1]


def role_allowed(action: str, roles: set[str] | frozenset[str]) -> bool:
    t = TRANSITIONS[action]
    return SYSTEM_ROLE in roles or bool(t.roles & set(roles))


def state_allowed(action: str, state: str) -> bool:
    return state in TRANSITIONS[action].from_states


def available_actions(state: str, roles) -> list[Transition]:
    """Transitions the roles could take from `state` (requirements are checked when taken)."""
    return [t for t in TRANSITIONS.values() if state_allowed(t.action, state) and role_allowed(t.action, roles)]


def state_index(state: str) -> int:
    return STATE_ORDER.index(state)


# --- Deadlines ---------------------------------------------------------------------------------------
# Defaults only: the secretariat or the organiser edits the dates of each cluster-year
# (covenant.services.cycle_set_deadlines). No current central text fixes these dates (DOMAIN.md §4:
# UNCONFIRMED); they follow the practice in the seeds (covenant signed and previous year reviewed in Q1 of
# the year, review conference of year N in Q1 of N+1) and the historic Flag dossier deadline of 31 March
# (NĐ 91/2017 Đ48, HISTORIC).


@dataclass(frozen=True)
class DeadlineRule:
    field: str
    label: object
    default: Callable[[int], date]
    basis: str
    # The cycle is past this milestone once it reaches this state.
    done_in: str
    # Who the cluster waits on while the milestone is open: "members" or "secretariat" or "organiser".
    waits_on: str


DEADLINES: list[DeadlineRule] = [
    DeadlineRule("registration_deadline", gettext_lazy("Đăng ký thi đua, ký giao ước"), lambda y: date(y, 3, 31),
                 "Thông lệ của cụm (hội nghị quý I); chưa có văn bản trung ương quy định", S.COVENANT_SIGNED, "members"),
    DeadlineRule("midyear_report_deadline", gettext_lazy("Báo cáo sơ kết 6 tháng"), lambda y: date(y, 6, 30),
                 "Thông lệ của cụm; chưa có văn bản trung ương quy định", S.SELF_ASSESSMENT, "members"),
    DeadlineRule("report_deadline", gettext_lazy("Báo cáo tổng kết, tự chấm điểm"), lambda y: date(y, 12, 15),
                 "Thông lệ của cụm; chưa có văn bản trung ương quy định", S.SCORING, "members"),
    DeadlineRule("conference_date", gettext_lazy("Hội nghị tổng kết"), lambda y: date(y + 1, 3, 15),
                 "Thông lệ (hội nghị tổng kết năm N trong quý I năm N+1, theo bài nguồn)", S.PROPOSALS, "secretariat"),
    DeadlineRule("dossier_deadline", gettext_lazy("Nộp hồ sơ đề nghị khen thưởng"), lambda y: date(y + 1, 3, 31),
                 "NĐ 91/2017/NĐ-CP Điều 48 (trước 31/3, quy định cũ) — cấu hình theo năm", S.CLOSED, "members"),
]
DEADLINE_FIELDS = [d.field for d in DEADLINES]


def default_deadlines(year: int) -> dict[str, date]:
    return {d.field: d.default(year) for d in DEADLINES}


def require_reason(action: str, reason: str) -> str | None:
    """The message when a reason is needed and missing, else None."""
    if TRANSITIONS[action].needs_reason and not (reason or "").strip():
        return _("Cần nêu lý do khi trả lại hoặc mở lại.")
    return None
