"""Demonstration projects, their participants and their share contributions as the import
pipeline reads them (`fupin import projects|participants|contributions FILE`), one row per
record, as counties keep them in Excel.

- projects: one row per project — name, type, how it was set up, the covered villages' codes,
  the leading members' ID numbers, the party organisation, the partner enterprises' credit
  codes, land, start date and charter. A project is the same project when it has the same
  name and covers the same villages: a second import updates it.
- participants: one row per participant of a project (the project by name, or by number when
  names repeat) — a registered person by ID number, a household by village code and
  household number, or a villager outside the registry by name and village code.
- contributions: one row per share contribution (入股) — the participant as above, what is
  paid in (land in 亩, assistance funds or cash), the amount or the land, the date, and
  whether the shares are preferred (贫困户优先股). The charter converts it into shares.

Every row is written by the projects' actions, which hold every rule (scope, the charter, a
contribution is positive, a participant once per project); `check` runs them row by row
inside a transaction it rolls back, so every bad row is reported in one pass and a dry run is
as thorough as an import. Importing a file twice changes nothing: a project or participant
that exists is updated, a contribution that is already in the register is not made again.

`cells` reads the cells, `rows` finds the project and the person a row means, and `projects`,
`participants` and `contributions` hold each file's columns and schema.
"""

from fupin.projects.imports.contributions import CONTRIBUTIONS
from fupin.projects.imports.participants import PARTICIPANTS
from fupin.projects.imports.projects import PROJECTS

__all__ = ["CONTRIBUTIONS", "PARTICIPANTS", "PROJECTS"]
