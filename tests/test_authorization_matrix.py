"""The authorisation matrix: every URL of the portal, for every demo user (each unit × each role) and
the anonymous visitor, against every plan of the seed data.

The expected answers are computed from the rules (orgs.scoping decides visibility: a hidden plan is
a 404 so that its existence does not leak; then the role decides: 200 or 403), never by calling the
views. A URL added to the portal without an entry here fails `test_every_url_is_in_the_matrix`.
"""

import datetime

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from indicators.models import Measurement, PlanTarget
from orgs.models import AuditEvent, Unit
from orgs.scoping import units_visible_to
from plans.models import Notification, Plan, PlanComment, PlanPdf
from plans.workflow import services as workflow
from tasks.models import ProgressEvidence, Section, Task, TaskProgress
from tests.factories import approved_on

pytestmark = pytest.mark.django_db

ROLES = ["editor", "signer", "reviewer", "admin"]
UNITS = [
    "hai-duong",
    "gia-loc",
    "le-loi",
    "thanh-hoa",
    "ha-trung",
    "ha-tan",
    "bac-giang",
    "huyen-chua-ro",
    "thanh-thuy",
]
COMMUNE_KINDS = {Unit.Kind.COMMUNE, Unit.Kind.WARD, Unit.Kind.TOWNSHIP}
WRITERS = {"editor", "admin"}  # roles on the plan's own unit that edit it, record progress and KPIs
PERIOD = "9M"
LOGIN = "/dang-nhap/"
NONE = 999999  # the pk of an object that does not exist

# --- what each URL is, and how its arguments are built from a plan --------------------------------
#
# kind, for a plan-scoped URL, is what a user who may SEE the plan gets on GET:
#   view           200 for everyone who sees the plan
#   view_redirect  302 for everyone who sees the plan (the page sends on to another)
#   write          200 for the editor/admin of the plan's own unit (draft plans), 403 for the others
#   write_redirect 302 for the editor/admin of the plan's own unit, 403 for the others
#   missing        the object in the URL does not exist: 404 for everyone (visibility is checked first)
#   post           POST only: in the matrix, anonymous → login and hidden plan → 404; the allowed and
#                  refused answers of visible users are in the POST tests below
# Global URLs (no plan) are checked in test_global_pages.

P = lambda plan, ctx: {"pk": plan.pk}  # noqa: E731
PP = lambda plan, ctx: {"plan_pk": plan.pk}  # noqa: E731
PERIOD_KW = lambda plan, ctx: {"plan_pk": plan.pk, "period_code": PERIOD}  # noqa: E731

