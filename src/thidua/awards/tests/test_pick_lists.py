"""Pick-lists of persons and households on the nomination, eligibility and blocker forms: searchable by name,
cut at 500 with a message, and a chosen id validated against the caller's scope, not against the cut list."""

import pytest

from thidua.awards import selectors, services
from thidua.awards.models import BlockerRecord, Household, Nomination, Person
from thidua.core.actors import SYSTEM
from thidua.organisations.models import Unit

pytestmark = pytest.mark.django_db
CERT = "bang-khen-thu-tuong"
CUT = "Có hơn 500 người, hãy gõ tên để tìm"


@pytest.fixture
def crowd():
    """510 people in Hà Nội; the last by name is "Vũ Thị Zung". One person in TP HCM, out of Hà Nội's scope."""
    hn = Unit.objects.get(code="01")
    Person.objects.bulk_create([Person(full_name=f"Nguyễn Văn Thử {i:03d}", unit=hn) for i in range(509)])
    zung = Person.objects.create(full_name="Vũ Thị Zung", unit=hn)
    outsider = Person.objects.create(full_name="Vũ Thị Zung Ngoài", unit=Unit.objects.get(code="79"))
    return zung, outsider


def test_nomination_form_reaches_the_510th_person(client_as, crowd):
    zung, outsider = crowd
    c = client_as("hanoi.canbo")
    body = c.get("/awards/").content.decode()
    assert CUT in body and "Tìm theo tên" in body
    body = c.get("/awards/", {"q": "zung"}).content.decode()
    assert f'value="{zung.pk}"' in body and "Vũ Thị Zung" in body and CUT not in body
    assert f'value="{outsider.pk}"' not in body  # another province's person is not offered
    # accents typed in lower case still find the title-cased name, on SQLite as on PostgreSQL
    assert f'value="{zung.pk}"' in c.get("/awards/", {"q": "vũ thị"}).content.decode()

    # posted without any search: the chosen id is checked against the scope, not against the first 500
    r = c.post("/awards/", {"award": CERT, "year": 2025, "person": zung.pk, "household": "", "achievement": ""})
    assert r.status_code == 302
    assert Nomination.objects.filter(nominee_person=zung, proposing_unit__code="01").count() == 1

    before = Nomination.objects.count()
    r = c.post("/awards/", {"award": CERT, "year": 2025, "person": outsider.pk, "household": "", "achievement": ""})
    assert r.status_code == 200 and "has-error" in r.content.decode()
    assert Nomination.objects.count() == before


def test_eligibility_form_reaches_the_510th_person(client_as, crowd):
    zung, outsider = crowd
    c = client_as("hanoi.canbo")
    body = c.get("/awards/eligibility/").content.decode()
    assert CUT in body
    body = c.get("/awards/eligibility/", {"q": "Zung"}).content.decode()
    assert f'value="{zung.pk}"' in body and "has-error" not in body  # a search alone is not a failed check
    r = c.get("/awards/eligibility/", {"award": CERT, "year": 2025, "person": zung.pk})
    assert r.status_code == 200 and "has-error" not in r.content.decode()
    assert r.context["verdict"] is not None
    r = c.get("/awards/eligibility/", {"award": CERT, "year": 2025, "person": outsider.pk})
    assert r.context["verdict"] is None and "has-error" in r.content.decode()


def test_blocker_form_reaches_the_510th_person(client_as, crowd):
    zung, _ = crowd
    c = client_as("tw.canbo")
    assert CUT in c.get("/awards/blockers/").content.decode()
    assert f'value="{zung.pk}"' in c.get("/awards/blockers/", {"q": "zung"}).content.decode()
    r = c.post("/awards/blockers/", {"kind": "complaint", "person": zung.pk, "starts_on": "2026-01-05",
                                     "reference": "Đơn thư (thử)"})
    assert r.status_code == 302
    assert BlockerRecord.objects.filter(person=zung).exists()


def test_household_pick_list_is_cut_searchable_and_scoped(client_as):
    hn = Unit.objects.get(code="01")
    Household.objects.bulk_create([Household(head_name=f"Lê Văn Chủ {i:03d}", address="Xã X", unit=hn)
                                   for i in range(500)])
    last = services.household_create(actor=SYSTEM, head_name="Vương Đình Ỷ", address="Xã Y", unit_id=hn.pk)
    other = services.household_create(actor=SYSTEM, head_name="Vương Đình Ỷ", address="Xã Z",
                                      unit_id=Unit.objects.get(code="79").pk)
    c = client_as("hanoi.canbo")
    body = c.get("/awards/").content.decode()
    assert "Có hơn 500 hộ gia đình, hãy gõ tên chủ hộ để tìm" in body and f'value="{last.pk}"' not in body
    body = c.get("/awards/", {"q": "đình ỷ"}).content.decode()
    assert f'value="{last.pk}"' in body and f'value="{other.pk}"' not in body
    r = c.post("/awards/", {"award": CERT, "year": 2025, "household": last.pk, "person": "", "achievement": ""})
    assert r.status_code == 302 and Nomination.objects.filter(nominee_household=last).exists()
    r = c.post("/awards/", {"award": CERT, "year": 2025, "household": other.pk, "person": "", "achievement": ""})
    assert r.status_code == 200 and not Nomination.objects.filter(nominee_household=other).exists()


def test_pick_list_queries_do_not_grow_and_keep_the_choice(django_assert_max_num_queries):
    hn = Unit.objects.get(code="01")
    Person.objects.bulk_create([Person(full_name=f"Nguyễn Văn Thử {i:03d}", unit=hn) for i in range(505)])
    zung = Person.objects.create(full_name="Vũ Thị Zung", unit=hn)
    qs = Person.objects.filter(unit=hn)
    with django_assert_max_num_queries(2):
        rows, cut = selectors.pick_list(qs, name_field="full_name", search="", selected=str(zung.pk))
    assert cut and len(rows) == 501 and rows[-1].pk == zung.pk  # the first 500 plus the one already chosen
    rows, cut = selectors.pick_list(qs, name_field="full_name", search="thử 123", selected="abc")
    assert not cut and [r.full_name for r in rows] == ["Nguyễn Văn Thử 123"]  # every word must match; bad id ignored
