"""The two roles of the knowledge base, as groups.

Curators edit the draft rows. Reviewers do everything curators do, and publish a version (they
can also see the published versions). Nobody can add, change or delete a published version.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

DRAFT_MODELS = (
    "reference",
    "ageband",
    "scoringpolicy",
    "finding",
    "condition",
    "conditionprior",
    "durationevidence",
    "evidence",
    "redflagrule",
    "redflagcriterion",
)
CURATOR_PERMISSIONS = tuple(
    f"{action}_{model}" for model in DRAFT_MODELS for action in ("view", "add", "change", "delete")
)
REVIEWER_PERMISSIONS = (
    *CURATOR_PERMISSIONS,
    "view_knowledgebaseversion",
    "publish_knowledgebaseversion",
)
GROUPS = {"Curators": CURATOR_PERMISSIONS, "Reviewers": REVIEWER_PERMISSIONS}


def create_groups(apps, schema_editor):
    # Permissions are normally created after all migrations have run; on a fresh database they
    # do not exist yet, so they are created here first.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        permissions = Permission.objects.filter(
            content_type__app_label="conditions", codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise RuntimeError(f"Permissions missing for group {name}: {sorted(missing)}")
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0002_database_triggers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
