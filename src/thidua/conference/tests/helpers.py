"""Building a conference for tests through the services (year 2021 of the cities' cluster: head HCM)."""

from __future__ import annotations

from datetime import date

from thidua.accounts.models import User
from thidua.conference import services
from thidua.conference.models import Conference
from thidua.core.actors import SYSTEM
from thidua.organisations.models import ClusterYear, Unit

# unit code -> username of the delegate who votes online for it
VOTERS = {"01": "hanoi.lanhdao", "79": "hcm.lanhdao", "92": "cantho.lanhdao", "31": "haiphong.canbo",
          "48": "danang.canbo"}


def unit(code: str) -> Unit:
    return Unit.objects.get(code=code)


def cy_of(year: int) -> ClusterYear:
    return ClusterYear.objects.select_related("cluster").get(cluster__code="TPTW", year=year)


def make_conference(year: int = 2021, *, present: tuple[str, ...] = ("01", "79", "92", "31", "48"),
                    committee: bool = True, actor=SYSTEM) -> Conference:
    cy = cy_of(year)
    conf = services.conference_create(actor=actor, cluster_year_id=cy.pk, held_on=date(year + 1, 3, 20),
                                      place="Thành phố Hồ Chí Minh", host_id=cy.head_id or unit("01").pk,
                                      chair="Chủ trì (thử nghiệm)", secretary="Thư ký (thử nghiệm)",
                                      agenda=["Tổng kết năm", "Bỏ phiếu"])
    conf.test_delegates = {}
    for code, username in VOTERS.items():
        user = User.objects.get(username=username)
        d = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit(code).pk,
                                  full_name=user.full_name or username, user_id=user.pk)
        conf.test_delegates[code] = d
        if code in present:
            services.delegate_check_in(actor=SYSTEM, delegate_id=d.pk)
    if committee:
        members = []
        for code, name in (("79", "Trưởng ban kiểm phiếu"), ("48", "Thành viên ban kiểm phiếu")):
            d = services.delegate_add(actor=SYSTEM, conference_id=conf.pk, unit_id=unit(code).pk, full_name=name)
            services.delegate_check_in(actor=SYSTEM, delegate_id=d.pk)
            members.append(d)
        services.counting_committee_set(actor=SYSTEM, conference_id=conf.pk, delegate_ids=[d.pk for d in members])
        conf.committee = members
    return conf


def user(username: str) -> User:
    return User.objects.get(username=username)


def make_voters(conf: Conference, n: int, *, unit_codes: tuple[str, ...] = ("01", "79", "92", "31", "48"),
                prefix: str = "voter") -> list[User]:
    """n delegate accounts (unit leaders of the member units, round robin), invited and checked in, in bulk."""
    from thidua.accounts.models import RoleGrant
    from thidua.conference.models import Delegate

    units = {c: unit(c) for c in unit_codes}
    users = User.objects.bulk_create([User(username=f"{prefix}{i}", unit=units[unit_codes[i % len(unit_codes)]])
                                      for i in range(n)])
    users = list(User.objects.filter(username__startswith=prefix).order_by("id"))
    RoleGrant.objects.bulk_create([RoleGrant(user=u, role="unit_leader", scope_kind="unit", unit_id=u.unit_id)
                                   for u in users])
    Delegate.objects.bulk_create([Delegate(conference=conf, unit_id=u.unit_id, full_name=u.username, user=u,
                                           checked_in=True) for u in users])
    return users
