"""The party demo's organisation trees: a county's organs, townships, parks, villages and
industry branches, and the tags of the members who live in the villages.
"""

import datetime as dt
import random
from collections import defaultdict
from dataclasses import asdict
from typing import Any

from fupin.demo.common import (
    FEMALE,
    MALE,
    Weighted,
    rand_day,
    rand_int,
)
from fupin.demo.households.families import ETHNICITIES
from fupin.demo.party.drafts import (
    CADRE_EDUCATION,
    EDUCATION_BY_AGE,
    END,
    FULL,
    PROBATIONARY,
    CountyIds,
    Draft,
    Org,
    People,
    Place,
)
from fupin.party.choices import Channel, MembershipStatus, OrgKind, OrgLevel, ServiceKind
from fupin.party.choices import TagKind as Tag
from fupin.party.rules import years_after
from fupin.regions.choices import Level
from fupin.regions.models import Region

PROVINCE = "51"
CANGXI = "510824"
# 五龙镇 of 苍溪县: the 三会村 area the user reorganises (issue 4, "Done when").
WULONG = "510824107"

# Members per village or community: 18–71, mean about 44 (1.5 million over 34,412 villages).
MEMBERS_LOW, MEMBERS_SPREAD = 18, 53
WULONG_MEMBERS = (24, 46)
# Members above which a village has a general branch with party groups (the checks' 50).
GENERAL_BRANCH_ABOVE = 50

# A general branch's members outside its committee sit in party groups of about 15.
GROUP_SIZE = 15
# Organ cadres per village of the county: 468,000 over the province's 34,412 villages.
CADRES_PER_VILLAGE = 468_000 / 34_412
CADRES_PER_ORGAN = 150
# Poor members per poor village, 2–7 (mean about 4.35: 50,000 over 11,501 poor villages).
POOR_LOW, POOR_SPREAD = 2, 5.7
# Chances: that the next three poor villages of a township (outside 五龙镇) form a park;
# that a village has an industry branch; that a village has a member wealth leader.
PARK_CHANCE = 0.12
INDUSTRY_CHANCE = 0.05
WEALTH_LEADER_POOR = 0.9
WEALTH_LEADER_OTHER = 0.3
# Returnees per village, by city: 巴中 reported 419 over its 1,809 villages.
RETURNEES = {"5119": 0.232, "5113": 0.04, "5117": 0.04, "5108": 0.03, "5116": 0.03}
RETURNEES_ELSEWHERE = 0.006
MIGRANT_CHANCE = 0.08
POST_HOLDER_CHANCE = 0.12
# Rows per write: members and their tags, steps and services of a few counties at most.
BATCH = 20_000

ORGANS = [
    "委办公室",
    "人民政府办公室",
    "委组织部",
    "委宣传部",
    "纪委监委",
    "发展和改革局",
    "教育局",
    "财政局",
    "人力资源和社会保障局",
    "自然资源局",
    "住房和城乡建设局",
    "交通运输局",
    "水利局",
    "农业农村局",
    "乡村振兴局",
    "卫生健康局",
    "民政局",
    "商务局",
    "文化广播电视和旅游局",
    "林业局",
    "市场监督管理局",
    "公安局",
]
PRODUCE = "猕猴桃 茶叶 柑橘 核桃 花椒 蔬菜 中药材 生猪 食用菌 油橄榄 蚕桑 李子 肉牛 土鸡".split()  # noqa: SIM905
BUSINESSES = ["专业合作社", "家庭农场", "种养殖场", "农家乐", "电商服务站", "加工厂"]
WORK_CITIES = [
    "广东省深圳市",
    "广东省东莞市",
    "广东省广州市",
    "浙江省杭州市",
    "浙江省宁波市",
    "江苏省苏州市",
    "福建省厦门市",
    "上海市",
    "北京市",
    "新疆乌鲁木齐市",
    "重庆市",
    "四川省成都市",
]
POSTS = {
    "政策宣传岗": "宣讲惠民政策，组织群众学习",
    "环境卫生监督岗": "督促农户保持庭院整洁，参与四好村创建",
    "矛盾纠纷调解岗": "调解邻里纠纷，及时上报矛盾隐患",
    "产业发展指导岗": "指导贫困户种养技术，帮助联系销路",
    "关爱帮扶岗": "联系留守老人和儿童，代办代购",
    "安全巡查岗": "巡查地质灾害点和用火用电安全",
}

