"""The reporting periods moved from reports to their own app, periods (the layer below tasks, indicators and reports)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('indicators', '0003_measurements_higher_target'),
        ('periods', '0001_initial'),
    ]

    operations = [
        # The table keeps its name (reports_reportingperiod) and its rows: only Django's idea of where
        # the model lives changes, so nothing is done to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.AlterField(
                model_name='measurement',
                name='period',
                field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, to='periods.reportingperiod', verbose_name='kỳ báo cáo'),
            ),
            ],
            database_operations=[],
        ),
    ]
