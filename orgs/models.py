from django.contrib.auth.models import AbstractUser
from django.db import models, transaction


class Unit(models.Model):
    """An administrative unit in a tree of any depth (tỉnh → huyện → xã, or tỉnh → xã since 2025)."""

    class Kind(models.TextChoices):
        PROVINCE = "tinh", "Tỉnh"
        DISTRICT = "huyen", "Huyện"
        COMMUNE = "xa", "Xã"
        WARD = "phuong", "Phường"
        TOWNSHIP = "thi_tran", "Thị trấn"

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
        return self.kind in {self.Kind.COMMUNE, self.Kind.WARD, self.Kind.TOWNSHIP}

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1] if part]
        return Unit.objects.filter(pk__in=ids).order_by("path")

    def descendants(self, include_self=False):
        qs = Unit.objects.filter(path__startswith=self.path)
        return qs if include_self else qs.exclude(pk=self.pk)


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

    class Meta:
        verbose_name = "thành viên đơn vị"
        verbose_name_plural = "thành viên đơn vị"
        constraints = [models.UniqueConstraint(fields=["user", "unit", "role"], name="membership_unique")]

    def __str__(self):
        return f"{self.user} – {self.get_role_display()} – {self.unit}"
