"""The spreadsheet import pipeline every domain plugs its row schema into (DESIGN §3, rule 5).

A domain describes its columns and its checks (`schema.Schema`) and registers the schema
(`registry.register`); `pipeline.run_import` reads the file, reports every bad row in one pass
and saves every row or none. This package knows no domain.
"""
