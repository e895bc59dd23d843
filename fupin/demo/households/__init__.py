"""The demo's registered poor households and their members, on the demo's poor villages.

About 168 households of about 3.24 people per poor village, so Sichuan's 11,501 poor villages
(scale 1) hold about 1.93 million households and 6.25 million people (DESIGN §4), and scale
0.01 about 62,000 people. Everything is drawn from a random generator seeded by the demo seed
and the village code, so the same seed gives the same rows, village by village.

`families` draws one household (members, causes, history, incomes); `build` draws a village's
households as rows and writes them in bulk, replacing the previous ones.
"""

from fupin.demo.common import Names, Weighted
from fupin.demo.households.build import (
    HouseholdsResult,
    build_households,
    delete_households,
    village_populations,
)
from fupin.demo.households.families import POVERTY_LINES, IdNumbers, family, per_capita_fen

__all__ = [
    "POVERTY_LINES",
    "HouseholdsResult",
    "IdNumbers",
    "Names",
    "Weighted",
    "build_households",
    "delete_households",
    "family",
    "per_capita_fen",
    "village_populations",
]
