"""The `qabot` command line: ask, repl, chunks, check, eval, serve, bench."""
