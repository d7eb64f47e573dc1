from django.db import migrations

from reports.periods import PERIODS


def seed_periods(apps, schema_editor):
    ReportingPeriod = apps.get_model("reports", "ReportingPeriod")
    for spec in PERIODS:
        ReportingPeriod.objects.update_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "order": spec.order,
                "start_month": spec.start_month,
                "start_day": spec.start_day,
                "start_in_previous_year": spec.start_in_previous_year,
                "end_month": spec.end_month,
                "end_day": spec.end_day,
                "label": spec.label,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed_periods, migrations.RunPython.noop)]
