"""The published database: Datasette configuration and the project's own pages."""