PLAN_URLS = {
    "plans:detail": ("view", P),
    "plans:pdf_request": ("post", P),
    "plans:pdf_status": ("view", P),
    "plans:pdf_download": ("missing", lambda plan, ctx: {"pk": plan.pk, "job_pk": 999999}),
    "plans:word_download": ("view", P),
    "plans:signed_status": ("view", P),
    "plans:signed_retry": ("post", P),
    "plans:signed_authorise": ("post", P),
    "plans:signed_download": ("missing", P),
    "plans:signed_unsigned": ("missing", P),
    "plans:signed_upload": ("post", P),
    "plans:edit": ("write", P),
    "plans:deadline_preview": ("write", P),
    "plans:edit_decision": ("post", P),
    "plans:edit_legal_bases": ("post", P),
    "plans:edit_articles": ("post", P),
    "plans:edit_recipients": ("post", P),
    "plans:edit_table_heading": ("post", P),
    "plans:edit_section_add": ("write", P),
    "plans:edit_section_row": ("write", lambda plan, ctx: {"pk": plan.pk, "section_pk": ctx["section"]}),
    "plans:edit_section_form": ("write", lambda plan, ctx: {"pk": plan.pk, "section_pk": ctx["section"]}),
    "plans:edit_section_move": ("post", lambda plan, ctx: {"pk": plan.pk, "section_pk": ctx["section"]}),
    "plans:edit_section_delete": ("post", lambda plan, ctx: {"pk": plan.pk, "section_pk": ctx["section"]}),
    "plans:edit_task_add": ("write", lambda plan, ctx: {"pk": plan.pk, "section_pk": ctx["section"]}),
    "plans:edit_task_row": ("write", lambda plan, ctx: {"pk": plan.pk, "task_pk": ctx["task"]}),
    "plans:edit_task_form": ("write", lambda plan, ctx: {"pk": plan.pk, "task_pk": ctx["task"]}),
    "plans:edit_task_move": ("post", lambda plan, ctx: {"pk": plan.pk, "task_pk": ctx["task"]}),
    "plans:edit_task_delete": ("post", lambda plan, ctx: {"pk": plan.pk, "task_pk": ctx["task"]}),
    "plans:export_xlsx": ("view", P),
    "plans:take_from_above": ("write", P),
    "plans:coverage": ("view", P),
    "plans:coverage_xlsx": ("view", P),
    "plans:export_csv": ("view", P),
    "plans:import": ("write", P),
    "plans:import_preview": ("write_redirect", lambda plan, ctx: {"pk": plan.pk, "token": "no-such-token"}),
    "plans:import_confirm": ("post", P),
    "plans:import_cancel": ("post", P),
    "plans:copy_review": ("write", P),
    "plans:copy_create": ("post", P),
    "plans:submit": ("post", P),
    "plans:return": ("post", P),
    "plans:approve": ("post", P),
    "plans:issue": ("post", P),
    "plans:reopen": ("post", P),
    "plans:new_revision": ("post", P),
    "plans:comments": ("view", P),
    "plans:comment_add": ("post", P),
    "plans:comment_answer": ("post", lambda plan, ctx: {"pk": plan.pk, "comment_pk": 999999}),
    "plans:comment_resolve": ("post", lambda plan, ctx: {"pk": plan.pk, "comment_pk": 999999}),
    "plans:history": ("view", P),
    "progress:plan": ("view_redirect", PP),
    "progress:evidence_file": ("missing", lambda plan, ctx: {"plan_pk": plan.pk, "evidence_pk": 999999}),
    "progress:evidence_remove": ("post", lambda plan, ctx: {"plan_pk": plan.pk, "evidence_pk": 999999}),
    "progress:sheet": ("view", PERIOD_KW),
    "progress:carry_forward": ("post", PERIOD_KW),
    "progress:row": ("view_redirect", lambda plan, ctx: {**PERIOD_KW(plan, ctx), "task_pk": ctx["leaf"]}),
    "progress:row_edit": ("write_redirect", lambda plan, ctx: {**PERIOD_KW(plan, ctx), "task_pk": ctx["leaf"]}),
    "progress:row_save": ("post", lambda plan, ctx: {**PERIOD_KW(plan, ctx), "task_pk": ctx["leaf"]}),
    "indicators:plan_kpis": ("view", PP),
    "indicators:target_add": ("post", PP),
    "indicators:target_proposal": ("view", PP),
    "indicators:target_row": ("view_redirect", lambda plan, ctx: {"plan_pk": plan.pk, "target_pk": ctx["target"]}),
    "indicators:target_edit": ("write_redirect", lambda plan, ctx: {"plan_pk": plan.pk, "target_pk": ctx["target"]}),
    "indicators:target_save": ("post", lambda plan, ctx: {"plan_pk": plan.pk, "target_pk": ctx["target"]}),
    "indicators:target_remove": ("post", lambda plan, ctx: {"plan_pk": plan.pk, "target_pk": ctx["target"]}),
    "indicators:measurement_add": ("post", PERIOD_KW),
    "indicators:measurement_save": (
        "post",
        lambda plan, ctx: {**PERIOD_KW(plan, ctx), "indicator_pk": ctx["indicator"]},
    ),
    "reports:plan": ("view_redirect", PP),
    "reports:report": ("view", PERIOD_KW),
    "reports:redraft": ("post", PERIOD_KW),
    "reports:document_request": ("post", PERIOD_KW),
    "reports:document_status": ("view", PERIOD_KW),
    "reports:sign_send": ("post", PERIOD_KW),
    "reports:signed_status": ("view", PERIOD_KW),
    "reports:signed_authorise": ("post", PERIOD_KW),
    "reports:signed_download": ("missing", PERIOD_KW),
    "reports:download": ("missing", lambda plan, ctx: {"plan_pk": plan.pk, "document_pk": 999999, "kind": "pdf"}),
}

