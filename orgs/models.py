from datetime import date

from django.contrib.auth.models import AbstractUser
from django.db import models, transaction
from django.utils import timezone
from django_otp.models import Device, ThrottlingMixin
from simple_history.models import HistoricalRecords

from tthc_portal.caching import cached


class UnitHistoryBase(models.Model):
    """What a historical record of a unit adds: the day its state took effect. A reorganisation dates
    its changes on their effective day, whenever it is applied; a unit's first state holds from its
    `valid_from` (blank: from always); any other change from the day it was saved."""

    effective_on = models.DateField("có hiệu lực từ ngày", null=True, blank=True)

    class Meta:
        abstract = True


class Unit(models.Model):
    """An administrative unit in a tree of any depth (tỉnh → huyện → xã, or tỉnh → xã since 2025)."""

    class Kind(models.TextChoices):
        NATION = "trung_uong", "Trung ương"  # the national level: it reviews every province
        PROVINCE = "tinh", "Tỉnh"
        CITY = "thanh_pho", "Thành phố"  # a centrally governed city: a province-level unit
        DISTRICT = "huyen", "Huyện"
        COMMUNE = "xa", "Xã"
        WARD = "phuong", "Phường"
        TOWNSHIP = "thi_tran", "Thị trấn"
        SPECIAL_ZONE = "dac_khu", "Đặc khu"  # since 2025: a commune-level unit (island districts)

    slug = models.SlugField("mã nội bộ", max_length=80, unique=True)
    name = models.CharField("tên", max_length=200)
    kind = models.CharField("cấp", max_length=10, choices=Kind.choices)
    official_code = models.CharField(
        "mã đơn vị hành chính", max_length=10, blank=True, help_text="Mã theo danh mục quốc gia, nếu đã biết."
    )
    parent = models.ForeignKey(
        "self", verbose_name="đơn vị cấp trên", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    # Materialised path of ids ("/3/17/"): "every unit below X" is one indexed prefix query.
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    # When the unit existed: from its creation (blank: always) until the day it ended (merged into
    # another, dissolved: orgs.reorganisation). An ended unit keeps its plans, which stay readable.
    valid_from = models.DateField("hiệu lực từ ngày", null=True, blank=True)
    valid_until = models.DateField("hết hiệu lực từ ngày", null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", verbose_name="đơn vị tiền thân", symmetrical=False, blank=True, related_name="successors"
    )

    _history_effective: date  # set before a save: the day the change takes effect (orgs.reorganisation)

    # Every change (name, kind, parent) is kept with the date it took effect: the tree as it was on any
    # day (tree_as_of), e.g. a 2024 plan under the district that printed it.
    history = HistoricalRecords(
        verbose_name="lịch sử đơn vị", verbose_name_plural="lịch sử đơn vị", bases=[UnitHistoryBase]
    )

    class Meta:
        verbose_name = "đơn vị"
        verbose_name_plural = "đơn vị"
        ordering = ["path"]
        constraints = [
            models.UniqueConstraint(
                fields=["official_code"], condition=~models.Q(official_code=""), name="unit_official_code_unique"
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.name}"

    def save(self, *args, **kwargs):
        if self.pk and self.parent_id and (self.parent_id == self.pk or f"/{self.pk}/" in self.parent.path):
            raise ValueError("Một đơn vị không thể nằm dưới chính nó.")
        with transaction.atomic():
            if self.pk is None:
                super().save(*args, **kwargs)  # the path needs the new id
                args, kwargs = (), {}
            old_path = self.path
            self.path = f"{self.parent.path if self.parent else '/'}{self.pk}/"
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:  # moved: carry the subtree along
                for unit in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    unit.path = self.path + unit.path[len(old_path) :]
                    super(Unit, unit).save(update_fields=["path"])

    @property
    def is_commune_level(self):
        return self.kind in COMMUNE_LEVEL_KINDS

    def as_of(self, day):
        """The unit as it was on `day` (its name, kind and parent then), from its history; itself when
        it has no history."""
        # Of the states in force by `day`, the one recorded last (a reorganisation applied late but
        # effective earlier is recorded after the states it replaces).
        records = self.history.filter(models.Q(effective_on__lte=day) | models.Q(effective_on__isnull=True))
        record = records.order_by("history_date").last()
        return record.instance if record is not None else self

    def chain_as_of(self, day):
        """The unit and the units above it, as they were on `day`: [xã Lê Lợi, huyện Gia Lộc, tỉnh Hải Dương]."""
        chain, unit, seen = [], self.as_of(day), set()
        while unit is not None and unit.pk not in seen:
            chain.append(unit)
            seen.add(unit.pk)
            parent = Unit.objects.filter(pk=unit.parent_id).first() if unit.parent_id else None
            unit = parent.as_of(day) if parent is not None else None
        return chain

    def chain_labels_as_of(self, day):
        """["Xã Lê Lợi", "Huyện Gia Lộc", "Tỉnh Hải Dương"]: chain_as_of's names, kept in the cache until
        the units' history grows (a reorganisation, a rename, a move)."""
        generation = Unit.history.aggregate(last=models.Max("history_id"), count=models.Count("history_id"))
        key = ("unit-chain", self.pk, day.isoformat(), generation["last"], generation["count"])
        return cached(key, lambda: [str(unit) for unit in self.chain_as_of(day)])

    def communes_below_as_of(self, day):
        """The ids of the commune-level units below this unit as the tree stood on `day` (from the units'
        history, in one query; a unit without history as it is now), that existed on that day. Kept in
        the cache until the units' history grows."""
        generation = Unit.history.aggregate(last=models.Max("history_id"), count=models.Count("history_id"))
        key = ("communes-below", self.pk, day.isoformat(), generation["last"], generation["count"])
        return cached(key, lambda: _communes_below(self.pk, day))

    def has_ended(self, on=None):
        """Merged into another unit or dissolved by `on` (today by default)."""
        return self.valid_until is not None and self.valid_until <= (on or timezone.localdate())

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        return Unit.objects.filter(pk__in=ids).order_by("path")

    def descendants(self, include_self=False):
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


def _communes_below(unit_id, day):
    state = {row["pk"]: row for row in Unit.objects.values("pk", "parent_id", "kind", "valid_from", "valid_until")}
    records = (
        Unit.history.filter(models.Q(effective_on__lte=day) | models.Q(effective_on__isnull=True))
        .order_by("history_date")
        .values("id", "parent_id", "kind")
    )
    for record in records:  # the state in force on `day` is the one recorded last
        if record["id"] in state:
            state[record["id"]] = {**state[record["id"]], "parent_id": record["parent_id"], "kind": record["kind"]}
    children: dict[int, list[int]] = {}
    for pk, row in state.items():
        children.setdefault(row["parent_id"], []).append(pk)
    found, stack = [], list(children.get(unit_id, []))
    while stack:
        pk = stack.pop()
        row = state[pk]
        stack.extend(children.get(pk, []))
        existed = (row["valid_from"] is None or row["valid_from"] <= day) and (
            row["valid_until"] is None or row["valid_until"] > day
        )
        if row["kind"] in COMMUNE_LEVEL_KINDS and existed:
            found.append(pk)
    return sorted(found)


# xã, phường, thị trấn: the level that writes the plans everything else reviews and sums.
COMMUNE_LEVEL_KINDS = (Unit.Kind.COMMUNE, Unit.Kind.WARD, Unit.Kind.TOWNSHIP, Unit.Kind.SPECIAL_ZONE)
# tỉnh and thành phố trực thuộc trung ương.
PROVINCE_LEVEL_KINDS = (Unit.Kind.PROVINCE, Unit.Kind.CITY)


class User(AbstractUser):
    full_name = models.CharField("họ và tên", max_length=150, blank=True)

    class Meta:
        verbose_name = "người dùng"
        verbose_name_plural = "người dùng"

    def __str__(self):
        return self.full_name or self.username


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor", "Công chức soạn thảo"
        SIGNER = "signer", "Người ký"
        REVIEWER = "reviewer", "Cán bộ thẩm định"
        ADMIN = "admin", "Quản trị đơn vị"

    user = models.ForeignKey(User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, verbose_name="đơn vị", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("vai trò", max_length=10, choices=Role.choices)
    # The day the membership stopped (its unit merged or dissolved, unless a reorganisation moved it to
    # the successor): an ended membership gives no right.
    ended_on = models.DateField("kết thúc từ ngày", null=True, blank=True)

    class Meta:
        verbose_name = "thành viên đơn vị"
        verbose_name_plural = "thành viên đơn vị"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"


class AuditEvent(models.Model):
    """One line of the audit trail: who did what, to what, when and from where.

    `action` is an open code ("plan.submitted", "auth.login" …): the apps that change state name their
    own actions; `Action` lists the known ones with their Vietnamese labels (no `choices=` on the
    field, so a new action needs no migration)."""

    class Action(models.TextChoices):
        LOGIN = "auth.login", "Đăng nhập"
        LOGIN_FAILED = "auth.login_failed", "Đăng nhập thất bại"
        LOCKED_OUT = "auth.locked_out", "Đăng nhập bị khóa tạm thời"
        LOGOUT = "auth.logout", "Đăng xuất"
        ACCESS_DENIED = "access.denied", "Từ chối truy cập"
        ACCESS_HIDDEN = "access.hidden", "Từ chối truy cập (trả 404)"
        PLAN_SUBMITTED = "plan.submitted", "Gửi thẩm định kế hoạch"
        PLAN_RETURNED = "plan.returned", "Trả lại kế hoạch"
        PLAN_APPROVED = "plan.approved", "Phê duyệt kế hoạch"
        PLAN_ISSUED = "plan.issued", "Ban hành kế hoạch"
        PLAN_REOPENED = "plan.reopened", "Mở lại kế hoạch để sửa"
        PLAN_NEW_REVISION = "plan.new_revision", "Tạo lần ban hành mới"
        PLAN_COMMENT = "plan.comment", "Góp ý kế hoạch"
        PLAN_COMMENT_ANSWER = "plan.comment.answer", "Trả lời góp ý"
        PLAN_COMMENT_RESOLVE = "plan.comment.resolve", "Đóng góp ý"
        PLAN_IMPORT = "plan.import", "Nhập kế hoạch từ tệp"
        PLAN_COPY = "plan.copy", "Sao chép kế hoạch năm trước"
        UNITS_REORGANISED = "units.reorganised", "Tổ chức lại đơn vị hành chính"
        SECOND_FACTOR_ENROLLED = "auth.second_factor_enrolled", "Đăng ký xác thực hai bước"
        SECOND_FACTOR_FAILED = "auth.second_factor_failed", "Nhập sai mã xác thực hai bước"
        SECOND_FACTOR_CODES = "auth.second_factor_codes", "Tạo lại mã dự phòng"
        SECOND_FACTOR_REMOVED = "auth.second_factor_removed", "Tắt xác thực hai bước"
        PASSWORD_CHANGED = "auth.password_changed", "Đổi mật khẩu"
        PASSWORD_RESET_REQUESTED = "auth.password_reset_requested", "Yêu cầu đặt lại mật khẩu qua thư"
        PASSWORD_RESET_WITHHELD = "auth.password_reset_withheld", "Không gửi thư đặt lại mật khẩu (yêu cầu quá nhiều)"
        PASSWORD_RESET = "auth.password_reset", "Đặt lại mật khẩu qua thư"
        PASSWORD_RESET_FORCED = "auth.password_reset_forced", "Quản trị viên buộc đặt lại mật khẩu"
        USER_DEACTIVATED = "auth.user_deactivated", "Khóa tài khoản"
        SESSION_ENDED = "auth.session_ended", "Kết thúc phiên đăng nhập khác"

    created_at = models.DateTimeField("lúc", auto_now_add=True)
    actor = models.ForeignKey(
        "orgs.User", verbose_name="người thực hiện", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept when the account is deleted, and for failed logins of names that match no account.
    actor_username = models.CharField("tên đăng nhập", max_length=150, blank=True)
    action = models.CharField("hành động", max_length=60)
    target_type = models.CharField("loại đối tượng", max_length=100, blank=True)
    target_id = models.CharField("mã đối tượng", max_length=64, blank=True)
    target_repr = models.CharField("đối tượng", max_length=300, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="đơn vị", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)
    path = models.CharField("đường dẫn", max_length=500, blank=True)
    details = models.JSONField("chi tiết", default=dict, blank=True)
    # Refusals repeated by the same user from the same address on the same kind of page within a
    # minute are one line counting them (orgs.audit._record_refusal).
    repeats = models.PositiveIntegerField("số lần", default=1)

    class Meta:
        verbose_name = "nhật ký"
        verbose_name_plural = "nhật ký hệ thống"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], name="audit_created"),
            models.Index(fields=["action", "created_at"], name="audit_action_created"),
            models.Index(fields=["unit", "created_at"], name="audit_unit_created"),
            models.Index(fields=["actor", "created_at"], name="audit_actor_created"),
        ]

    def __str__(self):
        return f"{self.created_at:%d/%m/%Y %H:%M} {self.actor_username or '—'} {self.action_label}"

    ALERTS = {
        Action.LOGIN_FAILED,
        Action.LOCKED_OUT,
        Action.ACCESS_DENIED,
        Action.ACCESS_HIDDEN,
        Action.SECOND_FACTOR_FAILED,
        Action.PASSWORD_RESET_WITHHELD,
    }

    @property
    def is_alert(self):
        """A failed or refused attempt, shown in red."""
        return self.action in self.ALERTS

    # Vietnamese names for the detail keys the apps write; other keys are shown as written.
    DETAIL_LABELS = {
        "status": "mã trả về",
        "method": "phương thức",
        "from_status": "từ trạng thái",
        "to_status": "sang trạng thái",
        "comment": "ý kiến",
        "plan_version": "phiên bản nội dung",
        "plan": "kế hoạch số",
        "task": "dòng số",
        "thread": "góp ý số",
        "revision": "lần ban hành",
        "source_plan": "từ kế hoạch số",
        "kind": "loại trang",
        "sessions_ended": "số phiên đã kết thúc",
        "email_queued": "đã xếp thư đặt lại mật khẩu",
        "ip": "địa chỉ IP của phiên",
        "browser": "trình duyệt của phiên",
        "started": "phiên bắt đầu lúc",
        "limit": "vượt giới hạn mỗi giờ theo",
    }

    @property
    def detail_rows(self):
        """(label, value) pairs for the page, plan statuses and yes/no in words."""
        from django.apps import apps

        statuses = dict(apps.get_model("plans", "Plan").Status.choices) if apps.is_installed("plans") else {}
        rows = []
        for key, value in (self.details or {}).items():
            if key in ("from_status", "to_status"):
                value = statuses.get(value, value)
            elif isinstance(value, bool):
                value = "có" if value else "không"
            rows.append((self.DETAIL_LABELS.get(key, key), value))
        return rows

    @property
    def action_label(self):
        try:
            return self.Action(self.action).label
        except ValueError:
            return self.action


class OutgoingEmail(models.Model):
    """An e-mail the portal sends to a user (a workflow step, the daily reminder): written in the same
    transaction as what it tells, sent by a Celery task after the commit (orgs.mail), its state kept
    here — a failed send is recorded and tried again with back-off, never lost, never sent twice."""

    class State(models.TextChoices):
        PENDING = "pending", "Đang chờ gửi"
        SENT = "sent", "Đã gửi"
        FAILED = "failed", "Gửi lỗi, sẽ thử lại"

    to = models.EmailField("gửi tới")
    subject = models.CharField("tiêu đề", max_length=200)
    body = models.TextField("nội dung")
    state = models.CharField("trạng thái", max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField("số lần gửi", default=0)
    error = models.TextField("lỗi", blank=True)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)
    sent_at = models.DateTimeField("gửi lúc", null=True, blank=True)

    class Meta:
        verbose_name = "thư điện tử gửi đi"
        verbose_name_plural = "thư điện tử gửi đi"
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "created_at"])]

    def __str__(self):
        return f"{self.subject} → {self.to}"


