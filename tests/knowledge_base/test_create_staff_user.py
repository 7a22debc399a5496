"""manage.py create_staff_user: a curator or reviewer in one command, password checked."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from tests.factories import CuratorFactory, ReviewerFactory, UserFactory

PASSWORD = "hip-joint-review-2026"
PUBLISH = "conditions.publish_knowledgebaseversion"
EDIT_DRAFTS = "conditions.change_condition"

pytestmark = pytest.mark.django_db


@pytest.fixture
def password_in_environment(monkeypatch):
    monkeypatch.setenv("SYMPTOMCHECK_STAFF_PASSWORD", PASSWORD)


@pytest.fixture
def no_password_in_environment(monkeypatch):
    monkeypatch.delenv("SYMPTOMCHECK_STAFF_PASSWORD", raising=False)


@pytest.fixture
def terminal(monkeypatch, no_password_in_environment):
    """A terminal at which the given answers are typed to getpass, in order."""
    typed: list[str] = []
    monkeypatch.setattr("sys.stdin", _Terminal())
    monkeypatch.setattr("getpass.getpass", lambda prompt="": typed.pop(0))
    return typed


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def create(*arguments: str) -> str:
    output = io.StringIO()
    call_command("create_staff_user", *arguments, stdout=output)
    return output.getvalue()


def group_names(user: User) -> list[str]:
    return sorted(user.groups.values_list("name", flat=True))


@pytest.mark.usefixtures("password_in_environment")
def test_a_curator_is_staff_in_curators_and_edits_but_does_not_publish():
    output = create("ann", "--curator")

    user = User.objects.get(username="ann")
    assert user.is_staff
    assert user.is_active
    assert not user.is_superuser
    assert group_names(user) == ["Curators"]
    assert user.has_perm(EDIT_DRAFTS)
    assert not user.has_perm(PUBLISH)
    assert "Created curator 'ann'" in output


@pytest.mark.usefixtures("password_in_environment")
def test_a_reviewer_is_in_the_group_the_reviewer_factory_uses_and_can_publish():
    create("rob", "--reviewer", "--email", "rob@example.org")

    user = User.objects.get(username="rob")
    assert user.is_staff
    assert not user.is_superuser
    assert group_names(user) == group_names(ReviewerFactory()) == ["Reviewers"]
    assert user.has_perm(PUBLISH)
    assert user.has_perm(EDIT_DRAFTS)
    assert user.email == "rob@example.org"


@pytest.mark.usefixtures("password_in_environment")
def test_the_password_comes_from_the_environment():
    create("ann", "--curator")

    user = User.objects.get(username="ann")
    assert user.check_password(PASSWORD)


def test_without_the_environment_variable_the_password_is_typed_twice(terminal):
    terminal.extend([PASSWORD, PASSWORD])

    create("ann", "--curator")

    assert User.objects.get(username="ann").check_password(PASSWORD)
    assert terminal == []  # both prompts were answered


def test_two_different_passwords_typed_are_refused(terminal):
    terminal.extend([PASSWORD, PASSWORD + "x"])

    with pytest.raises(CommandError, match="The two passwords differ"):
        create("ann", "--curator")
    assert not User.objects.filter(username="ann").exists()


def test_typing_stopped_at_the_prompt_changes_nothing(monkeypatch, terminal):
    def interrupted(prompt=""):
        raise KeyboardInterrupt

    monkeypatch.setattr("getpass.getpass", interrupted)

    with pytest.raises(CommandError, match="No password typed"):
        create("ann", "--curator")
    assert not User.objects.filter(username="ann").exists()


def test_no_password_and_no_terminal_is_a_clear_error(monkeypatch, no_password_in_environment):
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    with pytest.raises(CommandError, match="set SYMPTOMCHECK_STAFF_PASSWORD"):
        create("ann", "--curator")


@pytest.mark.parametrize(
    ("password", "reason"),
    [
        ("short1", "too short"),
        ("password123", "too common"),
        ("83920174655", "entirely numeric"),
        ("ann-the-curator", "too similar to the username"),
    ],
)
def test_a_password_the_validators_refuse_is_named_in_one_line(monkeypatch, password, reason):
    monkeypatch.setenv("SYMPTOMCHECK_STAFF_PASSWORD", password)

    with pytest.raises(CommandError) as refused:
        create("ann-the-curator", "--curator")

    message = str(refused.value)
    assert message.startswith("The password is refused:")
    assert reason in message
    assert "\n" not in message
    assert not User.objects.filter(username="ann-the-curator").exists()


@pytest.mark.parametrize("flags", [(), ("--curator", "--reviewer")], ids=["no role", "both roles"])
@pytest.mark.usefixtures("password_in_environment")
def test_exactly_one_of_curator_and_reviewer_is_required(flags):
    with pytest.raises(CommandError, match=r"--curator"):
        create("ann", *flags)
    assert not User.objects.filter(username="ann").exists()


@pytest.mark.usefixtures("password_in_environment")
def test_a_name_already_taken_is_refused_and_the_user_left_unchanged():
    existing = UserFactory(username="ann", is_staff=False)

    with pytest.raises(CommandError, match=r"already exists.*--update"):
        create("ann", "--reviewer")

    existing.refresh_from_db()
    assert not existing.is_staff
    assert group_names(existing) == []
    assert not existing.check_password(PASSWORD)


@pytest.mark.usefixtures("password_in_environment")
def test_update_moves_a_curator_to_reviewer_and_resets_the_password():
    curator = CuratorFactory(username="ann")

    output = create("ann", "--reviewer", "--update")

    curator.refresh_from_db()
    assert group_names(curator) == ["Reviewers"]
    assert curator.check_password(PASSWORD)
    assert "Updated reviewer 'ann'" in output
    assert User.objects.filter(username="ann").count() == 1


@pytest.mark.usefixtures("password_in_environment")
def test_update_to_curator_takes_publishing_away():
    reviewer = ReviewerFactory(username="rob")

    create("rob", "--curator", "--update")

    reviewer = User.objects.get(pk=reviewer.pk)  # a fresh object: no cached permissions
    assert group_names(reviewer) == ["Curators"]
    assert not reviewer.has_perm(PUBLISH)


@pytest.mark.usefixtures("password_in_environment")
def test_an_invalid_user_name_is_refused():
    with pytest.raises(CommandError, match="not a valid user name"):
        create("ann smith", "--curator")
