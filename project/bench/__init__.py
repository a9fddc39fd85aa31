"""`manage.py bench`, by concern; the command itself only parses its arguments.

- `database`: the benchmark's own database, and the child process that runs against it.
- `history` and `seed`: the synthetic data set, laid out in working time and COPY-loaded.
- `timings`: services and queries timed in-process, with their EXPLAIN plans.
- `load`: gunicorn, the forked HTTP clients, and the pages they load.
- `report`: the machine's description and the JSON report that gathers the rest.
- `stats`: percentiles and the summary every timing shares.
"""
