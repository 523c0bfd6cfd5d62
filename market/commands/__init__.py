"""One module per ``market`` subcommand; :mod:`market.cli` parses and dispatches."""