# URLs with no plan in them: name → kwargs (checked in test_global_pages / test_anonymous_sees_only_login).
# Open to anyone: the login page, the health check (tests/test_health.py: no data in it), the
# verification of signed documents (tests/signing: nothing beyond what the document shows) and the
# forgotten-password pages (tests/orgs/test_accounts.py: the same answer for any address).
OPEN_URLS = {
    "login",
    "healthz",
    "signing:verify",
    "signing:document",
    "signing:download",
    "calendar_feed",
    "account:password_reset",
    "account:password_reset_done",
    "account:password_reset_confirm",
    "account:password_reset_complete",
}
GLOBAL_URLS = {
    "login": {},
    "healthz": {},
    "signing:verify": {},
    "signing:document": {"code": "KHONGCO"},
    "signing:download": {"code": "KHONGCO"},
    "account:password_reset": {},
    "account:password_reset_done": {},
    "account:password_reset_confirm": {"uidb64": "MTIz", "token": "khong-co"},
    "account:password_reset_complete": {},
    "account:overview": {},
    "account:password_change": {},
    "account:sessions": {},
    "account:session_end": {"pk": 999999},
    "account:sessions_end_others": {},
    "logout": {},
    "plans:list": {},
    "plans:create": {},
    "plans:template_xlsx": {},
    "dashboard": {},
    "plans:inbox": {},
    "plans:inbox_open": {"notification_pk": 999999},
    "plans:inbox_read_all": {},
    "orgs:audit_log": {},
    "reports:index": {},
    "reminders:digest": {"pk": 999999},
    "reminders:calendar": {},
    "reminders:preferences": {},
    "calendar_feed": {"token": "khong-co"},
    "reports:consolidated_index": {},
    "reports:consolidated": {"unit_pk": 999999, "year": 2024, "period_code": "9M"},
    "reports:consolidated_xlsx": {"unit_pk": 999999, "year": 2024, "period_code": "9M"},
    "reports:consolidated_redraft": {"unit_pk": 999999, "year": 2024, "period_code": "9M"},
    "reports:consolidated_document_request": {"unit_pk": 999999, "year": 2024, "period_code": "9M"},
    "reports:consolidated_document_status": {"unit_pk": 999999, "year": 2024, "period_code": "9M"},
    "reports:consolidated_download": {
        "unit_pk": 999999,
        "year": 2024,
        "period_code": "9M",
        "document_pk": 999999,
        "kind": "pdf",
    },
    "reports:batch_index": {},
    "reports:batch": {"pk": 999999},
    "reports:batch_status": {"pk": 999999},
    "reports:batch_retry": {"pk": 999999, "document_pk": 999999},
    "two_factor:overview": {},
    "two_factor:enrol": {},
    "two_factor:verify": {},
    "two_factor:recovery_codes": {},
    "two_factor:remove": {},
}


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith("quan-tri/"):
                continue  # the Django admin: its own permissions
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield namespace + entry.name


def portal_url_names():
    return set(_walk(get_resolver().url_patterns))


# --- fixtures and helpers -------------------------------------------------------------------------


class World:
    """The seed's users (with a logged-in client each), plans, and what each user may see."""

    def __init__(self):
        User = get_user_model()
        self.anonymous = Client()
        self.users = {}  # username → (user, unit, role, client)
        for slug in UNITS:
            unit = Unit.objects.get(slug=slug)
            for role in ROLES:
                user = User.objects.get(username=f"{slug}-{role}")
                client = Client()
                client.force_login(user)
                self.users[user.username] = (user, unit, role, client)
        self.plans = list(Plan.objects.filter(unit__slug__in=UNITS).select_related("unit").order_by("pk"))
        self.visible = {
            name: set(units_visible_to(user).values_list("pk", flat=True))
            for name, (user, *_rest) in self.users.items()
        }
        self.ctx = {plan.pk: self._context(plan) for plan in self.plans}

    @staticmethod
    def _context(plan):
        tasks = Task.objects.filter(section__plan=plan)
        leaf = next(t for t in tasks.order_by("pk") if not Task.objects.filter(parent=t).exists())
        target = PlanTarget.objects.filter(plan=plan).first()
        return {
            "section": plan.sections.order_by("order").first().pk,
            "task": tasks.order_by("pk").first().pk,
            "leaf": leaf.pk,
            "target": target.pk if target else NONE,
            "indicator": target.indicator_id if target else NONE,
        }

    def sees(self, username, plan):
        return plan.unit_id in self.visible[username]

    def client(self, username):
        return self.users[username][3]

    def plan(self, slug):
        return next(plan for plan in self.plans if plan.unit.slug == slug)


