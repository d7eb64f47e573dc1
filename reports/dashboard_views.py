"""The reviewer's dashboard page: the communes below the reviewer's unit and their plans of a year."""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from orgs.audit import record_refused
from orgs.models import COMMUNE_LEVEL_KINDS, Membership, Unit
from orgs.scoping import memberships_of
from plans.models import Plan
from reports.dashboard import DESCENDING_BY_DEFAULT, STATUS_LABELS, STATUS_ORDER, district_dashboard

PAGE_SIZE = 50  # communes a page

COLUMNS = [  # (sort key, heading)
    ("name", "Đơn vị"),
    ("status", "Trạng thái"),
    ("waiting", "Số ngày làm việc chờ thẩm định"),
    ("rows", "Số nội dung"),
    ("overdue", "Quá hạn chưa có kết quả"),
    ("kpi", "Chỉ tiêu thấp hơn cấp trên giao"),
]


def dashboard_units(user):
    """The units whose dashboard `user` may open: those it reviews, and the units between them and
    their communes (a province reviewer may look at one district). A superuser: every such unit."""
    units = Unit.objects.exclude(kind__in=COMMUNE_LEVEL_KINDS).select_related("parent").order_by("path")
    if user.is_superuser:
        return units
    paths = [membership.unit.path for membership in memberships_of(user) if membership.role == Membership.Role.REVIEWER]
    if not paths:
        return units.none()
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(path__startswith=path)
    return units.filter(condition)


@require_GET
def dashboard(request):
    units = list(dashboard_units(request.user))
    if not units:
        raise PermissionDenied("Bảng điều khiển dành cho cán bộ thẩm định của huyện, tỉnh.")
    unit = _chosen_unit(request, units)
    this_year = timezone.localdate().year
    planned_years = set(
        Plan.objects.filter(unit__path__startswith=unit.path).order_by().values_list("year", flat=True).distinct()
    )
    # Without a chosen year: this year, or the latest year that has plans when this one has none yet.
    default_year = this_year if this_year in planned_years or not planned_years else max(planned_years)
    year = _year(request.GET.get("nam")) or default_year
    status = request.GET.get("trang_thai", "")
    status = status if status in STATUS_LABELS else ""
    query = request.GET.get("q", "").strip()[:100]
    overdue_only = request.GET.get("qua_han") == "1"
    sort = request.GET.get("sap_xep", "name")
    board = district_dashboard(
        unit=unit, year=year, status=status or None, query=query, overdue_only=overdue_only, sort=sort
    )

    years = planned_years | {this_year, year}
    page = Paginator(board.rows, PAGE_SIZE).get_page(request.GET.get("trang"))
    reviewable = {choice.pk for choice in units}
    context = {
        "board": board,
        "page": page,
        "params": _url(request, trang=None).partition("?")[2],
        "below": [
            (row, _url(request, don_vi=row.unit.pk, trang=None) if row.unit.pk in reviewable else None)
            for row in board.below
        ],
        "units": units,
        "unit": unit,
        "year": year,
        "years": sorted(years, reverse=True),
        "status": status,
        "statuses": [(key, STATUS_LABELS[key]) for key in STATUS_ORDER],
        "query": query,
        "overdue_only": overdue_only,
        "columns": _columns(request, board.sort),
        "count_links": [
            (key, label, count, _url(request, trang_thai=key if key != status else None))
            for key, label, count in board.counts
        ],
        "all_link": _url(request, trang_thai=None),
    }
    return render(request, "reports/dashboard.html", context)


def _drill_down(request, unit, reviewable):
    """The dashboard of `unit`, below this one, when the user may open it."""
    return _url(request, don_vi=unit.pk, trang=None) if unit.pk in reviewable else None


def _chosen_unit(request, units):
    wanted = request.GET.get("don_vi")
    if not wanted:
        return units[0]
    for unit in units:
        if str(unit.pk) == wanted:
            return unit
    hidden = Unit.objects.filter(pk=_int(wanted)).first()
    if hidden is not None:
        record_refused(request, hidden)
    raise Http404("Không tìm thấy đơn vị này.")  # one the user may not review: its existence does not leak


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _year(value):
    number = _int(value)
    return number if number is not None and 2000 <= number <= 2100 else None


def _url(request, **changes):
    """This page's address with some GET parameters changed (None removes one)."""
    params = request.GET.copy()
    for name, value in changes.items():
        params.pop(name, None)
        if value is not None:
            params[name] = value
    encoded = params.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


def _columns(request, sort):
    """The sortable headings: a click sorts by the column, a second click reverses."""
    current, descending = sort.lstrip("-"), sort.startswith("-")
    columns = []
    for key, label in COLUMNS:
        active = key == current
        columns.append(
            {
                "key": key,
                "label": label,
                "active": active,
                "url": _url(request, sap_xep=("" if descending else "-") + key if active else key),
                "arrow": ("▼" if (key in DESCENDING_BY_DEFAULT) != descending else "▲") if active else "",
            }
        )
    return columns
