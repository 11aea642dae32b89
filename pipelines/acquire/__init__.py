"""Documents in: fetched from the UN's Official Document System (ODS) by symbol, kept current."""