@pytest.fixture
def world(seed):
    return World()


def snapshot():
    """Everything a refused POST must leave as it was."""
    return (
        list(Plan.objects.order_by("pk").values_list("pk", "status", "version")),
        Section.objects.count(),
        list(Task.objects.order_by("pk").values_list("pk", "section_id", "parent_id", "order", "content")),
        PlanComment.objects.count(),
        list(PlanComment.objects.order_by("pk").values_list("pk", "resolved_at")),
        list(PlanTarget.objects.order_by("pk").values_list("pk", "value")),
        Measurement.objects.count(),
        list(TaskProgress.objects.order_by("pk").values_list("pk", "status")),
        ProgressEvidence.objects.count(),
        PlanPdf.objects.count(),
        Notification.objects.count(),
    )


def login_redirect(response):
    return response.status_code == 302 and response["Location"].startswith(LOGIN)


def expected_get(kind, world, username, plan):
    if not world.sees(username, plan):
        return 404
    _user, unit, role, _client = world.users[username]
    own_writer = unit.pk == plan.unit_id and role in WRITERS
    return {
        "view": 200,
        "view_redirect": 302,
        "write": 200 if own_writer else 403,
        "write_redirect": 302 if own_writer else 403,
        "missing": 404,
    }[kind]


# --- 1. every URL is in the matrix ------------------------------------------------------------------


def test_every_url_is_in_the_matrix():
    names = portal_url_names()
    covered = set(PLAN_URLS) | set(GLOBAL_URLS)
    assert names - covered == set(), "URLs missing from the authorisation matrix"
    assert covered - names == set(), "the matrix names URLs that no longer exist"


# --- 2. the matrix: every plan-scoped URL × every user × every plan ------------------------------------


@pytest.mark.parametrize("app", ["plans", "tasks", "indicators", "reports"])
def test_plan_urls_matrix(world, app):
    failures = []
    before = snapshot()
    for name, (kind, build) in PLAN_URLS.items():
        if not name.startswith(app + ":"):
            continue
        for plan in world.plans:
            url = reverse(name, kwargs=build(plan, world.ctx[plan.pk]))
            response = world.anonymous.post(url) if kind == "post" else world.anonymous.get(url)
            if not login_redirect(response):
                failures.append(f"anonymous {name} {plan.unit.slug}: {response.status_code}")
            for username in world.users:
                if kind == "post":
                    if world.sees(username, plan):
                        continue  # the POST tests below
                    status, expected = world.client(username).post(url, {}).status_code, 404
                else:
                    expected = expected_get(kind, world, username, plan)
                    if (
                        expected != 404
                        and "target_pk" in build(plan, world.ctx[plan.pk])
                        and world.ctx[plan.pk]["target"] == NONE
                    ):
                        expected = 404  # this plan sets no KPI target: the target's URL finds nothing
                    status = world.client(username).get(url).status_code
                if status != expected:
                    failures.append(f"{username} {kind} {name} {plan.unit.slug}: {status} (expected {expected})")
    assert failures == []
    assert snapshot() == before, "a refused request changed something"


# --- 3. anonymous: only the login page ---------------------------------------------------------------


def test_anonymous_sees_only_the_login_page(world):
    assert world.anonymous.get(reverse("login")).status_code == 200
    assert login_redirect(world.anonymous.get("/"))
    for name, kwargs in GLOBAL_URLS.items():
        if name in OPEN_URLS:
            continue
        url = reverse(name, kwargs=kwargs)
        assert login_redirect(world.anonymous.get(url)), name
        assert login_redirect(world.anonymous.post(url)), name
    assert login_redirect(world.anonymous.get("/quan-tri/"))
    for name in OPEN_URLS:
        if name.startswith("account:"):  # a forgotten password: answered without logging in
            assert world.anonymous.get(reverse(name, kwargs=GLOBAL_URLS[name])).status_code == 200, name
    assert set(world.anonymous.get(reverse("healthz")).json()) == {"status", "checks"}


# --- 4. pages without a plan --------------------------------------------------------------------------


