"""The registration's data-quality checks: each one fires on a household that breaks its rule
and stays quiet on one that keeps it, and a subtree's warnings never reach outside it."""

import datetime
import itertools
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from fupin.lib.ids import make_resident_id
from fupin.registry import actions
from fupin.registry.models import Household, Person
from fupin.registry.quality import CHECK_LABELS, CHECKS, counts_for, warnings_for
from fupin.testing import (
    COUNTY_A,
    COUNTY_B,
    REPORTED_HOUSEHOLD,
    REPORTED_PERSON,
    VILLAGE_A,
    VILLAGE_A2,
    VILLAGE_B,
)

pytestmark = pytest.mark.django_db

_numbers = itertools.count(1)
_sequences = itertools.count(1)


def household(village: str = VILLAGE_A, **fields) -> Household:
    fields.setdefault("main_cause", "funds")
    fields.setdefault("registered_in", 2014)
    return actions.create_household(
        actor=None,
        village_code=village,
        number=f"Q{next(_numbers):04d}",
        **(REPORTED_HOUSEHOLD | fields),
    )


def person(
    h: Household,
    relation: str = "head",
    *,
    sex: str = "male",
    born: datetime.date = datetime.date(1970, 1, 1),
    name: str = "张三",
    **fields,
) -> Person:
    sequence = next(_sequences) * 2 % 1000 + (1 if sex == "male" else 0)
    return actions.add_person(
        actor=None,
        household=h,
        name=name,
        id_number=make_resident_id(h.county_code, born, sequence),
        relation=relation,
        **(REPORTED_PERSON | fields),
    )


def checks_of(h: Household, region: str | None = None) -> set[str]:
    """The checks that warn about household `h` in the subtree of `region` (its county)."""
    return {w.check for w in warnings_for(region or h.county_code) if w.household_id == h.pk}


def born_aged(years: int, *, days: int = 0) -> datetime.date:
    """The birth date of someone who turns `years` today, shifted by `days`."""
    today = timezone.localdate()
    if (today.month, today.day) == (2, 29):
        today -= datetime.timedelta(days=1)
    return today.replace(year=today.year - years) + datetime.timedelta(days=days)


def test_it_warns_about_illness_as_a_cause_when_nobody_is_ill():
    nobody_ill = household(main_cause="illness")
    person(nobody_ill, health="disabled")
    ill = household(main_cause="illness")
    person(ill, health="chronic")
    seriously = household(main_cause="funds", other_cause_2="illness")
    person(seriously)
    person(seriously, "spouse", sex="female", health="serious")
    as_other_cause = household(main_cause="funds", other_cause_1="illness")
    person(as_other_cause)

    assert "illness_without_ill" in checks_of(nobody_ill)
    assert "illness_without_ill" not in checks_of(ill)
    assert "illness_without_ill" not in checks_of(seriously)
    assert "illness_without_ill" in checks_of(as_other_cause)


def test_it_warns_about_schooling_as_a_cause_when_nobody_is_in_school():
    no_pupil = household(main_cause="schooling")
    person(no_pupil)
    person(no_pupil, "son", born=datetime.date(2005, 3, 1))
    pupil = household(main_cause="schooling")
    person(pupil)
    person(pupil, "daughter", sex="female", born=datetime.date(2012, 3, 1), schooling="primary")

    assert "schooling_without_pupil" in checks_of(no_pupil)
    assert "schooling_without_pupil" not in checks_of(pupil)


@pytest.mark.parametrize(
    "born, labour, attribute, warned",
    [
        (born_aged(40), "ordinary", "wubao", True),
        (born_aged(40), "skilled", "wubao", True),
        (born_aged(16), "ordinary", "wubao", True),  # 16 today
        (born_aged(16, days=1), "ordinary", "wubao", False),  # 16 tomorrow
        (born_aged(66, days=1), "ordinary", "wubao", True),  # still 65
        (born_aged(66), "ordinary", "wubao", False),  # 66 today
        (born_aged(40), "weak", "wubao", False),
        (born_aged(40), "ordinary", "general", False),
    ],
)
def test_it_warns_about_a_five_guarantees_member_of_working_age_able_to_work(
    born, labour, attribute, warned
):
    h = household(attribute=attribute)
    person(h, born=born, labour=labour)

    assert ("wubao_able_to_work" in checks_of(h)) is warned


