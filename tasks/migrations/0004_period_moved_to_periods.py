"""The reporting periods moved from reports to their own app, periods (the layer below tasks, indicators and reports)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('periods', '0001_initial'),
        ('tasks', '0003_history_and_revision'),
    ]

    operations = [
        # The table keeps its name (reports_reportingperiod) and its rows: only Django's idea of where
        # the model lives changes, so nothing is done to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='taskprogress',
                name='carried_from',
                field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='periods.reportingperiod', verbose_name='lấy từ kỳ'),
            ),
            migrations.AlterField(
                model_name='taskprogress',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            ],
            database_operations=[],
        ),
    ]
