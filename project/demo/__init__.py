"""The demo province, Tây Ninh, with units, people and cases (loaded by `manage.py load_demo`).

`make run` runs the command after `migrate`. The content is data: data/province.toml holds the
areas, units, categories, logins and the letters' fixed texts, data/cases.toml the 36 cases and
the steps each one goes through. The loader (load.py) imports the official working calendars,
creates the reference rows (reference.py), then drives every case through the real workflow
and feedback services (stories.py), with `now` values over the last three weeks, into every
case and assignment state, and runs the deadline sweep once so overdue marks exist.

It is idempotent: reference rows and logins are created only when missing, a year's calendar
only when it has no official schedule yet, and the cases only when no demo case exists (they
carry the idempotency key ``demo:…``). A second run changes nothing and prints the logins again.

Operator output is plain English (a developer's tool); the data is Vietnamese, in NFC.
"""
