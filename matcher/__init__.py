"""The Selaras engine, in layers: text -> taxonomy -> rules -> scoring -> allocation ->
reporting, each importing only those before it (docs/architecture.md)."""
