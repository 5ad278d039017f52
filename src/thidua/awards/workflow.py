"""The nomination workflow in one table (STYLE.md rule 4): action → (from states, to state, who).

Who: "proposer" = officers/leaders of the proposing unit (perm awards.edit_nomination);
"central" = the central board (perm awards.process_nomination). Tests read this table as
(role, state, action) → allowed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from thidua.awards.models import NominationState as S


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    who: str  # "proposer" | "central"
    needs_reason: bool = False

    @property
    def perm(self) -> str:
        return "awards.edit_nomination" if self.who == "proposer" else "awards.process_nomination"


TRANSITIONS: dict[str, Transition] = {t.action: t for t in [
    Transition("submit", _("Gửi hồ sơ"), frozenset({S.DRAFT, S.RETURNED}), S.SUBMITTED, "proposer"),
    # During the public comment a comment may reveal a violation: the dossier can still be withdrawn by its
    # proposer or returned, with the reason, by the processing body.
    Transition("withdraw", _("Rút hồ sơ"), frozenset({S.DRAFT, S.SUBMITTED, S.RETURNED, S.PUBLIC_COMMENT}), S.WITHDRAWN,
               "proposer", needs_reason=True),
    Transition("return", _("Trả lại hồ sơ"), frozenset({S.SUBMITTED, S.RECEIVED, S.APPRAISED, S.PUBLIC_COMMENT}),
               S.RETURNED, "central", needs_reason=True),
    Transition("receive", _("Tiếp nhận"), frozenset({S.SUBMITTED}), S.RECEIVED, "central"),
    Transition("appraise", _("Thẩm định đạt"), frozenset({S.RECEIVED}), S.APPRAISED, "central"),
    Transition("open_comment", _("Đăng lấy ý kiến nhân dân"), frozenset({S.APPRAISED}), S.PUBLIC_COMMENT, "central"),
    Transition("submit_pm", _("Trình Thủ tướng Chính phủ"), frozenset({S.APPRAISED, S.PUBLIC_COMMENT}), S.SUBMITTED_PM,
               "central"),
    Transition("decide", _("Ghi nhận quyết định"), frozenset({S.SUBMITTED_PM}), S.DECIDED, "central"),
    Transition("award", _("Ghi nhận đã trao tặng"), frozenset({S.DECIDED}), S.AWARDED, "central"),
]}


def allowed_actions(state: str, *, can_propose: bool, can_process: bool) -> list[Transition]:
    out = []
    for t in TRANSITIONS.values():
        if state in t.sources and ((t.who == "proposer" and can_propose) or (t.who == "central" and can_process)):
            out.append(t)
    return out
