"""The demo's party organisations and members, on every village of the demo's counties.

The counties are the poor ones and 苍溪县 (510824) always — issue 4's acceptance test
reorganises its 三会村 area — and from scale 0.5 up others, drawn, until scale 1 covers all of
Sichuan: 34,412 villages with about 44 members each (1.5 million), of whom about 50,000 are poor
members taken from the registry, and about 13.6 cadres per village in the county organs
(468,000). The default demo (scale 0.1: 9 poor counties and 苍溪县, about 1,770 villages) has
about 81,000 members, 5,000 of them poor, and 24,000 cadres.

The tree of a county: a party committee per township (a 街道's is of kind community), under it
a branch per village or community (a general branch with party groups where it has more than
50 members), a few park committees over 3–5 poor villages of one township (their village
branches move under the park) and industry branches around a village's cooperative; beside
it the county organs' working committee (县直机关工委) with a branch or general branch per
organ. Every organisation has its coverage, a founding date and a secretary among its members.

五龙镇 (510824107) is left for the user: no park and no industry branch, and its villages keep
a plain branch of 24–46 members, so that a park committee over three of them can be created and
three branches merged into two general branches on the page.

Like `fupin.demo.households`, the rows are built as tuples from generators seeded by the demo
seed and the village or county code, and written with `write_rows`, one county at a time, with
one summary audit event per county. They keep every rule the actions enforce: ID numbers valid
and unique across the province (a poor member's is their registry record's, nobody else's is
in the registry), a member's region inside their organisation's coverage, development steps in
order with the minimum periods, young talent 35 or under when developed. Dates describe the
programme at the end of 2020, as the households do.

Names of organisations, posts, places and businesses are data in Chinese, as a real roster
holds them, not interface text.

`drafts` holds a member and an organisation as they are drawn and written; `tree` draws a
county's organisation tree with them; `build` clears the previous party rows and builds the
new ones county by county.
"""

from fupin.demo.party.build import DELETE_ORDER, build_party, clear_party, party_counties
from fupin.demo.party.drafts import CountyIds, PartyResult, short_name
from fupin.demo.party.tree import WULONG

__all__ = [
    "DELETE_ORDER",
    "WULONG",
    "CountyIds",
    "PartyResult",
    "build_party",
    "clear_party",
    "party_counties",
    "short_name",
]
