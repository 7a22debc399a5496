"""The result page (issue 14): its thresholds as data in the scoring policy, with their source, and
each finding's statements for a yes and a no (the reasons a person reads).

``fits_probability`` (listed from), ``fits_well_probability`` (fits well from) and
``reason_likelihood_ratio`` (an answer is a reason from this likelihood ratio, or its inverse)
were constants of questionnaire/presentation.py (0.10 and 0.40); the ratio is new. The existing
policy row keeps those figures, marked as an expert estimate.
"""

import django.db.models.deletion
from django.db import migrations, models

EXISTING_NOTE = (
    "Expert estimate: the figures the result page used as constants before issue 14 "
    "(fits partly from 0.10 = plausible_probability, triage-policy.md §2; fits well from 0.40); "
    "an answer is a reason when its likelihood ratio is 2 or more, or 0.5 or less."
)


def source_existing_policy(apps, schema_editor):
    apps.get_model("conditions", "ScoringPolicy").objects.update(
        result_thresholds_note=EXISTING_NOTE
    )


class Migration(migrations.Migration):
    dependencies = [
        ("conditions", "0008_source_review"),
    ]

    operations = [
        migrations.AddField(
            model_name="finding",
            name="statement_no",
            field=models.TextField(
                blank=True,
                help_text="What a no says, as the result page gives it as a reason: “You do not have stiffness in the morning”. Empty: the question and the answer.",
                verbose_name="statement for a no",
            ),
        ),
        migrations.AddField(
            model_name="finding",
            name="statement_yes",
            field=models.TextField(
                blank=True,
                help_text="What a yes says, as the result page gives it as a reason, addressed to the person: “You have had a red rash across your cheeks”. Empty: the question and the answer.",
                verbose_name="statement for a yes",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="statement_no",
            field=models.TextField(
                blank=True,
                help_text="What a no says, as the result page gives it as a reason: “You do not have stiffness in the morning”. Empty: the question and the answer.",
                verbose_name="statement for a no",
            ),
        ),
        migrations.AddField(
            model_name="historicalfinding",
            name="statement_yes",
            field=models.TextField(
                blank=True,
                help_text="What a yes says, as the result page gives it as a reason, addressed to the person: “You have had a red rash across your cheeks”. Empty: the question and the answer.",
                verbose_name="statement for a yes",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="fits_probability",
            field=models.FloatField(
                default=0.1,
                help_text="A condition is listed on the result page when it is ranked first or at or above this likelihood (“fits your answers partly”); below it, only when ranked first (“fits your answers a little”). Write 0.10 for 10 %.",
                verbose_name="listed from",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="fits_well_probability",
            field=models.FloatField(
                default=0.4,
                help_text="At or above this likelihood a listed condition “fits your answers well”. Write 0.40 for 40 %.",
                verbose_name="fits well from",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="reason_likelihood_ratio",
            field=models.FloatField(
                default=2.0,
                help_text="An answer is given as a reason for or against a condition when it multiplies the odds by at least this (for) or at most its inverse (against): 2 shows answers with a likelihood ratio of 2 or more, or 0.5 or less. At least 1.",
                verbose_name="reason from likelihood ratio",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="result_thresholds_expert_estimate",
            field=models.BooleanField(
                default=True,
                help_text="Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="result_thresholds_note",
            field=models.TextField(
                blank=True,
                help_text="For curators: anchoring sources, ranges, caveats. Patients never see it.",
            ),
        ),
        migrations.AddField(
            model_name="historicalscoringpolicy",
            name="result_thresholds_reference",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="The main study or guideline this number comes from. Leave empty only for an expert estimate.",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="conditions.reference",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="fits_probability",
            field=models.FloatField(
                default=0.1,
                help_text="A condition is listed on the result page when it is ranked first or at or above this likelihood (“fits your answers partly”); below it, only when ranked first (“fits your answers a little”). Write 0.10 for 10 %.",
                verbose_name="listed from",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="fits_well_probability",
            field=models.FloatField(
                default=0.4,
                help_text="At or above this likelihood a listed condition “fits your answers well”. Write 0.40 for 40 %.",
                verbose_name="fits well from",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="reason_likelihood_ratio",
            field=models.FloatField(
                default=2.0,
                help_text="An answer is given as a reason for or against a condition when it multiplies the odds by at least this (for) or at most its inverse (against): 2 shows answers with a likelihood ratio of 2 or more, or 0.5 or less. At least 1.",
                verbose_name="reason from likelihood ratio",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="result_thresholds_expert_estimate",
            field=models.BooleanField(
                default=True,
                help_text="Tick when no study gives this number directly (the clinical files say “est.” or “expert estimate”). It may still be anchored on the reference.",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="result_thresholds_note",
            field=models.TextField(
                blank=True,
                help_text="For curators: anchoring sources, ranges, caveats. Patients never see it.",
            ),
        ),
        migrations.AddField(
            model_name="scoringpolicy",
            name="result_thresholds_reference",
            field=models.ForeignKey(
                blank=True,
                help_text="The main study or guideline this number comes from. Leave empty only for an expert estimate.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="conditions.reference",
            ),
        ),
        migrations.RunPython(source_existing_policy, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="scoringpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("fits_probability__gte", 0), ("fits_probability__lte", 1)),
                name="scoringpolicy_fits_probability_is_a_probability",
                violation_error_message="The likelihood from which a condition is listed must be a probability from 0 to 1 (write 0.35 for 35 %%).",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("fits_well_probability__gte", 0), ("fits_well_probability__lte", 1)
                ),
                name="scoringpolicy_fits_well_probability_is_a_probability",
                violation_error_message="The likelihood from which a condition fits well must be a probability from 0 to 1 (write 0.35 for 35 %%).",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("fits_well_probability__gte", models.F("fits_probability"))),
                name="scoringpolicy_fits_well_not_below_fits",
                violation_error_message="“Fits well from” must not be below “listed from”: a condition that fits well is one that is listed.",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("reason_likelihood_ratio__gte", 1)),
                name="scoringpolicy_reason_likelihood_ratio_at_least_1",
                violation_error_message="The likelihood ratio from which an answer is a reason must be at least 1 (2 shows answers that double or halve the odds).",
            ),
        ),
        migrations.AddConstraint(
            model_name="scoringpolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("result_thresholds_reference__isnull", False),
                    ("result_thresholds_expert_estimate", True),
                    _connector="OR",
                ),
                name="scoringpolicy_result_thresholds_are_sourced",
                violation_error_message="The result page's thresholds needs a source: choose the reference it comes from, or tick “expert estimate” when no study gives the number directly (both is fine).",
            ),
        ),
    ]