# --- second factor (django-otp devices; orgs.two_factor) ----------------------------------------------


class ThrottledDevice(ThrottlingMixin, Device):
    """A django-otp device whose failures slow the next try (1, 2, 4 … s): a code is checked
    (`check_token`) only when the wait since the last failure is over."""

    class Meta:
        abstract = True

    def get_throttle_factor(self):
        return 1

    def verify_token(self, token):
        allowed, _ = self.verify_is_allowed()
        return bool(allowed) and self.check_token(token)

    def check_token(self, token) -> bool:
        raise NotImplementedError


class AuthenticatorApp(ThrottledDevice):
    """A TOTP authenticator app (RFC 6238: 6 digits every 30 s) on the user's phone. Its seed is a
    secret: stored encrypted (orgs.two_factor.seal), never in clear. A code is accepted once (`last_t`),
    one step either side of now, and failures slow the next try (1, 2, 4 … s: ThrottlingMixin)."""

    sealed_key = models.TextField("khóa (đã mã hóa)")
    last_t = models.BigIntegerField("bước thời gian đã dùng", default=-1)
    created_at = models.DateTimeField("tạo lúc", auto_now_add=True)

    class Meta:
        verbose_name = "ứng dụng xác thực"
        verbose_name_plural = "ứng dụng xác thực"

    def check_token(self, token):
        from django_otp.oath import TOTP

        from .two_factor import unseal

        token = str(token or "").replace(" ", "")
        verified = False
        if token.isdigit() and len(token) == 6:
            totp = TOTP(unseal(self.sealed_key), step=30, t0=0, digits=6, drift=0)
            verified = totp.verify(int(token), tolerance=1, min_t=self.last_t + 1)
            if verified:
                self.last_t = totp.t()
                self.throttle_reset(commit=False)
                self.save()
        if not verified:
            self.throttle_increment()
        return verified


