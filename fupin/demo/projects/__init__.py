"""The demo's demonstration industry projects (示范项目), partners, share registers and dividends.

On the demo's poor villages, after the households and the party: about 3 projects per poor
village (36,000 at scale 1 over Sichuan's 11,501 poor villages), each led by one or two party
members of its village and its branch, a few covering neighbouring poor villages of their
township (contiguous development); about 15 poor people each as shareholders, workers or
trainees (530,000 at scale 1), with the village collective and the leaders as non-poor
shareholders; about 4 leading enterprises per poor county (360 at scale 1, each with a valid
unified social credit code) and 3.7 industry households per poor village (43,000).

Share registers are contributions of land (亩 at the charter's price), assistance funds (the
preferred shares of poor households, 贫困户优先股, where the charter guarantees a rate) and
cash. Projects filed with the county before mid-2018 distribute their profit of 2018 and of
2019 in recorded dividend runs, computed by `fupin.projects.dividends.compute` over the
register at the period's end exactly as `preview_dividends` does; the payouts go to the
participants' yearly income and to their households' registry property income for the year
(with the per-capita income recomputed), as `record_dividend_run` does.

Like the rest of the demo the rows are tuples written with `write_rows`, with one summary audit
event per county; the programme's own examples (平桥村, 光荣村, 兰武村, 灵山村, 雎水镇) are
built on their real villages through `fupin.projects.actions`, so they are audited like any
user's work, and 平桥村's 2019 dividend run is left for a user to preview, approve and record.
Names of projects and businesses are data in Chinese.

`generator` draws a poor village's projects as rows; `build` clears the previous project rows
and writes the new ones with their dividends; `fixtures` builds the programme's examples.
"""

from fupin.demo.projects.build import DELETE_ORDER, build_projects, clear_projects
from fupin.demo.projects.fixtures import (
    FIXTURE_VILLAGES,
    GUANGRONG,
    PINGQIAO,
    QUXIAN,
    build_fixtures,
)
from fupin.demo.projects.generator import RUN_YEARS, ProjectsResult

__all__ = [
    "DELETE_ORDER",
    "FIXTURE_VILLAGES",
    "GUANGRONG",
    "PINGQIAO",
    "QUXIAN",
    "RUN_YEARS",
    "ProjectsResult",
    "build_fixtures",
    "build_projects",
    "clear_projects",
]