def test_global_pages(world):
    failures = []
    plan_links = {plan.pk: f'href="{reverse("plans:detail", args=[plan.pk])}"' for plan in world.plans}
    for username, (_user, unit, role, client) in world.users.items():
        reviewer_above_commune = role == "reviewer" and unit.kind not in COMMUNE_KINDS
        expected = {
            "plans:list": 200,
            "plans:inbox": 200,
            "plans:template_xlsx": 200,
            "reports:index": 200,
            "plans:create": 200 if role in WRITERS and unit.kind in COMMUNE_KINDS else 403,
            "dashboard": 200 if reviewer_above_commune else 403,
            "reports:batch_index": 200 if reviewer_above_commune else 403,
            "reports:consolidated_index": 200 if reviewer_above_commune else 403,
            "reports:consolidated": 404,
            "reports:consolidated_xlsx": 404,
            "reminders:digest": 404,
            "reminders:calendar": 200,
            "reminders:preferences": 200,
            "calendar_feed": 404,
            "reports:consolidated_document_status": 404,
            "reports:consolidated_download": 404,
            "orgs:audit_log": 200 if role == "admin" else 403,
            "plans:inbox_open": 404,
            "reports:batch": 404,
            "reports:batch_status": 404,
            # Each user's own second factor: no one else's is reachable. Verifying without an app
            # leads to enrolling one; the changes are POST only.
            "two_factor:overview": 200,
            "two_factor:enrol": 200,
            "two_factor:verify": 302,
            "two_factor:recovery_codes": 405,
            "two_factor:remove": 405,
            # Everyone's own account; the forgotten-password pages answer a signed-in user too.
            "account:overview": 200,
            "account:password_change": 200,
            "account:sessions": 200,
            "account:session_end": 405,  # POST only; another user's session is a 404 (tests/orgs/test_user_sessions.py)
            "account:sessions_end_others": 405,
            "account:password_reset": 200,
            "account:password_reset_done": 200,
            "account:password_reset_confirm": 200,  # the "link no longer works" page
            "account:password_reset_complete": 200,
        }
        for name, status in expected.items():
            got = client.get(reverse(name, kwargs=GLOBAL_URLS[name])).status_code
            if got != status:
                failures.append(f"{username} {name}: {got} (expected {status})")
        # The plan list and the reports index show the plans the user sees, and no other.
        for name in ("plans:list",):
            content = client.get(reverse(name)).content.decode()
            for plan in world.plans:
                if (plan_links[plan.pk] in content) != world.sees(username, plan):
                    failures.append(
                        f"{username} {name}: link to {plan.unit.slug} shown={plan_links[plan.pk] in content}"
                    )
    assert failures == []


def test_dashboard_shows_only_units_below_the_reviewer(world):
    names = {unit.slug: unit.name for unit in Unit.objects.all()}
    client = world.client("gia-loc-reviewer")
    content = client.get(reverse("dashboard")).content.decode()
    assert names["le-loi"] in content
    for slug in ("ha-tan", "thanh-thuy", "ha-trung"):
        assert names[slug] not in content, slug
    # Another tree's unit asked for by its id: 404, its existence does not leak.
    ha_trung = Unit.objects.get(slug="ha-trung")
    assert client.get(reverse("dashboard"), {"don_vi": ha_trung.pk}).status_code == 404
    hai_duong = world.client("hai-duong-reviewer")
    assert hai_duong.get(reverse("dashboard"), {"don_vi": Unit.objects.get(slug="gia-loc").pk}).status_code == 200


def test_audit_log_shows_only_the_administrators_units(world):
    ha_tan = world.plan("ha-tan")
    world.client("ha-tan-editor").post(reverse("plans:submit", args=[ha_tan.pk]))
    assert Plan.objects.get(pk=ha_tan.pk).status == Plan.Status.SUBMITTED
    assert AuditEvent.objects.filter(actor_username="ha-tan-editor").exists()
    seen = world.client("thanh-hoa-admin").get(reverse("orgs:audit_log")).content.decode()
    hidden = world.client("gia-loc-admin").get(reverse("orgs:audit_log")).content.decode()
    assert "ha-tan-editor" in seen
    assert "ha-tan-editor" not in hidden


# --- 5. a reviewer sees only units below its own ---------------------------------------------------------