@pytest.mark.parametrize(
    "labour, work, warned",
    [
        ("lost", {"work_place": "county"}, True),
        ("none", {"work_months": 3}, True),
        ("none", {"work_place": "outside", "work_months": 10}, True),
        ("ordinary", {"work_place": "outside", "work_months": 10}, False),
        ("weak", {"work_place": "county", "work_months": 2}, False),
        ("lost", {}, False),
        # Where or how long nobody reported is not working away.
        ("lost", {"work_place": "", "work_months": None}, False),
        ("none", {"work_place": "", "work_months": 3}, True),
    ],
)
def test_it_warns_about_someone_working_away_without_labour_ability(labour, work, warned):
    h = household()
    person(h, labour=labour, **work)

    assert ("working_without_labour" in checks_of(h)) is warned


def test_it_names_an_unreported_place_of_work_as_such():
    h = household()
    person(h, labour="lost", work_place="", work_months=3)

    [warning] = [w for w in warnings_for(VILLAGE_A) if w.check == "working_without_labour"]
    assert warning.message == "张三 有务工记录（未填报，3 个月），但劳动技能为“丧失劳动力”。"


def test_it_warns_when_head_and_spouse_are_of_the_same_sex():
    same = household()
    person(same)
    person(same, "spouse", sex="male", name="李四")
    married = household()
    person(married)
    person(married, "spouse", sex="female")
    two_women = household()
    person(two_women, sex="female")
    person(two_women, "spouse", sex="female")

    assert "head_spouse_same_sex" in checks_of(same)
    assert "head_spouse_same_sex" not in checks_of(married)
    assert "head_spouse_same_sex" in checks_of(two_women)
    (warning,) = [w for w in warnings_for(COUNTY_A) if w.household_id == same.pk]
    assert warning.message == "户主与配偶李四性别均为男。"


@pytest.mark.parametrize(
    "land, members, warned",
    [
        ("120", 2, True),  # 60 mu each
        ("100.02", 2, True),  # 50.01 each
        ("100", 2, False),  # exactly 50 each
        ("120", 3, False),
        ("60", 0, False),  # nobody to share it: "without a head" says what is wrong
    ],
)
def test_it_warns_about_more_than_50_mu_of_arable_land_per_person(land, members, warned):
    h = household(arable_land=Decimal(land))
    for i in range(members):
        person(h, "head" if i == 0 else "son", born=datetime.date(1960 + i, 1, 1))

    assert ("land_per_person" in checks_of(h)) is warned


def test_it_explains_the_land_per_person():
    h = household(arable_land=Decimal("120.5"))
    person(h)
    person(h, "spouse", sex="female")

    (warning,) = [w for w in warnings_for(VILLAGE_A) if w.household_id == h.pk]
    assert warning.check == "land_per_person"
    assert warning.message == "耕地 120.50 亩，家庭成员 2 人，人均 60.25 亩。"
    assert (warning.village_code, warning.household_number) == (VILLAGE_A, h.number)


def test_it_warns_about_a_household_without_a_head():
    spouse_only = household()
    person(spouse_only, "spouse", sex="female")
    empty = household()
    headed = household()
    person(headed)

    assert "no_head" in checks_of(spouse_only)
    assert "no_head" in checks_of(empty)
    assert "no_head" not in checks_of(headed)


def test_it_warns_about_the_same_person_in_two_households_of_different_counties():
    in_a = household()
    twin = person(in_a, name="王五")
    alone = household()
    person(alone)
    # The actions refuse a second registration, so an older import is played by the ORM.
    in_b = household(VILLAGE_B)
    Person.objects.create(
        household=in_b,
        village_code=VILLAGE_B,
        county_code=COUNTY_B,
        name="王五",
        id_number=twin.id_number,
        relation="head",
        sex=twin.sex,
        birth_date=twin.birth_date,
    )

    assert "person_in_two_households" in checks_of(in_a)
    assert "person_in_two_households" in checks_of(in_b)
    assert "person_in_two_households" not in checks_of(alone)
    (warning,) = [
        w
        for w in warnings_for(COUNTY_A)
        if w.household_id == in_a.pk and w.check == "person_in_two_households"
    ]
    masked = twin.id_number[:6] + "********" + twin.id_number[-4:]
    assert warning.message == f"王五（身份证号 {masked}）同时登记在县 {COUNTY_B} 的另一户中。"
    assert twin.id_number not in warning.message


