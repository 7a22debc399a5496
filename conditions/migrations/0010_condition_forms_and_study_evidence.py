"""A condition as a mixture of its forms, and evidence from studies of the same complaint.

``ConditionForm``: a distinct form of a condition with its share of the cases (shares add up to
1, checked at publish) and, in ``FormEvidence``, its own evidence rows. ``Evidence.specificity``
(and the form rows'): from a study of people with hip pain, the probability is the study's
sensitivity and 1 − specificity replaces the finding's baseline. Both new models keep their
history; Curators and Reviewers may view, add, change and delete them like the other drafts
(migration 0003).
"""

import django.db.models.deletion
import django.db.models.expressions
import simple_history.models
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

NEW_DRAFT_MODELS = ("conditionform", "formevidence")
NEW_PERMISSIONS = tuple(
    f"{action}_{model}"
    for model in NEW_DRAFT_MODELS
    for action in ("view", "add", "change", "delete")
)
GROUPS = ("Curators", "Reviewers")


def grant_the_curation_groups(apps, schema_editor):
    # As in migration 0003: on a fresh database the permissions do not exist yet.
    app_config = apps.get_app_config("conditions")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permissions = list(
        Permission.objects.filter(
            content_type__app_label="conditions", codename__in=NEW_PERMISSIONS
        )
    )
    missing = set(NEW_PERMISSIONS) - {permission.codename for permission in permissions}
    if missing:
        raise RuntimeError(f"Permissions missing: {sorted(missing)}")
    for group in Group.objects.filter(name__in=GROUPS):
        group.permissions.add(*permissions)


def revoke_the_curation_groups(apps, schema_editor):
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name__in=GROUPS):
        group.permissions.remove(
            *Permission.objects.filter(
                content_type__app_label="conditions", codename__in=NEW_PERMISSIONS
            )
        )


