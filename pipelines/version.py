"""The parser version keys the parse cache: bump it whenever parse output changes."""
PARSER_VERSION = "5"