def test_it_warns_about_income_above_the_line_while_still_poor():
    actions.set_poverty_line(actor=None, province_code="51", year=2019, amount=Decimal(3750))
    actions.set_poverty_line(actor=None, province_code="51", year=2020, amount=Decimal(4000))

    def with_income(*years_and_wages, status_steps=()):
        h = household()
        person(h)
        for year, wage in years_and_wages:
            actions.record_income(actor=None, household=h, year=year, wage=Decimal(wage))
        for year, status in status_steps:
            actions.record_status(actor=None, household=h, year=year, status=status)
        return h

    poor_rich = with_income((2019, 3000), (2020, "4000.01"))
    poor_at_line = with_income((2019, 5000), (2020, 4000))  # latest year counts, not above
    exited = with_income((2020, 6000), status_steps=[(2019, "exited")])
    relapsed = with_income((2020, 4500), status_steps=[(2018, "exited"), (2019, "relapsed")])
    no_line_that_year = with_income((2021, 9000))
    no_income = with_income()

    assert "income_above_line" in checks_of(poor_rich)
    assert "income_above_line" not in checks_of(poor_at_line)
    assert "income_above_line" not in checks_of(exited)
    assert "income_above_line" in checks_of(relapsed)
    assert "income_above_line" not in checks_of(no_line_that_year)
    assert "income_above_line" not in checks_of(no_income)
    (warning,) = [w for w in warnings_for(COUNTY_A) if w.household_id == poor_rich.pk]
    assert warning.message == (
        "2020 年人均纯收入 4000.01 元，高于当年扶贫标准 4000.00 元，但仍标记为“未脱贫”。"
    )


def faulty_households() -> dict[str, Household]:
    """One household breaking a rule in each village of the small tree's two counties."""
    made = {}
    for village in (VILLAGE_A, VILLAGE_A2, VILLAGE_B):
        h = household(village, main_cause="illness", attribute="wubao")
        person(h, born=born_aged(40), labour="ordinary", work_place="county")
        made[village] = h
    return made


def test_it_keeps_each_county_to_its_own_households():
    made = faulty_households()
    ids_a = set(Household.objects.filter(county_code=COUNTY_A).values_list("pk", flat=True))
    ids_b = set(Household.objects.filter(county_code=COUNTY_B).values_list("pk", flat=True))

    in_b = warnings_for(COUNTY_B)
    in_a = warnings_for(COUNTY_A)

    assert made[VILLAGE_B].pk in {w.household_id for w in in_b}
    assert {w.household_id for w in in_b} <= ids_b
    assert not {w.household_id for w in in_b} & ids_a
    assert {w.village_code[:6] for w in in_b} == {COUNTY_B}
    assert {made[VILLAGE_A].pk, made[VILLAGE_A2].pk} <= {w.household_id for w in in_a}
    assert not {w.household_id for w in in_a} & ids_b
    # A village is a subtree too.
    assert {w.household_id for w in warnings_for(VILLAGE_A)} <= set(
        Household.objects.filter(village_id=VILLAGE_A).values_list("pk", flat=True)
    )
    assert made[VILLAGE_A].pk in {w.household_id for w in warnings_for(VILLAGE_A)}
    assert made[VILLAGE_A2].pk not in {w.household_id for w in warnings_for(VILLAGE_A)}


def test_it_counts_what_it_lists_for_every_check():
    faulty_households()

    for region in ("51", COUNTY_A, COUNTY_B, VILLAGE_A):
        counts = counts_for(region)
        listed = warnings_for(region)
        assert list(counts) == [c.code for c in CHECKS]
        assert counts == {c.code: sum(w.check == c.code for w in listed) for c in CHECKS}
    assert counts_for("51")["illness_without_ill"] >= 3
    assert counts_for(COUNTY_B)["wubao_able_to_work"] >= 1


def test_it_stops_at_the_limit_in_the_order_of_the_checks():
    faulty_households()
    everything = warnings_for("51")
    assert len(everything) >= 6
    order = [c.code for c in CHECKS]
    assert [order.index(w.check) for w in everything] == sorted(
        order.index(w.check) for w in everything
    )

    assert warnings_for("51", limit=4) == everything[:4]
    assert warnings_for("51", limit=len(everything) + 5) == everything
    assert warnings_for("51", limit=0) == []


def test_it_asks_one_query_per_check(django_assert_num_queries):
    faulty_households()
    # Plus the savepoint and its release around them (and, on PostgreSQL, the SET LOCAL that
    # switches JIT off inside it).
    around = 3 if connection.vendor == "postgresql" else 2

    with django_assert_num_queries(len(CHECKS) + around):
        warnings_for(COUNTY_A)
    with django_assert_num_queries(len(CHECKS) + around):
        counts_for(COUNTY_A)


def test_it_finds_nothing_in_an_empty_subtree_and_labels_every_check():
    assert all(n == 0 for n in counts_for(VILLAGE_B[:9] + "002").values())
    assert warnings_for(VILLAGE_B[:9] + "002") == []
    assert str(CHECK_LABELS["income_above_line"]) == "收入超过扶贫标准但仍为未脱贫"
    assert str(CHECK_LABELS["member_facts_not_reported"]) == "成员情况未填报"
    assert len(CHECK_LABELS) == len(CHECKS) == 11
