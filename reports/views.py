"""Program managers' dashboard and weekly report runs. Managers only: everyone else gets 404."""

from functools import partial, wraps

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casework.access import is_program_manager_for_request
from casework.cache import cache_call
from casework.security import rate_limit

from . import services
from .cached import cached_report
from .forms import ReportFilterForm, ReportRunForm
from .models import ReportRun, RunState
from .presentation import present, present_tables
from .rendering import report_csv

RUNS_LISTED = 30


def manager_required(view):
    """Reports are for program managers; anyone else sees 404, like a missing page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_program_manager_for_request(request):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@manager_required
def dashboard(request):
    form = ReportFilterForm.from_query(request.GET)
    presented = computed_at = key = None
    if form.is_valid():
        cached = cached_report(form.to_filters())
        computed_at, key = cached.computed_at, cached.key
        presented = present(cached.report, labels=form.labels(), tables=False)
        # The tables only when the cached fragment below is drawn again (a quarter of the
        # page's time when it is not).
        presented.tables = SimpleLazyObject(partial(present_tables, cached.report))
    query = request.GET.urlencode()
    return render(
        request,
        "reports/dashboard.html",
        {
            "form": form,
            "report": presented,
            "query": query,
            "computed_at": computed_at,
            # The drawn tables and charts are cached with the figures (drawing them is most of
            # the page's time once the figures are cached).
            "body_key": key,
            "body_seconds": settings.REPORTS_CACHE_SECONDS,
            "stale_seconds": settings.REPORTS_STALE_SECONDS if key else 0,
        },
    )


@require_GET
@manager_required
@rate_limit("export")
def dashboard_csv(request):
    form = ReportFilterForm.from_query(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The filters are not valid."))
    filters = form.to_filters()
    cached = cached_report(filters)
    # The drawn CSV is cached with the figures, per language (as the dashboard's tables).
    csv_key = f"{cached.key}:csv:{get_language()}" if cached.key else None
    body = cache_call(cache.get, csv_key, what="reports cache") if csv_key else None
    if body is None:
        body = report_csv(present(cached.report, labels=form.labels()))
        if csv_key:
            cache_call(
                cache.set, csv_key, body, settings.REPORTS_CACHE_SECONDS, what="reports cache"
            )
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="casebridge-referrals-{filters.start:%Y-%m-%d}-'
        f'{filters.end:%Y-%m-%d}.csv"'
    )
    return response


def _runs():
    return ReportRun.objects.select_related("requested_by")


@require_GET
@manager_required
def run_list(request):
    # Monday's schedule already makes last week's report: on demand, this week so far.
    form = ReportRunForm(initial={"week": services.week_start_of(timezone.localdate())})
    runs = _runs()[:RUNS_LISTED]
    return render(request, "reports/run_list.html", {"form": form, "runs": runs})


@require_POST
@manager_required
def run_create(request):
    form = ReportRunForm(request.POST)
    if form.is_valid():
        try:
            run = services.report_run_request(
                week_start=form.cleaned_data["week"], actor=request.user
            )
        except services.ReportRunError as exc:
            form.add_error("week", str(exc))
        else:
            return redirect("reports:run_detail", pk=run.pk)
    runs = _runs()[:RUNS_LISTED]
    return render(request, "reports/run_list.html", {"form": form, "runs": runs}, status=400)


@require_GET
@manager_required
def run_detail(request, pk: int):
    run = get_object_or_404(_runs(), pk=pk)
    # The figures on screen before downloading (the same suppressed tables as the files).
    preview = present(
        cached_report(services.week_filters(run.week_start)).report,
        title=_("Weekly referral outcomes"),
    )
    return render(request, "reports/run_detail.html", {"run": run, "report": preview})


@require_GET
@manager_required
def run_status(request, pk: int):
    """The progress partial the run page polls (htmx) until the run is finished."""
    run = get_object_or_404(_runs(), pk=pk)
    return render(request, "reports/_run_status.html", {"run": run, "now": timezone.now()})


@require_GET
@manager_required
@rate_limit("export")
def run_download(request, pk: int, fmt: str):
    run = get_object_or_404(ReportRun, pk=pk, state=RunState.READY)
    file = {"pdf": run.pdf_file, "csv": run.csv_file}.get(fmt)
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(
        handle,
        as_attachment=True,
        filename=file.name.rsplit("/", 1)[-1],
        content_type="application/pdf" if fmt == "pdf" else "text/csv; charset=utf-8",
    )
