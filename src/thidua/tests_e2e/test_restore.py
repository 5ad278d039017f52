import pytest


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_demo_world(transactional_demo):
    """Runs among the transactional tests (pytest-django orders them last): the demo world and an intact audit
    chain are there whether it runs before or after the other transactional tests, which proves the restore
    after a flush (PostgreSQL: the snapshot of every table and sequence; SQLite: reference data and demo)."""
    from django.contrib.contenttypes.models import ContentType

    from thidua.accounts.models import User
    from thidua.core.audit import audit_verify
    from thidua.organisations.models import ClusterYear, Unit

    assert ClusterYear.objects.filter(cluster__code="TPTW").count() >= 5
    assert audit_verify().ok
    assert User.objects.filter(username="admin", is_active=True).exists()
    # Cached content types point at rows that exist; sequences are past every restored id.
    assert ContentType.objects.filter(pk=ContentType.objects.get_for_model(ClusterYear).pk).exists()
    assert Unit.objects.create(code="TEST-RESTORE").pk > max(Unit.objects.exclude(code="TEST-RESTORE")
                                                             .values_list("pk", flat=True))
