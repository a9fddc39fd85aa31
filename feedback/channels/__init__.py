"""Intake from the Facebook page and the Zalo official account, and replies through them.

- `facebook` and `zalo` check each platform's signature and read its events;
- `services` turns one message into a received case with its `ChannelSender`;
- `views` are the two webhooks, the only views exempt from CSRF (SECURITY AC6), since a
  request is accepted on its signature alone;
- `backends` send a reply through the platform's send API, as the SMS backends do for SMS;
- `email_intake` reads the 1022 mailbox over IMAP, each new message one received case.
"""
