"""Shared API pieces: pagination with a fixed page size and bounded page numbers."""


from typing import Any

from ninja import Field, Schema
from ninja.pagination import PaginationBase


class PageOut(Schema):
    items: list[Any]
    count: int
    page: int
    pages: int


class NumberedPagination(PaginationBase):
    """?page=N (1-based), 50 rows a page: two queries (count, rows) whatever the table size."""

    page_size = 50

    class Input(Schema):
        page: int = Field(1, ge=1, le=100000)

    class Output(Schema):
        items: list[Any]
        count: int
        page: int
        pages: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        count = queryset.count() if hasattr(queryset, "count") and not isinstance(queryset, list) else len(queryset)
        pages = max(1, -(-count // self.page_size))
        page = min(pagination.page, pages)
        offset = (page - 1) * self.page_size
        return {"items": list(queryset[offset : offset + self.page_size]), "count": count, "page": page, "pages": pages}
