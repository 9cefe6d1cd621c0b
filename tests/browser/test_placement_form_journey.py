"""The placement form offers the chosen mentor's workshops only (issue 13), at a phone's width."""

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Partnership
from tests import builders
from tests.browser.steps import sign_in
from tests.builders_placements import world

pytestmark = pytest.mark.browser


def test_choosing_a_mentor_leaves_only_that_enterprises_workshops(page: Page, live_server):
    w = world()
    other = builders.mentor()
    db.session.add(Partnership(college_id=w.coordinator.college_id,
                               enterprise_id=other.enterprise_id))
    db.session.commit()
    ours = w.mentor.mentor_profile.department
    theirs = other.mentor_profile.department
    page.set_viewport_size({"width": 360, "height": 780})
    sign_in(page, live_server, w.coordinator.email, name=w.coordinator.full_name)
    page.goto(f"{live_server}/placements/new")
    workshop = page.get_by_label("Цех / отдел")
    # Before a mentor is chosen, every partner's workshops are offered, grouped by enterprise.
    expect(workshop.locator(f'option[value="{theirs.id}"]')).to_be_enabled()
    workshop.select_option(str(theirs.id))
    page.get_by_label("Наставник").select_option(str(w.mentor.id))
    expect(workshop.locator(f'option[value="{theirs.id}"]')).to_be_disabled()
    expect(workshop.locator(f'option[value="{ours.id}"]')).to_be_enabled()
    expect(workshop).to_have_value("")  # the other enterprise's workshop was let go
    workshop.select_option(str(ours.id))
    page.get_by_label("Наставник").select_option(str(other.id))
    expect(workshop.locator(f'option[value="{ours.id}"]')).to_be_disabled()
    expect(workshop.locator(f'option[value="{theirs.id}"]')).to_be_enabled()
