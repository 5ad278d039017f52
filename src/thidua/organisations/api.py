"""API for units (as of a date), clusters, memberships by year and cluster-years with head and deputy."""


from datetime import date

from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import ConfigDict

from thidua.core.api import NumberedPagination
from thidua.organisations import selectors, services
from thidua.organisations.models import ClusterKind

router = Router(tags=["Đơn vị và cụm thi đua"])


class StrictIn(Schema):
    # Unknown fields are refused, not ignored: a client can never slip in status or code changes.
    model_config = ConfigDict(extra="forbid")


class UnitOut(Schema):
    id: int
    code: str
    name: str | None = Field(None, alias="as_of_name")
    short_name: str | None = Field(None, alias="as_of_short_name")
    kind: str | None = Field(None, alias="as_of_kind")
    parent_id: int | None = Field(None, alias="as_of_parent")
    valid_from: date | None
    valid_to: date | None


class UnitVersionOut(Schema):
    name: str
    short_name: str
    kind: str = Field(alias="kind.name")
    parent_id: int | None
    valid_from: date
    valid_to: date | None
    legal_basis: str


class SuccessionOut(Schema):
    predecessor_id: int
    successor_id: int
    kind: str
    effective_date: date
    legal_basis: str


class UnitDetailOut(UnitOut):
    address: str
    phone: str
    email: str
    website: str
    versions: list[UnitVersionOut]
    predecessors: list[SuccessionOut]
    successors: list[SuccessionOut]


class UnitContactIn(StrictIn):
    address: str | None = Field(None, max_length=255)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    website: str | None = Field(None, max_length=200)


class UnitFilter(Schema):
    on: date | None = None
    search: str = Field("", max_length=100)
    kind: str = Field("", max_length=40)


@router.get("/units", response=list[UnitOut], summary="Danh sách đơn vị (tên theo ngày)")
@paginate(NumberedPagination)
def list_units(request, filters: Query[UnitFilter]):
    return selectors.units_as_of(user=request.user, on=filters.on or date.today(), search=filters.search, kind=filters.kind)


def _unit_detail(request, unit_id: int, on: date | None):
    unit = selectors.unit_get(user=request.user, pk=unit_id, on=on)
    incoming, outgoing = selectors.unit_successions(unit=unit)
    unit.versions_list = list(selectors.unit_versions(unit=unit))
    return {
        **{k: getattr(unit, k) for k in ("id", "code", "as_of_name", "as_of_short_name", "as_of_kind", "as_of_parent",
                                         "valid_from", "valid_to", "address", "phone", "email", "website")},
        "versions": unit.versions_list,
        "predecessors": list(incoming),
        "successors": list(outgoing),
    }


@router.get("/units/{unit_id}", response=UnitDetailOut, summary="Một đơn vị, với lịch sử tên và kế thừa")
def get_unit(request, unit_id: int, on: date | None = None):
    return _unit_detail(request, unit_id, on)


@router.patch("/units/{unit_id}/contact", response=UnitDetailOut, summary="Cập nhật thông tin liên hệ của đơn vị mình")
def update_unit_contact(request, unit_id: int, payload: UnitContactIn):
    services.unit_update_contact(actor=request.user, unit_id=unit_id, **payload.dict(exclude_unset=True))
    return _unit_detail(request, unit_id, None)


class ClusterOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    organiser_id: int
    description: str
    established_year: int | None
    dissolved_year: int | None


class ClusterIn(StrictIn):
    organiser_id: int
    code: str = Field(..., max_length=40)
    name: str = Field(..., max_length=255)
    kind: ClusterKind = ClusterKind.CLUSTER
    description: str = ""
    established_year: int | None = None


@router.get("/clusters", response=list[ClusterOut], summary="Các cụm, khối mà bạn được xem")
@paginate(NumberedPagination)
def list_clusters(request):
    return selectors.clusters_for(user=request.user).order_by("name")


@router.post("/clusters", response={201: ClusterOut}, summary="Tạo cụm, khối (cơ quan tổ chức)")
def create_cluster(request, payload: ClusterIn):
    return Status(201, services.cluster_create(actor=request.user, **payload.dict()))


