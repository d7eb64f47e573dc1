"""The reporting periods moved from reports to their own app, periods (the layer below tasks, indicators and reports)."""

import django.db.models.deletion
from django.db import migrations, models


def move_content_type(apps, schema_editor):
    """Keep the admin permissions and log entries of the periods: their content type follows the model."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.filter(app_label="reports", model="reportingperiod").update(app_label="periods")


class Migration(migrations.Migration):

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ('indicators', '0004_period_moved_to_periods'),
        ('periods', '0001_initial'),
        ('reports', '0003_report_documents'),
        ('tasks', '0004_period_moved_to_periods'),
    ]

    operations = [
        # The table keeps its name (reports_reportingperiod) and its rows: only Django's idea of where
        # the model lives changes, so nothing is done to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='reportbatch',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            migrations.AlterField(
                model_name='progresssnapshot',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            migrations.AlterField(
                model_name='reportdocument',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            migrations.AlterField(
                model_name='report',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            migrations.DeleteModel(
                name='ReportingPeriod',
            ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(move_content_type, migrations.RunPython.noop),
    ]