MIGRANT_SERVICES = [ServiceKind.INFORMATION, ServiceKind.JOBS, ServiceKind.SALES]
MIGRANT_CHANNELS = Weighted({Channel.WECHAT: 55, Channel.PHONE: 35, Channel.QQ: 10})
POST_SERVICES = [
    ServiceKind.VOLUNTEER,
    ServiceKind.COMMITMENT,
    ServiceKind.MEDIATION,
    ServiceKind.FOUR_GOOD,
]
SERVICE_NOTES = {
    ServiceKind.INFORMATION: "转发务工地市场行情和用工信息",
    ServiceKind.JOBS: "介绍村民到务工企业就业",
    ServiceKind.SALES: "联系客商收购村里农产品",
    ServiceKind.VOLUNTEER: "参加村里义务劳动",
    ServiceKind.COMMITMENT: "兑现年初公开承诺事项",
    ServiceKind.MEDIATION: "调解邻里土地纠纷",
    ServiceKind.FOUR_GOOD: "参与四好村评比和院落整治",
}


class Generator(People):
    """Draws the organisations and members of one county after another, as rows."""

    def county(
        self, code: str, name: str, places: list[Place], poor: dict[str, list[tuple[Any, ...]]]
    ) -> dict[str, int]:
        """Every organisation and member of the county; returns what it added (its audit)."""
        rng = random.Random(f"fupin-demo-party:{self.seed}:{code}")
        before = asdict(self.result)
        self.ids = CountyIds(code)
        ethnicities = ETHNICITIES.get(code[:4], ETHNICITIES[""])
        self.organs(rng, code, name, len(places), ethnicities)
        townships = dict(
            Region.objects.filter(parent_id=code, level=Level.TOWNSHIP).values_list("code", "name")
        )
        by_township: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            by_township[place.code[:9]].append(place)
        for township in sorted(by_township):
            name_of = townships.get(township, "")
            self.township(township, name_of, by_township[township], poor, ethnicities)
        self.result.counties += 1
        self.result.villages += len(places)
        after = asdict(self.result)
        return {
            key: after[key] - before[key]
            for key in (
                "villages",
                "organisations",
                "members",
                "cadres",
                "poor_members",
                "tags",
                "development_steps",
                "service_logs",
            )
        }

    def organs(
        self, rng: random.Random, county: str, name: str, villages: int, ethnicities: Weighted
    ) -> None:
        """The county organs' working committee and a branch per organ, of cadres who help
        poor villages (the programme's 46.8万)."""
        cadres = max(6, round(villages * CADRES_PER_VILLAGE * (0.85 + 0.3 * rng.random())))
        n_organs = min(len(ORGANS), max(3, round(cadres / CADRES_PER_ORGAN)))
        committee = self.org(
            f"中共{name}直属机关工作委员会",
            OrgLevel.COMMITTEE,
            OrgKind.ORGAN,
            None,
            [county],
            rand_day(rng, dt.date(1980, 1, 1), dt.date(1995, 12, 31)),
        )
        chosen = sorted(rng.sample(range(len(ORGANS)), n_organs))
        sizes = [1.0 + rng.random() for _i in chosen]
        total = sum(sizes)
        own = self.cadres(rng, committee, f"{name}直属机关工作委员会", 5, ethnicities)
        self.settle(rng, committee, own, "机关工委书记", (committee.name, committee.name))
        for i, size in zip(chosen, sizes, strict=True):
            unit = f"{name}{ORGANS[i]}"
            n = max(8, round((cadres - 5) * size / total))
            general = n > GENERAL_BRANCH_ABOVE
            org = self.org(
                f"中共{unit}机关{'总' if general else ''}支部委员会",
                OrgLevel.GENERAL_BRANCH if general else OrgLevel.BRANCH,
                OrgKind.ORGAN,
                committee,
                [county],
                rand_day(rng, dt.date(1984, 1, 1), dt.date(2005, 12, 31)),
            )
            members = self.cadres(rng, org, unit, n, ethnicities)
            self.settle(
                rng,
                org,
                members,
                "机关党总支书记" if general else "机关党支部书记",
                (org.name, committee.name),
            )

    def staff(
        self,
        rng: random.Random,
        org: Org,
        region: str,
        male_share: float,
        ages: tuple[int, int],
        ethnicities: Weighted,
        education: Weighted,
    ) -> Draft:
        """A member working in an organ, a park or a business: sex, age, ethnicity and then
        education drawn in this order (the seed's rows depend on it)."""
        sex = MALE if rng.random() < male_share else FEMALE
        m = self.person(rng, org, region, sex, rand_int(rng, *ages), ethnicities.pick(rng))
        m.education = education.pick(rng)
        return m

    def cadres(
        self, rng: random.Random, org: Org, unit: str, n: int, ethnicities: Weighted
    ) -> list[Draft]:
        county = org.coverage[0]
        out = []
        for _i in range(n):
            rnd = rng.random
            m = self.staff(rng, org, county, 0.62, (24, 59), ethnicities, CADRE_EDUCATION)
            m.address = f"{unit}"
            if rnd() < 0.04:
                self.develop(rng, m, PROBATIONARY)
            else:
                self.old_member(rng, m)
            since = max(years_after(m.birth, 22), dt.date(1985, 7, 1))
            self.tag(m, Tag.CADRE, rand_day(rng, since, dt.date(2020, 6, 30)), unit=unit)
            out.append(m)
        self.result.cadres += n
        return out

    def township(
        self,
        code: str,
        name: str,
        places: list[Place],
        poor: dict[str, list],
        ethnicities: Weighted,
    ) -> None:
        rng = random.Random(f"fupin-demo-party:{self.seed}:{code}")
        villages = sum(p.is_village for p in places)
        kind = OrgKind.VILLAGE if villages * 2 >= len(places) else OrgKind.COMMUNITY
        committee = self.org(
            f"中共{name}委员会",
            OrgLevel.COMMITTEE,
            kind,
            None,
            [code],
            rand_day(rng, dt.date(1950, 1, 1), dt.date(1958, 12, 31)),
        )
        # Its own members: the township organ's (乡镇机关党员).
        own = []
        for _i in range(rand_int(rng, 5, 10)):
            m = self.staff(rng, committee, code, 0.65, (25, 58), ethnicities, CADRE_EDUCATION)
            m.address = f"{name}人民政府"
            self.old_member(rng, m)
            own.append(m)
        self.settle(rng, committee, own, "党委书记", (committee.name, committee.name))
        self.result.members += len(own)
        parent_of = self.parks(rng, committee, name, places, ethnicities)
        for place in places:
            self.village(
                place,
                parent_of.get(place.code, committee),
                committee,
                name,
                poor.get(place.code, []),
                ethnicities,
            )

    def parks(
        self,
        rng: random.Random,
        committee: Org,
        township: str,
        places: list[Place],
        ethnicities: Weighted,
    ) -> dict[str, Org]:
        """Park committees over 3–5 poor villages of the township (never in 五龙镇, which
        the user reorganises): the villages' branches move under the park."""
        parent_of: dict[str, Org] = {}
        if committee.coverage[0] == WULONG:
            return parent_of
        poor = [p for p in places if p.poor and p.is_village]
        start = 0
        while len(poor) - start >= 3:
            if rng.random() >= PARK_CHANCE:
                start += 3
                continue
            n = min(len(poor) - start, rand_int(rng, 3, 5))
            covered = poor[start : start + n]
            start += n
            produce = PRODUCE[int(rng.random() * len(PRODUCE))]
            park = self.org(
                f"{township}{produce}现代农业园区党委",
                OrgLevel.COMMITTEE,
                OrgKind.PARK,
                committee,
                [p.code for p in covered],
                rand_day(rng, dt.date(2015, 3, 1), dt.date(2019, 12, 31)),
            )
            if any(o.name == park.name for o in parent_of.values()):
                park.name = f"{covered[0].name}{produce}现代农业园区党委"
            staff = []
            for _i in range(rand_int(rng, 3, 6)):
                place = covered[int(rng.random() * n)]
                m = self.staff(rng, park, place.code, 0.7, (28, 55), ethnicities, CADRE_EDUCATION)
                m.address = park.name[:-2] + "管理委员会"
                self.old_member(rng, m)
                staff.append(m)
            self.settle(rng, park, staff, "园区党委书记", (park.name, committee.name))
            self.result.members += len(staff)
            self.result.parks += 1
            for p in covered:
                parent_of[p.code] = park
        return parent_of

    def village(
        self,
        place: Place,
        parent: Org,
        committee: Org,
        township: str,
        poor_people: list[tuple[Any, ...]],
        ethnicities: Weighted,
    ) -> None:
        rng = random.Random(f"fupin-demo-party:{self.seed}:{place.code}")
        rnd = rng.random
        wulong = place.code.startswith(WULONG)
        if wulong:
            n = rand_int(rng, *WULONG_MEMBERS)
        else:
            n = MEMBERS_LOW + int(MEMBERS_SPREAD * (rnd() + rnd()) / 2)
        general = n > GENERAL_BRANCH_ABOVE
        kind = OrgKind.VILLAGE if place.is_village else OrgKind.COMMUNITY
        founded = rand_day(rng, dt.date(1952, 1, 1), dt.date(1990, 12, 31))
        if general:
            founded = rand_day(rng, dt.date(2005, 1, 1), dt.date(2019, 6, 30))
        branch = self.org(
            f"中共{place.name}{'总' if general else ''}支部委员会",
            OrgLevel.GENERAL_BRANCH if general else OrgLevel.BRANCH,
            kind,
            parent,
            [place.code],
            founded,
        )
        members: list[Draft] = []
        if place.poor and poor_people:
            k = min(len(poor_people), POOR_LOW + int(rnd() * POOR_SPREAD))
            for i in sorted(rng.sample(range(len(poor_people)), k)):
                members.append(self.poor_member(rng, branch, poor_people[i], township, place))
            self.result.poor_members += k
        while len(members) < n:
            members.append(self.villager(rng, branch, place, township, ethnicities))
        self.tags(rng, place, members)
        orgs: list[tuple[Org, list[Draft]]] = []
        if general:
            # The general branch's committee are its own members; the rest are in groups.
            self.lead(rng, branch, members, "党总支书记")
            secretary = branch.secretary
            assert secretary is not None
            own = [secretary, *(m for m in members if m.post and m is not secretary)]
            rest = [m for m in members if m not in own]
            groups = max(3, -(-len(rest) // GROUP_SIZE))
            orgs.append((branch, own))
            numerals = "一二三四五六七八九十"
            for g in range(groups):
                group = self.org(
                    f"{place.name}党总支第{numerals[g % 10]}{'' if g < 10 else g}党小组",
                    OrgLevel.GROUP,
                    kind,
                    branch,
                    [place.code],
                    rand_day(rng, branch.founded, dt.date(2019, 12, 31)),
                )
                in_group = rest[g::groups]
                for m in in_group:
                    m.org = group
                self.lead(rng, group, in_group, "党小组组长")
                orgs.append((group, in_group))
        else:
            self.lead(rng, branch, members, "党支部书记")
            orgs.append((branch, members))
        approvals = (branch.name, committee.name)
        for org, in_org in orgs:
            self.write_org(org)
            self.write_members(rng, in_org, approvals)
        self.result.members += len(members)
        if place.is_village and not wulong and rnd() < INDUSTRY_CHANCE:
            self.industry(rng, place, committee, township, ethnicities)

    def industry(
        self, rng: random.Random, place: Place, committee: Org, township: str, e: Weighted
    ) -> None:
        """An industry branch around a village's cooperative, led by a wealth leader."""
        produce = PRODUCE[int(rng.random() * len(PRODUCE))]
        org = self.org(
            f"中共{place.name}{produce}专业合作社支部委员会",
            OrgLevel.BRANCH,
            OrgKind.INDUSTRY,
            committee,
            [place.code],
            rand_day(rng, dt.date(2015, 1, 1), dt.date(2020, 6, 30)),
        )
        members = []
        for _i in range(rand_int(rng, 5, 12)):
            m = self.staff(rng, org, place.code, 0.7, (25, 60), e, EDUCATION_BY_AGE[1][1])
            m.address = f"{township}{place.name}{rand_int(rng, 1, 12)}组"
            self.old_member(rng, m)
            members.append(m)
        self.lead(rng, org, members, "党支部书记")
        assert org.secretary is not None
        self.tag(
            org.secretary,
            Tag.WEALTH_LEADER,
            max(org.founded - dt.timedelta(days=200), org.secretary.full or org.founded),
            founded=f"{place.name}{produce}专业合作社",
        )
        self.result.wealth_leaders += 1
        self.write_org(org)
        self.write_members(rng, members, (org.name, committee.name))
        self.result.members += len(members)
        self.result.industry_branches += 1

    def tags(self, rng: random.Random, place: Place, members: list[Draft]) -> None:
        """Wealth leaders, returnees, migrants, young talent, posts and reserve cadres."""
        rnd = rng.random
        adults = [m for m in members if m.stage in (FULL, PROBATIONARY)]
        # Wealth leaders: in most poor villages, some recruited into the party (双向培养).
        chance = WEALTH_LEADER_POOR if place.poor else WEALTH_LEADER_OTHER
        if rnd() < chance:
            pool = [m for m in adults if 28 <= m.age <= 60 and Tag.POOR not in m.tags] or adults
            k = min(len(pool), 1 + (rnd() < 0.35) + (rnd() < 0.1))
            for m in rng.sample(pool, k):
                self.wealth_leader(rng, m, place)
        # Returnees (回引), concentrated in a few cities.
        if rnd() < RETURNEES.get(place.code[:4], RETURNEES_ELSEWHERE):
            pool = [m for m in adults if 25 <= m.age <= 50 and Tag.POOR not in m.tags]
            if pool:
                m = pool[int(rnd() * len(pool))]
                business = BUSINESSES[int(rnd() * len(BUSINESSES))]
                founded = f"{place.name}{PRODUCE[int(rnd() * len(PRODUCE))]}{business}"
                since = rand_day(rng, dt.date(2015, 1, 1), dt.date(2020, 6, 30))
                self.tag(
                    m,
                    Tag.RETURNEE,
                    since,
                    came_from=WORK_CITIES[int(rnd() * len(WORK_CITIES))],
                    founded=founded,
                )
                self.result.returnees += 1
                if Tag.WEALTH_LEADER not in m.tags and rnd() < 0.5:
                    self.wealth_leader(rng, m, place, since)
                if rnd() < 0.3:
                    self.reserve(rng, m)
        for m in members:
            r = rnd()
            if m.stage not in (FULL, PROBATIONARY):
                continue
            joined = m.joined
            # Young talent: developed at 35 or under during the programme.
            if (
                joined
                and joined.year >= 2015
                and m.age - (END.year - joined.year) <= 34
                and r < 0.8
            ):
                self.tag(m, Tag.YOUNG_TALENT, joined)
                self.result.young_talent += 1
                continue
            if m.tags or m.person:
                continue
            if r < MIGRANT_CHANCE and 20 <= m.age <= 55:
                self.migrant(rng, m, place)
            elif r < MIGRANT_CHANCE + POST_HOLDER_CHANCE and m.stage == FULL and m.age <= 75:
                self.post_holder(rng, m, place)
            elif r > 0.997 and m.stage == FULL:
                m.lost = rand_day(rng, dt.date(2016, 1, 1), dt.date(2020, 6, 30))
            elif r > 0.994 and m.stage == FULL:
                m.status = MembershipStatus.STOPPED.value
        # Reserve village cadres: young members, one or two a village in most villages.
        for _i in range((rnd() < 0.6) + (rnd() < 0.15)):
            pool = [m for m in adults if m.age <= 40 and Tag.RESERVE_CADRE not in m.tags]
            if pool:
                self.reserve(rng, pool[int(rnd() * len(pool))])

    def wealth_leader(
        self, rng: random.Random, m: Draft, place: Place, since: dt.date | None = None
    ) -> None:
        business = BUSINESSES[int(rng.random() * len(BUSINESSES))]
        produce = PRODUCE[int(rng.random() * len(PRODUCE))]
        if since is None:
            # A member developed during the programme was a wealth leader before joining.
            start = dt.date(2014, 1, 1)
            end = m.steps[0][1] if m.steps else dt.date(2020, 6, 30)
            since = rand_day(rng, start, max(start, end))
        self.tag(m, Tag.WEALTH_LEADER, since, founded=f"{place.name}{produce}{business}")
        self.result.wealth_leaders += 1

    def reserve(self, rng: random.Random, m: Draft) -> None:
        start = max(dt.date(2017, 1, 1), m.joined or dt.date(2017, 1, 1))
        self.tag(m, Tag.RESERVE_CADRE, rand_day(rng, min(start, END), END))
        self.result.reserve_cadres += 1

    def migrant(self, rng: random.Random, m: Draft, place: Place) -> None:
        """Works away and serves the home village from there, by WeChat, phone or QQ."""
        rnd = rng.random
        m.migrant_to = WORK_CITIES[int(rnd() * len(WORK_CITIES))]
        since = rand_day(rng, dt.date(2010, 1, 1), dt.date(2020, 3, 31))
        self.tag(m, Tag.MIGRANT, since)
        self.result.migrants += 1
        if rnd() < 0.4:
            first = max(since, dt.date(2016, 1, 1))
            for _i in range(rand_int(rng, 1, 3)):
                kind = MIGRANT_SERVICES[int(rnd() * 3)]
                on = rand_day(rng, first, END)
                self.service(
                    m, place.code, on, kind, MIGRANT_CHANNELS.pick(rng), SERVICE_NOTES[kind]
                )

    def post_holder(self, rng: random.Random, m: Draft, place: Place) -> None:
        """A no-post member given a post (设岗定责), some with their duties logged."""
        rnd = rng.random
        post = list(POSTS)[int(rnd() * len(POSTS))]
        since = rand_day(rng, dt.date(2016, 1, 1), dt.date(2020, 3, 31))
        self.tag(m, Tag.POST_HOLDER, since, post=post, duties=POSTS[post])
        self.result.post_holders += 1
        if rnd() < 0.25:
            for _i in range(rand_int(rng, 1, 2)):
                kind = POST_SERVICES[int(rnd() * 4)]
                on = rand_day(rng, since, END)
                self.service(m, place.code, on, kind, Channel.IN_PERSON, SERVICE_NOTES[kind])
