"""Invariants a CHECK constraint cannot express, enforced by PostgreSQL triggers.

1. A red-flag rule names at least one finding required present or in "any of"; otherwise it
   would fire for almost everyone. The rule and its findings are written one after the other, so
   the check is a DEFERRABLE INITIALLY DEFERRED constraint trigger: it runs at commit.
2. A published knowledge-base version is never updated or deleted: it is the record of what
   patients were shown.
"""

from django.db import migrations

RED_FLAG_RULE_NAMES_A_FINDING = """
CREATE FUNCTION conditions_red_flag_rule_names_a_finding() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    checked_rule_id bigint;
    checked_rule_code text;
BEGIN
    IF TG_TABLE_NAME = 'conditions_redflagrule' THEN
        checked_rule_id := NEW.id;
    ELSE
        checked_rule_id := OLD.rule_id;
    END IF;
    -- A rule deleted in the same transaction takes its findings with it: nothing to check.
    SELECT code INTO checked_rule_code FROM conditions_redflagrule WHERE id = checked_rule_id;
    IF FOUND AND NOT EXISTS (
        SELECT 1 FROM conditions_redflagcriterion
        WHERE rule_id = checked_rule_id AND requirement IN ('present', 'any_of')
    ) THEN
        RAISE EXCEPTION USING
            ERRCODE = 'check_violation',
            CONSTRAINT = 'redflagrule_names_a_finding',
            MESSAGE = format(
                'Red-flag rule %s names no finding that must be answered yes ' ||
                'or belongs to "any of".',
                checked_rule_code
            ),
            HINT = 'Add a finding with requirement "present" or "any_of" to the rule.';
    END IF;
    RETURN NULL;
END;
$$;

CREATE CONSTRAINT TRIGGER redflagrule_names_a_finding
    AFTER INSERT OR UPDATE ON conditions_redflagrule
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION conditions_red_flag_rule_names_a_finding();

CREATE CONSTRAINT TRIGGER redflagcriterion_keeps_rule_naming_a_finding
    AFTER UPDATE OR DELETE ON conditions_redflagcriterion
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION conditions_red_flag_rule_names_a_finding();
"""

DROP_RED_FLAG_RULE_NAMES_A_FINDING = """
DROP TRIGGER redflagcriterion_keeps_rule_naming_a_finding ON conditions_redflagcriterion;
DROP TRIGGER redflagrule_names_a_finding ON conditions_redflagrule;
DROP FUNCTION conditions_red_flag_rule_names_a_finding();
"""

KNOWLEDGE_BASE_VERSION_IS_IMMUTABLE = """
CREATE FUNCTION conditions_knowledge_base_version_is_immutable() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        ERRCODE = 'restrict_violation',
        CONSTRAINT = 'knowledgebaseversion_is_immutable',
        MESSAGE = format(
            'Knowledge-base version %s is published and cannot be changed or deleted; ' ||
            'publish a new version.',
            OLD.number
        );
END;
$$;

CREATE TRIGGER knowledgebaseversion_is_immutable
    BEFORE UPDATE OR DELETE ON conditions_knowledgebaseversion
    FOR EACH ROW EXECUTE FUNCTION conditions_knowledge_base_version_is_immutable();
"""

DROP_KNOWLEDGE_BASE_VERSION_IS_IMMUTABLE = """
DROP TRIGGER knowledgebaseversion_is_immutable ON conditions_knowledgebaseversion;
DROP FUNCTION conditions_knowledge_base_version_is_immutable();
"""


class Migration(migrations.Migration):
    dependencies = [("conditions", "0001_initial")]

    operations = [
        migrations.RunSQL(RED_FLAG_RULE_NAMES_A_FINDING, DROP_RED_FLAG_RULE_NAMES_A_FINDING),
        migrations.RunSQL(
            KNOWLEDGE_BASE_VERSION_IS_IMMUTABLE, DROP_KNOWLEDGE_BASE_VERSION_IS_IMMUTABLE
        ),
    ]
