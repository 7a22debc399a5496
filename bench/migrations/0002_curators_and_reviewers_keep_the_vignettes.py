"""Curators and reviewers keep the clinical vignettes: view, add, change and delete them.

The groups are those of conditions' migration 0003; this adds the vignettes' permissions to them.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

PERMISSIONS = tuple(
    f"{action}_clinicalvignette" for action in ("view", "add", "change", "delete")
)
GROUPS = ("Curators", "Reviewers")


def grant(apps, schema_editor):
    # Permissions are normally created after all migrations have run; on a fresh database they
    # do not exist yet, so they are created here first.
    app_config = apps.get_app_config("bench")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="bench", codename__in=PERMISSIONS
    )
    missing = set(PERMISSIONS) - set(permissions.values_list("codename", flat=True))
    if missing:
        raise RuntimeError(f"Permissions missing for the clinical vignettes: {sorted(missing)}")
    for name in GROUPS:
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = Permission.objects.filter(
        content_type__app_label="bench", codename__in=PERMISSIONS
    )
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.remove(*permissions)


class Migration(migrations.Migration):
    dependencies = [
        ("bench", "0001_initial"),
        ("conditions", "0003_curator_and_reviewer_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
