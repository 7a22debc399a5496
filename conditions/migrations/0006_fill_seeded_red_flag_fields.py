"""Fill the new red-flag fields of the seeded rules in existing drafts (migration 0005).

A database that already holds a knowledge base keeps it (the curated drafts are the source of
truth): this only gives the seeded rules, where they exist with an empty concern, the concern,
the message for unanswered warning signs and the qualifiers of knowledge/red-flags.yaml, and
asks the warning signs people know as yes / no. Nothing is published: a reviewer publishes the
drafts as usual, after seeing the change.
"""

from django.db import migrations

SEEDED_RULES = {
    "adolescent_limp_groin_or_knee": {
        "cap_unless_ranked_first": False,
        "concern": "the top of the thigh bone starting to slip at "
        "its growth plate (slipped capital femoral "
        "epiphysis)",
        "concern_conditions": ["slipped_capital_femoral_epiphysis"],
        "if_unanswered": "If you are limping and have pain in the "
        "groin, thigh or knee, see a doctor today.",
        "qualifier_absent": [],
    },
    "adolescent_unable_to_bear_weight": {
        "cap_unless_ranked_first": False,
        "concern": "a slipped growth plate at the top of the "
        "thigh bone (unstable slipped capital femoral "
        "epiphysis)",
        "concern_conditions": ["slipped_capital_femoral_epiphysis"],
        "if_unanswered": "If you cannot stand or put weight on "
        "the leg, call 999 or go to A&E now, "
        "and do not put weight on it.",
        "qualifier_absent": [],
    },
    "adult_fever": {
        "cap_unless_ranked_first": True,
        "concern": "an infection in the joint, or an illness affecting the whole body",
        "concern_conditions": ["septic_arthritis"],
        "if_unanswered": "If you have a high temperature or feel hot and shivery, see "
        "a doctor today; if you also cannot stand on the leg, go to "
        "A&E now.",
        "qualifier_absent": ["unable_to_bear_weight"],
    },
    "cancer_history_night_pain_or_weight_loss": {
        "cap_unless_ranked_first": False,
        "concern": "a cancer that may have spread to the bone",
        "concern_conditions": ["malignancy"],
        "if_unanswered": "If you have had cancer and "
        "have pain at night or are "
        "losing weight without trying, "
        "see a doctor within a few "
        "days.",
        "qualifier_absent": [],
    },
    "child_fever_hip_pain": {
        "cap_unless_ranked_first": False,
        "concern": "an infection in the hip joint or bone (septic arthritis or osteomyelitis)",
        "concern_conditions": ["septic_arthritis"],
        "if_unanswered": "If your child has a high temperature or feels hot "
        "and shivery, go to A&E now.",
        "qualifier_absent": [],
    },
    "child_under_10_limp": {
        "cap_unless_ranked_first": False,
        "concern": "an infection or another hip problem that needs checking the same day",
        "concern_conditions": [],
        "if_unanswered": "If your child is limping, see a doctor today.",
        "qualifier_absent": [],
    },
    "child_under_3_limp": {
        "cap_unless_ranked_first": False,
        "concern": "an infection or another hip problem that needs checking the same day",
        "concern_conditions": [],
        "if_unanswered": "If your child is limping or does not want to walk, see a doctor today.",
        "qualifier_absent": [],
    },
    "fever_unable_to_bear_weight": {
        "cap_unless_ranked_first": False,
        "concern": "an infection in the hip joint (septic arthritis)",
        "concern_conditions": ["septic_arthritis"],
        "if_unanswered": "If you have a high temperature or feel hot "
        "and shivery, and cannot stand or put weight "
        "on the leg, call 999 or go to A&E now.",
        "qualifier_absent": [],
    },
    "gca_headache_or_jaw": {
        "cap_unless_ranked_first": False,
        "concern": "swollen blood vessels in the head (giant cell arteritis), "
        "which can harm eyesight",
        "concern_conditions": [],
        "if_unanswered": "If you have a new headache, a sore scalp or jaw "
        "pain when chewing, see a doctor today.",
        "qualifier_absent": [],
    },
    "older_adult_trauma": {
        "cap_unless_ranked_first": False,
        "concern": "a broken hip that may not show at first",
        "concern_conditions": ["hip_fracture"],
        "if_unanswered": "If you have had a fall or injury, see a doctor today "
        "even if you can walk; if you cannot stand on the "
        "leg, call 999.",
        "qualifier_absent": ["unable_to_bear_weight"],
    },
    "older_adult_weight_loss_and_night_pain": {
        "cap_unless_ranked_first": False,
        "concern": "a serious cause such as cancer or myeloma",
        "concern_conditions": ["malignancy"],
        "if_unanswered": "If you are losing weight without "
        "trying and have pain at night, "
        "see a doctor within a few days.",
        "qualifier_absent": [],
    },
    "saddle_numbness": {
        "cap_unless_ranked_first": False,
        "concern": "pressure on the nerves at the base of the spine (cauda equina syndrome)",
        "concern_conditions": [],
        "if_unanswered": "If you have numbness between your legs or around your "
        "bottom, or new problems holding in or passing pee or "
        "poo, call 999 or go to A&E now.",
        "qualifier_absent": [],
    },
    "trauma_unable_to_bear_weight": {
        "cap_unless_ranked_first": False,
        "concern": "a broken hip",
        "concern_conditions": ["hip_fracture"],
        "if_unanswered": "If you have had a fall or injury and "
        "cannot stand or put weight on the leg, "
        "call 999 for an ambulance, or go to A&E "
        "now.",
        "qualifier_absent": [],
    },
}

YES_NO_ONLY = [
    "limp",
    "new_headache_or_jaw_pain",
    "recent_trauma",
    "saddle_numbness_or_bladder_change",
    "unable_to_bear_weight",
]


def fill_seeded_rules(apps, schema_editor):
    RedFlagRule = apps.get_model("conditions", "RedFlagRule")
    RedFlagCriterion = apps.get_model("conditions", "RedFlagCriterion")
    Condition = apps.get_model("conditions", "Condition")
    Finding = apps.get_model("conditions", "Finding")
    for rule in RedFlagRule.objects.filter(code__in=SEEDED_RULES, concern=""):
        seeded = SEEDED_RULES[rule.code]
        rule.concern = seeded["concern"]
        rule.if_unanswered = seeded["if_unanswered"]
        rule.cap_unless_ranked_first = seeded["cap_unless_ranked_first"]
        rule.save()
        rule.concern_conditions.set(Condition.objects.filter(code__in=seeded["concern_conditions"]))
        for finding in Finding.objects.filter(code__in=seeded["qualifier_absent"]):
            RedFlagCriterion.objects.get_or_create(
                rule=rule, finding=finding, defaults={"requirement": "qualifier_absent"}
            )
    for rule in RedFlagRule.objects.filter(if_unanswered=""):
        rule.if_unanswered = rule.message
        rule.save()
    Finding.objects.filter(code__in=YES_NO_ONLY).update(allows_not_sure=False)


class Migration(migrations.Migration):
    dependencies = [("conditions", "0005_red_flag_rules_as_floors")]

    operations = [migrations.RunPython(fill_seeded_rules, migrations.RunPython.noop)]
