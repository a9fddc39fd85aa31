"""A real IMAP server for the e-mail intake tests: Debian's dovecot, on loopback, in a temp dir.

Each server has its own configuration, passwd file, maildir, state and log under a temporary
directory and listens on a free port of 127.0.0.1, plaintext (`ssl = no`: nothing leaves the
machine). Missing dovecot is an error, not a skip: `make system-test` installs it
(dovecot-imapd in the Makefile's DEB_TEST).
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = os.environ.get("DOVECOT_BINARY", "/usr/sbin/dovecot")
USER = "1022@tayninh.gov.vn"
PASSWORD = "mailbox-password-7Qm2"
START_SECONDS = 15.0


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _version() -> tuple[int, ...]:
    out = subprocess.run([DOVECOT, "--version"], capture_output=True, text=True,  # noqa: S603
                         check=True)
    return tuple(int(part) for part in out.stdout.split()[0].split(".")[:2])


class DovecotServer:
    """`/usr/sbin/dovecot -F -c <our config>` with one mailbox user, stopped by `close`."""

    def __init__(self) -> None:
        if not (shutil.which(DOVECOT) or Path(DOVECOT).exists()):
            raise RuntimeError(
                f"{DOVECOT} is missing: the e-mail intake tests need a real IMAP server. "
                "Install Debian's dovecot-imapd (make system-test does)."
            )
        # Not pytest's tmp_path: its parents are private to the test's user, and as root the
        # server reads its files as Debian's dovecot user.
        self.root = root = Path(tempfile.mkdtemp(prefix="cong1022-dovecot-"))
        root.chmod(0o755)
        self.port = _free_port()
        self.host = "127.0.0.1"
        self.user, self.password = USER, PASSWORD
        self.log = root / "dovecot.log"
        config = self._write_config()
        self.process = subprocess.Popen(  # noqa: S603
            [DOVECOT, "-F", "-c", str(config)],
            stdout=subprocess.DEVNULL, stderr=open(root / "dovecot.stderr", "wb"),  # noqa: SIM115
        )
        self._wait_until_listening()

    # --- Set-up ----------------------------------------------------------------------------
    def _write_config(self) -> Path:
        root = self.root
        for name in ("run", "state", "home"):
            (root / name).mkdir(mode=0o755)
        if os.geteuid() == 0:
            # Dovecot refuses mail access as root, and runs its login processes unprivileged:
            # the mail belongs to Debian's dovecot user, logins run as dovenull.
            mail_user, login_user, internal_user = "dovecot", "dovenull", "dovecot"
        else:
            mail_user = login_user = internal_user = pwd.getpwuid(os.getuid()).pw_name
        mail = pwd.getpwnam(mail_user)
        home = root / "home"
        if os.geteuid() == 0:
            os.chown(home, mail.pw_uid, mail.pw_gid)
        passwd = root / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n", encoding="utf-8")
        cleartext = ("auth_allow_cleartext = yes" if _version() >= (2, 4)
                     else "disable_plaintext_auth = no")
        config = root / "dovecot.conf"
        config.write_text(f"""
base_dir = {root / "run"}
state_dir = {root / "state"}
instance_name = cong1022-test-{self.port}
listen = 127.0.0.1
protocols = imap
ssl = no
{cleartext}
auth_mechanisms = plain login
log_path = {self.log}
info_log_path = {self.log}
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = 1
first_valid_gid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {passwd}
}}
userdb {{
  driver = static
  args = uid={mail.pw_uid} gid={mail.pw_gid} home={home}/%n
}}
mail_location = maildir:~/Maildir
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
""", encoding="utf-8")
        return config

    def _wait_until_listening(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited with {self.process.returncode}: "
                                   f"{self._logs()}")
            with contextlib.suppress(OSError), \
                    socket.create_connection((self.host, self.port), timeout=0.5) as sock:
                if sock.recv(64).startswith(b"* OK"):
                    return
            time.sleep(0.1)
        self.close()
        raise RuntimeError(f"dovecot did not answer on port {self.port}: {self._logs()}")

    def _logs(self) -> str:
        texts = []
        for name in ("dovecot.stderr", "dovecot.log"):
            path = self.root / name
            if path.exists():
                texts.append(path.read_text(errors="replace")[-2000:])
        return "\n".join(texts)

    # --- Use -------------------------------------------------------------------------------
    def connect(self) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=5)
        client.login(self.user, self.password)
        return client

    def append(self, message: bytes, mailbox: str = "INBOX", flags: str = "") -> None:
        """Put `message` in the mailbox, as the mail server does on delivery."""
        client = self.connect()
        try:
            if mailbox != "INBOX":
                client.create(mailbox)
            status, _data = client.append(mailbox, flags or None, None, message)
            assert status == "OK", status
        finally:
            client.logout()

    def flags(self, mailbox: str = "INBOX") -> list[str]:
        """The flags of every message in the mailbox, in order."""
        client = self.connect()
        try:
            client.select(mailbox, readonly=True)
            _status, data = client.fetch("1:*", "(FLAGS)")
            return [item.decode() for item in data if item]
        finally:
            client.logout()

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.root, ignore_errors=True)
