"""The development mailbox: what the embedded mail server filed under var/mail/
(docs/email.md), read by `shopflow mail list|show` and the dev page /dev/mail."""
