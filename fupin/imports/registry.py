"""The schemas domains plug in, by name: `fupin import households FILE`.

A domain registers its schema when Django starts, in its AppConfig.ready():
`registry.register(HouseholdSchema())`.
"""

from fupin.imports.schema import Schema

_SCHEMAS: dict[str, Schema] = {}


def register(schema: Schema) -> Schema:
    """Add `schema`; a second, different schema under the same name is a programming error."""
    known = _SCHEMAS.get(schema.name)
    if known is not None and known is not schema:
        raise ValueError(f"An import schema named {schema.name!r} is already registered.")
    _SCHEMAS[schema.name] = schema
    return schema


def unregister(name: str) -> None:
    _SCHEMAS.pop(name, None)


def get(name: str) -> Schema:
    """The schema called `name`; KeyError (a LookupError) when there is none (see `names()`)."""
    return _SCHEMAS[name]


def names() -> list[str]:
    return sorted(_SCHEMAS)
