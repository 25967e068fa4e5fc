"""The Django backend maps phenomenonTime to its begin column in $filter
but not in $orderby; this subclass applies the same mapping there."""
from django.db.models import F
from pydantic.alias_generators import to_snake
from sensorthings.types import OrderByDirection
from sensorthings.versions.v1_1.backends.django import adapter


class OrderByPhenomenonTimeAdapter(adapter.DjangoBackendAdapter):
    @staticmethod
    def build_orderby_arg(orderby=None):
        fields = []
        for field in orderby or []:
            path = [adapter.ODATA_FIELD_REMAP.get(to_snake(p), to_snake(p)) for p in field.path]
            expr = F("__".join(path))
            fields.append(expr.asc() if field.direction == OrderByDirection.ASC else expr.desc())
        return fields
