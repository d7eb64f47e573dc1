"""The reporting periods moved from reports to their own app, periods (the layer below tasks, indicators and reports)."""

from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("reports", "0003_report_documents"),
    ]

    operations = [
        # The table keeps its name (reports_reportingperiod) and its rows: only Django's idea of where
        # the model lives changes, so nothing is done to the database.
        migrations.SeparateDatabaseAndState(
            state_operations=[
            migrations.CreateModel(
                name='ReportingPeriod',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('code', models.CharField(max_length=4, unique=True, verbose_name='mã')),
                    ('name', models.CharField(max_length=50, verbose_name='tên kỳ')),
                    ('order', models.PositiveSmallIntegerField(verbose_name='thứ tự')),
                    ('start_month', models.PositiveSmallIntegerField(verbose_name='tháng bắt đầu')),
                    ('start_day', models.PositiveSmallIntegerField(verbose_name='ngày bắt đầu')),
                    ('start_in_previous_year', models.BooleanField(default=False, verbose_name='bắt đầu từ năm trước')),
                    ('end_month', models.PositiveSmallIntegerField(verbose_name='tháng chốt số liệu')),
                    ('end_day', models.PositiveSmallIntegerField(verbose_name='ngày chốt số liệu')),
                    ('label', models.CharField(max_length=60, verbose_name='cách ghi trong báo cáo')),
                ],
                options={
                    'verbose_name': 'kỳ báo cáo',
                    'verbose_name_plural': 'kỳ báo cáo',
                    'db_table': 'reports_reportingperiod',
                    'ordering': ['order'],
                },
            ),
            ],
            database_operations=[],
        ),
    ]
