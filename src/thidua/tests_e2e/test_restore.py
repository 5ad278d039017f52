import pytest


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_the_demo_world(transactional_demo):
    """Runs among the transactional tests (pytest-django orders them last): the demo world and an intact audit
    chain are there whether it runs before or after the browser test, which proves the restore after a flush."""
    from thidua.core.audit import audit_verify
    from thidua.organisations.models import ClusterYear

    assert ClusterYear.objects.filter(cluster__code="TPTW").count() >= 5
    assert audit_verify().ok
