"""Personal data (SECURITY DP1, DP6, DP7), in one place.

- inventory.py: where personal data lives, a registry each app fills for its own models in
  its AppConfig.ready() (entries.py is workflow's own answer, with routing's and the staff
  accounts'), and how each app exports, anonymises and purges its rows of a case.
- requests.py: a reporter's request to see, correct or delete their data, and how the
  coordination centre answers and carries it out; models.py holds the request, forms.py and
  views.py the coordinator's pages (the reporter's own page is feedback's).
- retention.py: rejected cases deleted and closed ones anonymised after their periods
  (`manage.py retention`, and a nightly beat task).

Nothing is imported here: workflow.models imports the request's model from this package.
"""