def test_reviewers_see_only_their_subtree(world):
    le_loi, ha_tan = world.plan("le-loi"), world.plan("ha-tan")
    detail = lambda plan: reverse("plans:detail", args=[plan.pk])  # noqa: E731
    assert world.client("gia-loc-reviewer").get(detail(ha_tan)).status_code == 404
    assert world.client("hai-duong-reviewer").get(detail(le_loi)).status_code == 200
    assert world.client("gia-loc-reviewer").get(detail(le_loi)).status_code == 200
    assert world.client("thanh-hoa-reviewer").get(detail(le_loi)).status_code == 404
    assert world.client("thanh-hoa-reviewer").get(detail(ha_tan)).status_code == 200
    # A commune user never sees another commune's plan: 404, not 403.
    assert world.client("ha-tan-editor").get(detail(le_loi)).status_code == 404
    assert world.client("le-loi-admin").get(detail(ha_tan)).status_code == 404


# --- 6. POSTs that change state: anonymous, another commune, the wrong role, the right role ------------


def _refused(world, url, data, *, wrong_roles, other="ha-tan-editor", expect_wrong=(403,)):
    """Anonymous → login, another commune → 404, each wrong role of the same unit → a refusal; none of
    them changes anything."""
    before = snapshot()
    response = world.anonymous.post(url, data)
    assert login_redirect(response), url
    assert world.client(other).post(url, data).status_code == 404, url
    for username in wrong_roles:
        status = world.client(username).post(url, data).status_code
        assert status in expect_wrong, f"{username} {url}: {status}"
    assert snapshot() == before, f"a refused POST to {url} changed something"


def _reload(plan):
    return Plan.objects.get(pk=plan.pk)


def test_workflow_steps(world):
    plan = world.plan("le-loi")
    editor = world.users["le-loi-editor"][0]
    url = lambda name: reverse(name, args=[plan.pk])  # noqa: E731

    # submit: the commune's editor.
    _refused(world, url("plans:submit"), {}, wrong_roles=["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer"])
    assert world.client("le-loi-editor").post(url("plans:submit")).status_code == 302
    assert _reload(plan).status == Plan.Status.SUBMITTED

    # comment: a reviewer above, while submitted.
    _refused(world, url("plans:comment_add"), {"text": "Sửa mục 1"}, wrong_roles=["le-loi-editor", "le-loi-reviewer"])
    assert world.client("gia-loc-reviewer").post(url("plans:comment_add"), {"text": "Sửa mục 1"}).status_code == 302
    comment = PlanComment.objects.get(plan=plan)
    answer_url = reverse("plans:comment_answer", args=[plan.pk, comment.pk])
    resolve_url = reverse("plans:comment_resolve", args=[plan.pk, comment.pk])
    _refused(world, answer_url, {"text": "Đã sửa"}, wrong_roles=["le-loi-signer"])
    assert world.client("le-loi-editor").post(answer_url, {"text": "Đã sửa"}).status_code == 302
    assert PlanComment.objects.filter(plan=plan, parent=comment).count() == 1
    _refused(world, resolve_url, {}, wrong_roles=["le-loi-signer", "hai-duong-reviewer"])
    assert world.client("le-loi-editor").post(resolve_url).status_code == 302
    comment.refresh_from_db()
    assert comment.resolved_at is not None

    # return: a reviewer above.
    _refused(
        world, url("plans:return"), {"comment": "Sửa"}, wrong_roles=["le-loi-editor", "le-loi-reviewer", "le-loi-admin"]
    )
    assert world.client("gia-loc-reviewer").post(url("plans:return"), {"comment": "Sửa"}).status_code == 302
    assert _reload(plan).status == Plan.Status.RETURNED

    # approve: a reviewer above (not the commune's own reviewer).
    workflow.submit_plan(plan=_reload(plan), user=editor)
    _refused(world, url("plans:approve"), {}, wrong_roles=["le-loi-editor", "le-loi-reviewer", "le-loi-signer"])
    assert world.client("hai-duong-reviewer").post(url("plans:approve")).status_code == 302
    assert _reload(plan).status == Plan.Status.APPROVED

    # reopen: a reviewer of the unit or above.
    _refused(world, url("plans:reopen"), {"reason": "Sửa"}, wrong_roles=["le-loi-editor", "le-loi-signer"])
    assert world.client("gia-loc-reviewer").post(url("plans:reopen"), {"reason": "Sửa"}).status_code == 302
    assert _reload(plan).status not in (Plan.Status.APPROVED, Plan.Status.ISSUED)

    # issue: the commune's signer, after approval.
    workflow.submit_plan(plan=_reload(plan), user=editor)
    workflow.approve_plan(plan=_reload(plan), user=world.users["gia-loc-reviewer"][0])
    approved_on(_reload(plan), datetime.date(plan.year, 1, 20))
    issue = {"issued_on": f"{plan.year}-01-23"}
    _refused(world, url("plans:issue"), issue, wrong_roles=["le-loi-editor", "le-loi-reviewer", "gia-loc-reviewer"])
    assert world.client("le-loi-signer").post(url("plans:issue"), issue).status_code == 302
    assert _reload(plan).status == Plan.Status.ISSUED

    # new revision: the commune's editor, from the issued plan.
    _refused(world, url("plans:new_revision"), {}, wrong_roles=["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer"])
    count = Plan.objects.filter(unit=plan.unit, year=plan.year).count()
    assert world.client("le-loi-editor").post(url("plans:new_revision")).status_code == 302
    assert Plan.objects.filter(unit=plan.unit, year=plan.year).count() == count + 1


