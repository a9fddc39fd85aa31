"""Delivery of the outbox: message texts, SMS backends and the delivery of one row.

`render` turns a template key into texts, `backends` sends an SMS the way Django's e-mail
backends send mail, and `delivery` claims, sends and records one outbox row.
"""