class Migration(migrations.Migration):

    dependencies = [
        ('conditions', '0009_result_page_thresholds_and_statements'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ConditionForm',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('expert_estimate', models.BooleanField(default=False, help_text='Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.')),
                ('note', models.TextField(blank=True, help_text='For curators: anchoring sources, ranges, caveats. Patients never see it.')),
                ('source_needs_review', models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated')),
                ('code', models.CharField(help_text='Stable code, unique within the condition, e.g. enthesitis_related.', max_length=60)),
                ('name', models.CharField(help_text='Everyday name, e.g. “Enthesitis-related arthritis”.', max_length=200)),
                ('description', models.TextField(blank=True, help_text='One line a person reads, in plain words, e.g. “The type that affects where tendons attach and the lower back, mostly in older boys.”')),
                ('share', models.FloatField(help_text="Share of the condition's cases that are this form, strictly between 0 and 1 (write 0.15 for 15 %). The shares of a condition's forms add up to 1.")),
            ],
            options={
                'verbose_name': 'condition form',
                'ordering': ['condition__code', 'code'],
            },
        ),
        migrations.CreateModel(
            name='FormEvidence',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('expert_estimate', models.BooleanField(default=False, help_text='Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.')),
                ('note', models.TextField(blank=True, help_text='For curators: anchoring sources, ranges, caveats. Patients never see it.')),
                ('source_needs_review', models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated')),
                ('population', models.CharField(choices=[('all', 'Everyone'), ('adult', 'Adults (16 and over)'), ('child', 'Children (under 16)')], default='all', help_text='A row for adults or children wins over the row for everyone.', max_length=10)),
                ('probability', models.FloatField(help_text="P(yes | this condition), strictly between 0 and 1 (write 0.35 for 35 %). From a study of people with hip pain that gives a specificity too, this is the study's sensitivity.")),
                ('specificity', models.FloatField(blank=True, help_text="Only for a figure from a study of people with the same complaint (hip pain) that reports sensitivity and specificity; empty otherwise. The probability is then the study's sensitivity, P(yes | this condition), and this its specificity, P(no | other causes of hip pain), strictly between 0 and 1: 1 − specificity is used instead of the finding's baseline. A yes multiplies the odds by LR+ = sensitivity / (1 − specificity), a no by LR− = (1 − sensitivity) / specificity; the sensitivity must be above 1 − specificity.", null=True)),
            ],
            options={
                'verbose_name': 'form evidence',
                'verbose_name_plural': 'form evidence',
                'ordering': ['form__condition__code', 'form__code', 'finding__code', 'population'],
            },
        ),
        migrations.CreateModel(
            name='HistoricalConditionForm',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('expert_estimate', models.BooleanField(default=False, help_text='Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.')),
                ('note', models.TextField(blank=True, help_text='For curators: anchoring sources, ranges, caveats. Patients never see it.')),
                ('source_needs_review', models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated')),
                ('code', models.CharField(help_text='Stable code, unique within the condition, e.g. enthesitis_related.', max_length=60)),
                ('name', models.CharField(help_text='Everyday name, e.g. “Enthesitis-related arthritis”.', max_length=200)),
                ('description', models.TextField(blank=True, help_text='One line a person reads, in plain words, e.g. “The type that affects where tendons attach and the lower back, mostly in older boys.”')),
                ('share', models.FloatField(help_text="Share of the condition's cases that are this form, strictly between 0 and 1 (write 0.15 for 15 %). The shares of a condition's forms add up to 1.")),
                ('history_change_reason', models.TextField(null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical condition form',
                'verbose_name_plural': 'historical condition forms',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='HistoricalFormEvidence',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('expert_estimate', models.BooleanField(default=False, help_text='Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.')),
                ('note', models.TextField(blank=True, help_text='For curators: anchoring sources, ranges, caveats. Patients never see it.')),
                ('source_needs_review', models.BooleanField(default=False, editable=False, help_text='Set when a figure changed while its reference, expert-estimate mark and note did not (in the admin or a spreadsheet import); cleared when the source is updated or a curator confirms it still supports the figure. For curators only: never exported or published.', verbose_name='source not updated')),
                ('population', models.CharField(choices=[('all', 'Everyone'), ('adult', 'Adults (16 and over)'), ('child', 'Children (under 16)')], default='all', help_text='A row for adults or children wins over the row for everyone.', max_length=10)),
                ('probability', models.FloatField(help_text="P(yes | this condition), strictly between 0 and 1 (write 0.35 for 35 %). From a study of people with hip pain that gives a specificity too, this is the study's sensitivity.")),
                ('specificity', models.FloatField(blank=True, help_text="Only for a figure from a study of people with the same complaint (hip pain) that reports sensitivity and specificity; empty otherwise. The probability is then the study's sensitivity, P(yes | this condition), and this its specificity, P(no | other causes of hip pain), strictly between 0 and 1: 1 − specificity is used instead of the finding's baseline. A yes multiplies the odds by LR+ = sensitivity / (1 − specificity), a no by LR− = (1 − sensitivity) / specificity; the sensitivity must be above 1 − specificity.", null=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
            ],
            options={
                'verbose_name': 'historical form evidence',
                'verbose_name_plural': 'historical form evidence',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddField(
            model_name='evidence',
            name='specificity',
            field=models.FloatField(blank=True, help_text="Only for a figure from a study of people with the same complaint (hip pain) that reports sensitivity and specificity; empty otherwise. The probability is then the study's sensitivity, P(yes | this condition), and this its specificity, P(no | other causes of hip pain), strictly between 0 and 1: 1 − specificity is used instead of the finding's baseline. A yes multiplies the odds by LR+ = sensitivity / (1 − specificity), a no by LR− = (1 − sensitivity) / specificity; the sensitivity must be above 1 − specificity.", null=True),
        ),
        migrations.AddField(
            model_name='historicalevidence',
            name='specificity',
            field=models.FloatField(blank=True, help_text="Only for a figure from a study of people with the same complaint (hip pain) that reports sensitivity and specificity; empty otherwise. The probability is then the study's sensitivity, P(yes | this condition), and this its specificity, P(no | other causes of hip pain), strictly between 0 and 1: 1 − specificity is used instead of the finding's baseline. A yes multiplies the odds by LR+ = sensitivity / (1 − specificity), a no by LR− = (1 − sensitivity) / specificity; the sensitivity must be above 1 − specificity.", null=True),
        ),
        migrations.AlterField(
            model_name='evidence',
            name='probability',
            field=models.FloatField(help_text="P(yes | this condition), strictly between 0 and 1 (write 0.35 for 35 %). From a study of people with hip pain that gives a specificity too, this is the study's sensitivity."),
        ),
        migrations.AlterField(
            model_name='historicalevidence',
            name='probability',
            field=models.FloatField(help_text="P(yes | this condition), strictly between 0 and 1 (write 0.35 for 35 %). From a study of people with hip pain that gives a specificity too, this is the study's sensitivity."),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(('specificity__gt', 0), ('specificity__lt', 1)), name='evidence_specificity_is_a_probability', violation_error_message='The specificity must be a probability strictly between 0 and 1 (write 0.35 for 35 %%). 0 or 1 would make the answer impossible or certain, which no study supports.'),
        ),
        migrations.AddConstraint(
            model_name='evidence',
            constraint=models.CheckConstraint(condition=models.Q(('specificity__isnull', True), ('probability__gt', django.db.models.expressions.CombinedExpression(models.Value(1), '-', models.F('specificity'))), _connector='OR'), name='evidence_study_yes_speaks_for_the_condition', violation_error_message='The sensitivity (the probability) is not above 1 − specificity, so a yes would make the condition less likely although the study reports it as a sign of it (LR+ would be 1 or less). Check both figures against the study.'),
        ),
        migrations.AddField(
            model_name='conditionform',
            name='condition',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='forms', to='conditions.condition'),
        ),
        migrations.AddField(
            model_name='conditionform',
            name='reference',
            field=models.ForeignKey(blank=True, help_text='The main study or guideline this number comes from. Leave empty only for an expert estimate.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conditions.reference'),
        ),
        migrations.AddField(
            model_name='formevidence',
            name='finding',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='form_evidence', to='conditions.finding'),
        ),
        migrations.AddField(
            model_name='formevidence',
            name='form',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='evidence', to='conditions.conditionform'),
        ),
        migrations.AddField(
            model_name='formevidence',
            name='reference',
            field=models.ForeignKey(blank=True, help_text='The main study or guideline this number comes from. Leave empty only for an expert estimate.', null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='conditions.reference'),
        ),
        migrations.AddField(
            model_name='historicalconditionform',
            name='condition',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conditions.condition'),
        ),
        migrations.AddField(
            model_name='historicalconditionform',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalconditionform',
            name='reference',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The main study or guideline this number comes from. Leave empty only for an expert estimate.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conditions.reference'),
        ),
        migrations.AddField(
            model_name='historicalformevidence',
            name='finding',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conditions.finding'),
        ),
        migrations.AddField(
            model_name='historicalformevidence',
            name='form',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conditions.conditionform'),
        ),
        migrations.AddField(
            model_name='historicalformevidence',
            name='history_user',
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='historicalformevidence',
            name='reference',
            field=models.ForeignKey(blank=True, db_constraint=False, help_text='The main study or guideline this number comes from. Leave empty only for an expert estimate.', null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='conditions.reference'),
        ),
        migrations.AddConstraint(
            model_name='conditionform',
            constraint=models.CheckConstraint(condition=models.Q(('code__regex', '^[a-z][a-z0-9_]*$')), name='conditionform_code_format', violation_error_message='The form code must start with a lower-case letter and use only lower-case letters, digits and underscores, for example rheumatoid_arthritis.'),
        ),
        migrations.AddConstraint(
            model_name='conditionform',
            constraint=models.UniqueConstraint(fields=('condition', 'code'), name='conditionform_one_per_condition_code', violation_error_message='This condition already has a form with this code.'),
        ),
        migrations.AddConstraint(
            model_name='conditionform',
            constraint=models.CheckConstraint(condition=models.Q(('share__gt', 0), ('share__lt', 1)), name='conditionform_share_is_a_share', violation_error_message="The share of a form must be strictly between 0 and 1 (write 0.15 for 15 %%): a form with every case or none is not a form. The shares of a condition's forms add up to 1."),
        ),
        migrations.AddConstraint(
            model_name='conditionform',
            constraint=models.CheckConstraint(condition=models.Q(('reference__isnull', False), ('expert_estimate', True), _connector='OR'), name='conditionform_is_sourced', violation_error_message='The share needs a source: choose the reference it comes from, or tick “expert estimate” when no study gives the number directly (both is fine).'),
        ),
        migrations.AddConstraint(
            model_name='formevidence',
            constraint=models.UniqueConstraint(fields=('form', 'finding', 'population'), name='formevidence_one_per_form_finding_population', violation_error_message='This form already has a figure for this finding and population.'),
        ),
        migrations.AddConstraint(
            model_name='formevidence',
            constraint=models.CheckConstraint(condition=models.Q(('probability__gt', 0), ('probability__lt', 1)), name='formevidence_probability_is_a_probability', violation_error_message='The probability must be a probability strictly between 0 and 1 (write 0.35 for 35 %%). 0 or 1 would make the answer impossible or certain, which no study supports.'),
        ),
        migrations.AddConstraint(
            model_name='formevidence',
            constraint=models.CheckConstraint(condition=models.Q(('specificity__gt', 0), ('specificity__lt', 1)), name='formevidence_specificity_is_a_probability', violation_error_message='The specificity must be a probability strictly between 0 and 1 (write 0.35 for 35 %%). 0 or 1 would make the answer impossible or certain, which no study supports.'),
        ),
        migrations.AddConstraint(
            model_name='formevidence',
            constraint=models.CheckConstraint(condition=models.Q(('specificity__isnull', True), ('probability__gt', django.db.models.expressions.CombinedExpression(models.Value(1), '-', models.F('specificity'))), _connector='OR'), name='formevidence_study_yes_speaks_for_the_condition', violation_error_message='The sensitivity (the probability) is not above 1 − specificity, so a yes would make the condition less likely although the study reports it as a sign of it (LR+ would be 1 or less). Check both figures against the study.'),
        ),
        migrations.AddConstraint(
            model_name='formevidence',
            constraint=models.CheckConstraint(condition=models.Q(('reference__isnull', False), ('expert_estimate', True), _connector='OR'), name='formevidence_is_sourced', violation_error_message='The probability needs a source: choose the reference it comes from, or tick “expert estimate” when no study gives the number directly (both is fine).'),
        ),
        migrations.RunPython(grant_the_curation_groups, revoke_the_curation_groups),
    ]