EDIT_POSTS = [
    "plans:edit_decision",
    "plans:edit_legal_bases",
    "plans:edit_articles",
    "plans:edit_recipients",
    "plans:edit_table_heading",
    "plans:edit_section_add",
    "plans:edit_section_form",
    "plans:edit_section_move",
    "plans:edit_section_delete",
    "plans:edit_task_add",
    "plans:edit_task_form",
    "plans:edit_task_move",
    "plans:edit_task_delete",
    "plans:import_confirm",
    "indicators:target_add",
]


def test_editing_posts(world):
    plan = world.plan("le-loi")
    ctx = world.ctx[plan.pk]
    wrong = ["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer", "gia-loc-admin", "hai-duong-admin"]
    for name in EDIT_POSTS:
        _refused(world, reverse(name, kwargs=PLAN_URLS[name][1](plan, ctx)), {}, wrong_roles=wrong)

    editor = world.client("le-loi-editor")
    task = Task.objects.get(pk=ctx["leaf"])
    before = Task.objects.filter(section__plan=plan).count()
    response = editor.post(reverse("plans:edit_task_delete", args=[plan.pk, task.pk]), {"revision": task.revision})
    assert response.status_code == 200
    assert Task.objects.filter(section__plan=plan).count() < before

    section = plan.sections.order_by("-order").first()
    response = world.client("le-loi-admin").post(
        reverse("plans:edit_section_move", args=[plan.pk, section.pk]), {"direction": "up"}
    )
    assert response.status_code == 200
    section.refresh_from_db()
    assert section.order < plan.sections.order_by("-order").first().order

    # A locked (submitted) plan refuses its own editor too.
    workflow.submit_plan(plan=_reload(plan), user=world.users["le-loi-editor"][0])
    before = snapshot()
    assert (
        editor.post(reverse("plans:edit_section_move", args=[plan.pk, section.pk]), {"direction": "down"}).status_code
        == 403
    )
    assert snapshot() == before


