"""Load the catalogue, base salary and holidays from data/*.yaml (data migration)."""

from django.db import migrations


def load(apps, schema_editor):
    from thidua.awards.catalogue import sync_catalogue

    sync_catalogue(apps.get_model("awards", "AwardType"), apps.get_model("awards", "BaseSalary"),
                   apps.get_model("awards", "Holiday"))


class Migration(migrations.Migration):
    dependencies = [("awards", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
