from django.db import migrations

from periods.cutoffs import ensure_periods


def seed_periods(apps, schema_editor):
    ensure_periods(apps.get_model("reports", "ReportingPeriod"))


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_initial")]
    operations = [migrations.RunPython(seed_periods, migrations.RunPython.noop)]