@router.get("/clusters/{code}", response=ClusterOut, summary="Một cụm, khối thi đua")
def get_cluster(request, code: str):
    return selectors.cluster_get(user=request.user, code=code)


class MembershipOut(Schema):
    id: int
    unit_id: int
    unit_code: str = Field(alias="unit.code")
    unit_name: str | None = Field(None, alias="unit.as_of_name")
    start_year: int
    end_year: int | None
    note: str


class MembershipIn(StrictIn):
    unit_id: int
    start_year: int
    end_year: int | None = None
    note: str = Field("", max_length=255)


@router.get("/clusters/{code}/memberships", response=list[MembershipOut], summary="Thành viên theo năm")
@paginate(NumberedPagination)
def list_memberships(request, code: str, year: int | None = None):
    cluster = selectors.cluster_get(user=request.user, code=code)
    return selectors.memberships_for(user=request.user, cluster=cluster, year=year)


@router.post("/clusters/{code}/memberships", response={201: MembershipOut}, summary="Thêm thành viên cụm (cơ quan tổ chức)")
def add_membership(request, code: str, payload: MembershipIn):
    m = services.membership_add(actor=request.user, cluster_code=code, **payload.dict())
    cluster = selectors.cluster_get(user=request.user, code=code)
    # Names as of the first year of the membership (a unit merged away since has no name today).
    return Status(201, selectors.memberships_for(user=request.user, cluster=cluster, year=m.start_year).get(pk=m.pk))


class LeaderOut(Schema):
    id: int
    code: str
    name: str | None = Field(None, alias="as_of_name")


class ClusterYearOut(Schema):
    id: int
    cluster_code: str = Field(alias="cluster.code")
    year: int
    head: LeaderOut | None = Field(None, alias="head_unit")
    head_selection: str
    deputy: LeaderOut | None = Field(None, alias="deputy_unit")
    deputy_selection: str
    my_roles: list[str] = []

    @staticmethod
    def resolve_my_roles(obj, context):
        return [r.code for r in selectors.roles_in_cluster_year(context["request"].user, obj)]


class ClusterYearIn(StrictIn):
    year: int
    head_id: int | None = None
    head_selection: str = ""
    deputy_id: int | None = None
    deputy_selection: str = ""
    notes: str = ""


class LeadershipIn(StrictIn):
    head_id: int | None
    head_selection: str = ""
    deputy_id: int | None
    deputy_selection: str = ""
    reason: str = Field("", max_length=500)


@router.get("/clusters/{code}/years", response=list[ClusterYearOut], summary="Các kỳ thi đua của cụm")
@paginate(NumberedPagination)
def list_cluster_years(request, code: str):
    cluster = selectors.cluster_get(user=request.user, code=code)
    return selectors.dashboard_cluster_years_of(user=request.user, cluster=cluster)


@router.get("/clusters/{code}/years/{year}", response=ClusterYearOut, summary="Một kỳ thi đua, với cụm trưởng, cụm phó")
def get_cluster_year(request, code: str, year: int):
    return selectors.cluster_year_get(user=request.user, code=code, year=year)


@router.post("/clusters/{code}/years", response={201: ClusterYearOut}, summary="Mở kỳ thi đua (cơ quan tổ chức)")
def open_cluster_year(request, code: str, payload: ClusterYearIn):
    cy = services.cluster_year_open(actor=request.user, cluster_code=code, **payload.dict())
    return Status(201, selectors.cluster_year_get(user=request.user, code=code, year=cy.year))


@router.put("/clusters/{code}/years/{year}/leadership", response=ClusterYearOut, summary="Ghi nhận cụm trưởng, cụm phó")
def set_leadership(request, code: str, year: int, payload: LeadershipIn):
    cy = selectors.cluster_year_get(user=request.user, code=code, year=year)
    services.cluster_year_set_leadership(actor=request.user, cluster_year_id=cy.pk, **payload.dict())
    return selectors.cluster_year_get(user=request.user, code=code, year=year)