def test_import_upload_confirm_cancel(world):
    plan = world.plan("le-loi")
    editor = world.client("le-loi-editor")
    data = editor.get(reverse("plans:export_xlsx", args=[plan.pk])).content
    upload = lambda: {"file": SimpleUploadedFile("ke-hoach.xlsx", data)}  # noqa: E731
    url = reverse("plans:import", args=[plan.pk])
    _refused(world, url, upload(), wrong_roles=["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer"])
    assert world.anonymous.get(url).status_code == 302

    response = editor.post(url, upload())
    assert response.status_code == 302, response.content.decode()[:500]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    preview = reverse("plans:import_preview", args=[plan.pk, token])
    assert editor.get(preview).status_code == 200
    assert world.client("ha-tan-editor").get(preview).status_code == 404
    assert world.client("le-loi-signer").get(preview).status_code == 403

    confirm = reverse("plans:import_confirm", args=[plan.pk])
    _refused(world, confirm, {"token": token}, wrong_roles=["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer"])
    _refused(world, reverse("plans:import_cancel", args=[plan.pk]), {"token": token}, wrong_roles=[], expect_wrong=())
    version = _reload(plan).version
    assert editor.post(confirm, {"token": token}).status_code == 302
    assert _reload(plan).version > version

    # cancel: a second upload, cancelled, cannot be confirmed any more.
    token = editor.post(url, upload())["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert editor.post(reverse("plans:import_cancel", args=[plan.pk]), {"token": token}).status_code == 302
    before = snapshot()
    editor.post(confirm, {"token": token})
    assert snapshot() == before


def test_copy_create(world):
    plan = world.plan("le-loi")
    url = reverse("plans:copy_create", args=[plan.pk])
    _refused(world, url, {"nam": plan.year + 1}, wrong_roles=["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer"])
    assert world.client("le-loi-editor").post(url, {"nam": plan.year + 1}).status_code == 302
    assert Plan.objects.filter(unit=plan.unit, year=plan.year + 1).exists()


def test_pdf_request(world):
    plan = world.plan("le-loi")
    url = reverse("plans:pdf_request", args=[plan.pk])
    _refused(world, url, {}, wrong_roles=[])
    # Reading: anyone who sees the plan may ask for its PDF.
    assert world.client("hai-duong-reviewer").post(url).status_code == 302
    assert PlanPdf.objects.filter(plan=plan).exists()


def test_progress_posts(world):
    plan = world.plan("le-loi")
    ctx = world.ctx[plan.pk]
    row_url = reverse("progress:row_save", kwargs=PLAN_URLS["progress:row_save"][1](plan, ctx))
    data = {"status": TaskProgress.Status.DONE, "result_text": "Đã rà soát 12 thủ tục."}
    wrong = ["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer", "gia-loc-admin"]
    _refused(world, row_url, data, wrong_roles=wrong)
    carry = reverse("progress:carry_forward", kwargs=PERIOD_KW(plan, ctx))
    _refused(world, carry, {}, wrong_roles=wrong)
    _refused(world, reverse("progress:evidence_remove", args=[plan.pk, 999999]), {}, wrong_roles=wrong)

    response = world.client("le-loi-editor").post(row_url, data)
    assert response.status_code == 302, response.content.decode()[:300]
    assert TaskProgress.objects.filter(
        task_id=ctx["leaf"], period__code=PERIOD, status=TaskProgress.Status.DONE
    ).exists()
    assert world.client("le-loi-admin").post(carry).status_code == 302


def test_kpi_posts(world):
    plan = world.plan("le-loi")
    ctx = world.ctx[plan.pk]
    wrong = ["le-loi-signer", "le-loi-reviewer", "gia-loc-reviewer", "gia-loc-admin"]
    assert ctx["target"] != NONE, "the seed gives Lê Lợi's plan KPI targets"
    figures = {"numerator": "3", "denominator": "4"}
    save = reverse("indicators:measurement_save", kwargs=PLAN_URLS["indicators:measurement_save"][1](plan, ctx))
    _refused(world, save, figures, wrong_roles=wrong)
    _refused(world, reverse("indicators:measurement_add", kwargs=PERIOD_KW(plan, ctx)), figures, wrong_roles=wrong)
    for name in ("indicators:target_save", "indicators:target_remove"):
        _refused(world, reverse(name, kwargs=PLAN_URLS[name][1](plan, ctx)), {}, wrong_roles=wrong)
    count = Measurement.objects.count()
    assert world.client("le-loi-editor").post(save, figures).status_code == 302
    assert Measurement.objects.count() == count + 1
    remove = reverse("indicators:target_remove", args=[plan.pk, ctx["target"]])
    assert world.client("le-loi-admin").post(remove).status_code == 302
    assert not PlanTarget.objects.filter(pk=ctx["target"]).exists()


def test_inbox_is_per_user(world):
    plan = world.plan("le-loi")
    workflow.submit_plan(plan=plan, user=world.users["le-loi-editor"][0])
    notification = Notification.objects.filter(plan=plan).select_related("recipient").first()
    assert notification is not None
    url = reverse("plans:inbox_open", args=[notification.pk])
    others = [name for name in world.users if name != notification.recipient.username]
    for username in others[:6]:
        assert world.client(username).get(url).status_code == 404, username
    assert world.client(notification.recipient.username).get(url).status_code == 302
    read_all = reverse("plans:inbox_read_all")
    assert login_redirect(world.anonymous.post(read_all))
    assert world.client("le-loi-editor").post(read_all).status_code == 302


def test_logout_is_a_post(world):
    client = world.client("le-loi-editor")
    assert client.post(reverse("logout")).status_code == 302
    assert login_redirect(client.get(reverse("plans:list")))
