"""The header shows each member of the cast the parts of the product their grants reach."""

import re

from fupin.testing import client_for

PAGE = "/regions/"


def links(user) -> set[str]:
    html = client_for(user).get(PAGE).content.decode()
    nav = html.split("<nav>", 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r">([^<]+)</a>", nav))


def test_it_shows_each_role_only_the_parts_it_reaches(cast):
    expected = {
        "province_admin": {"建档立卡", "党员", "结对帮扶", "用户", "审计日志"},
        "county_a_admin": {"建档立卡", "党员", "结对帮扶", "用户", "审计日志"},
        "village_a_secretary": {"建档立卡", "党员", "结对帮扶", "审计日志"},
        "county_b_admin": {"建档立卡", "党员", "结对帮扶", "用户", "审计日志"},
        "auditor": {"建档立卡", "党员", "结对帮扶", "审计日志"},
        "helper": {"我的帮扶户"},
    }
    every = {"建档立卡", "党员", "结对帮扶", "用户", "审计日志", "我的帮扶户"}
    for name, user in cast.members().items():
        shown = links(user)
        assert {"行政区划", "API"} <= shown, name
        assert shown & every == expected[name], name