class RecoveryCodes(ThrottledDevice):
    """The user's one-time recovery codes, for a lost phone. Only their SHA-256 is stored."""

    class Meta:
        verbose_name = "bộ mã dự phòng"
        verbose_name_plural = "bộ mã dự phòng"

    def check_token(self, token):
        from .two_factor import code_digest

        used = self.codes.filter(digest=code_digest(token), used_at__isnull=True).update(used_at=timezone.now())
        if used:
            self.throttle_reset()
        else:
            self.throttle_increment()
        return bool(used)


class RecoveryCode(models.Model):
    device = models.ForeignKey(RecoveryCodes, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField("SHA-256 của mã", max_length=64)
    used_at = models.DateTimeField("đã dùng lúc", null=True, blank=True)

    class Meta:
        verbose_name = "mã dự phòng"
        verbose_name_plural = "mã dự phòng"

    def __str__(self):
        return f"{self.device.user} – mã dự phòng {'đã dùng' if self.used_at else 'chưa dùng'}"


class UserSession(models.Model):
    """One signed-in session of a user (one browser), for the user's list of sessions
    (/tai-khoan/phien/): written at login, its last activity kept at most every few minutes, removed at
    logout or when the session is ended (orgs.user_sessions). The session itself lives in Django's
    session store; this row only describes it."""

    user = models.ForeignKey(User, verbose_name="người dùng", on_delete=models.CASCADE, related_name="sessions")
    session_key = models.CharField("khóa phiên", max_length=40, unique=True)
    created_at = models.DateTimeField("bắt đầu lúc", default=timezone.now)
    last_seen_at = models.DateTimeField("hoạt động gần nhất", default=timezone.now)
    ip_address = models.GenericIPAddressField("địa chỉ IP", null=True, blank=True)
    user_agent = models.CharField("trình duyệt", max_length=300, blank=True)

    class Meta:
        verbose_name = "phiên đăng nhập"
        verbose_name_plural = "phiên đăng nhập"
        ordering = ["-last_seen_at", "-pk"]

    def __str__(self):
        return f"{self.user} – {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"
