# ruff: noqa: E501, S104  (command lines and listening sockets are data)
"""Linux servers and Macs: systemd or launchd trees, cron, SSH sessions, package updates,
the role's service traffic, and Mac users' apps and terminals.

Linux rows name accounts as the sensor does there (the host name as AccountDomain, no
SID) and keep paths case-sensitive. Internet-facing web servers see the usual stream of
SSH password guessing from the internet next to their administrators' sessions."""

from __future__ import annotations

from dataclasses import dataclass, field

from mdekit.emulator.world import catalog_network as net
from mdekit.emulator.world.events_device import Device, compact_json
from mdekit.emulator.world.events_host import Activity, Context, Host
from mdekit.emulator.world.events_procs import HOUR, MINUTE, SECOND, Account, Proc, file_hashes
from mdekit.emulator.world.events_winsys import connect, connect_any, http_get

CRON_JOBS = (
    ("bash", "/bin/bash /usr/local/bin/healthcheck.sh"),
    ("python3", "python3 /opt/app/worker.py --queue default"),
    (
        "sh",
        '/bin/sh -c "test -x /usr/sbin/anacron || ( cd / && run-parts --report /etc/cron.daily )"',
    ),
    ("bash", "/bin/bash /opt/scripts/rotate-logs.sh"),
    ("python3", "/usr/bin/python3 /usr/lib/ubuntu-release-upgrader/check-new-release -q"),
)
SHELL_COMMANDS = (
    ("sudo", "sudo systemctl status nginx"),
    ("sudo", "sudo journalctl -u nginx --since today"),
    ("cat", "cat /etc/os-release"),
    ("ps", "ps aux"),
    ("sudo", "sudo apt list --upgradable"),
    ("git_l", "git -C /opt/app pull"),
    ("tar_l", "tar -czf /tmp/config-backup.tgz /etc/nginx"),
    ("id", "id"),
    ("uname", "uname -a"),
)
USERNAMES = ("root", "admin", "ubuntu", "test", "oracle", "postgres", "user", "git", "deploy")
SERVICES = {
    "lnx-web": (
        (
            "nginx",
            "nginx: master process /usr/sbin/nginx -g daemon on; master_process on;",
            (80, 443),
        ),
    ),
    "lnx-db": (
        (
            "postgres",
            "/usr/lib/postgresql/14/bin/postgres -D /var/lib/postgresql/14/main -c config_file=/etc/postgresql/14/main/postgresql.conf",
            (5432,),
        ),
    ),
    "lnx-build": (
        ("dockerd", "/usr/bin/dockerd -H fd:// --containerd=/run/containerd/containerd.sock", ()),
        ("containerd", "/usr/bin/containerd", ()),
    ),
}


@dataclass
class UnixBoot:
    at: int
    procs: dict[str, Proc]
    running: dict[str, Proc] = field(default_factory=dict)

    def __getitem__(self, key: str) -> Proc:
        return self.procs[key]


class LinuxHost(Host[UnixBoot]):
    family = "linux"

    def __init__(self, ctx: Context, dev: Device) -> None:
        super().__init__(ctx, dev)
        self.root = Account(dev.short, "root", None, kind="system")

    def boot(self, at: int) -> UnixBoot:
        init = Proc(
            self.image("systemd"), 1, at, "/sbin/init splash", self.root, None, integrity=None
        )
        procs = {"systemd": init}
        t = at + 3 * SECOND
        starts = [
            ("journald", "journald", "/usr/lib/systemd/systemd-journald"),
            ("sshd", "sshd", "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"),
            ("cron", "cron", "/usr/sbin/cron -f -P"),
            ("wdavdaemon", "wdavdaemon", "/opt/microsoft/mdatp/sbin/wdavdaemon"),
        ]
        starts += [(key, key, cmd) for key, cmd, _ in SERVICES.get(self.dev.role, ())]
        for name, key, cmd in starts:
            t += int(self.rng.random() * 2 * SECOND)
            procs[name] = self.spawn(init, key, cmd, t)
        if self.live(t):
            self.emit.network(
                self.dev,
                t,
                procs["sshd"],
                "ListeningConnectionCreated",
                None,
                None,
                local_ip="0.0.0.0",
                local_port=22,
            )
            for key, _, ports in SERVICES.get(self.dev.role, ()):
                for port in ports:
                    self.emit.network(
                        self.dev,
                        t,
                        procs[key],
                        "ListeningConnectionCreated",
                        None,
                        None,
                        local_ip="0.0.0.0",
                        local_port=port,
                    )
        return UnixBoot(at, procs)

    def activities(self) -> list[Activity]:
        table: list[Activity] = [
            (8, 2.5, self.cron),
            (3, 8.0, self.ssh_session),
            (3, 3.5, self.updates),
            (6, 2.0, self.service_traffic),
            (3, 1.0, self.mde),
        ]
        if self.dev.role == "lnx-web" or "Internet facing" in self.dev.tags:
            table.append((5, 4.0, self.ssh_guessing))
        if self.dev.role == "lnx-build":
            table.append((5, 4.0, self.build))
        return table

    def cron(self, at: int) -> None:
        st = self.state(at)
        key, cmd = CRON_JOBS[int(self.rng.random() * len(CRON_JOBS))]
        shell = self.spawn(st["cron"], "sh", f"/bin/sh -c {cmd.split(' ', 1)[-1]}", at)
        job = self.spawn(shell, key, cmd, at + SECOND // 10)
        if key == "python3":
            self.emit.file(
                self.dev,
                at + SECOND,
                job,
                "FileModified",
                f"/var/log/app/worker-{at // (86_400 * SECOND)}.log",
                size=int(self.rng.random() * 2e6),
            )

    def ssh_session(self, at: int) -> None:
        st = self.state(at)
        rng = self.rng
        admins = [u for u in self.dev.users if u.kind == "admin"] or self.ctx_admins()
        if not admins:
            return
        admin = admins[int(rng.random() * len(admins))]
        user = Account(self.dev.short, admin.name, None, kind="admin")
        source = self.admin_source(admin)
        port = 49_152 + int(rng.random() * 16_000)
        sshd = st["sshd"]
        self.emit.network(
            self.dev,
            at,
            sshd,
            "InboundConnectionAccepted",
            source.address_at(at),
            port,
            local_port=22,
        )
        self.emit.network(
            self.dev,
            at + SECOND // 2,
            sshd,
            "NetworkSignatureInspected",
            source.address_at(at),
            port,
            local_port=22,
            additional=compact_json(
                {
                    "SignatureName": "SSH",
                    "SignatureMatchedContent": "SSH-2.0-OpenSSH_for_Windows_9.5",
                    "SamplePacketContent": "",
                }
            ),
        )
        priv = self.spawn(sshd, "sshd", f"sshd: {user.name} [priv]", at + SECOND)
        self.emit.logon(
            self.dev,
            at + SECOND,
            priv,
            "LogonSuccess",
            "Network",
            user,
            remote=(source.short.upper(), source.address_at(at), port),
            is_local_admin=True,
        )
        session = self.spawn(
            priv, "sshd", f"sshd: {user.name}@pts/0", at + 2 * SECOND, account=user
        )
        shell = self.spawn(session, "bash", "-bash", at + 2 * SECOND)
        for _ in range(1 + int(rng.random() * 3)):
            at += int((5 + rng.random() * 90) * SECOND)
            key, cmd = SHELL_COMMANDS[int(rng.random() * len(SHELL_COMMANDS))]
            tool = self.spawn(shell, key, cmd, at)
            if key == "sudo":
                self.spawn(
                    tool,
                    cmd.split()[1] if cmd.split()[1] in ("systemctl", "journalctl") else "apt",
                    " ".join(cmd.split()[1:]),
                    at + SECOND // 10,
                    account=self.root,
                    image=self.image("bash"),
                )

    def ssh_guessing(self, at: int) -> None:
        st = self.state(at)
        rng = self.rng
        source = f"{rng.choice((45, 61, 92, 103, 141, 159, 185, 193, 218))}.{int(rng.random() * 250)}.{int(rng.random() * 250)}.{int(rng.random() * 250) + 1}"
        for _ in range(1 + int(rng.random() * 3)):
            port = 30_000 + int(rng.random() * 30_000)
            name = rng.choice(USERNAMES)
            self.emit.network(
                self.dev, at, st["sshd"], "InboundConnectionAccepted", source, port, local_port=22
            )
            self.emit.logon(
                self.dev,
                at + SECOND,
                st["sshd"],
                "LogonFailed",
                "Network",
                Account(self.dev.short, name, None),
                failure="InvalidUserNameOrPassword",
                remote=(None, source, port),
                is_local_admin=False,
            )
            at += int(rng.random() * 20 * SECOND)

    def updates(self, at: int) -> None:
        st = self.state(at)
        unattended = self.spawn(
            st["systemd"], "unattended", "/usr/bin/python3 /usr/bin/unattended-upgrade", at
        )
        connect_any(self, at + SECOND, unattended, net.LINUX_REPOS[:3], 2)
        if self.rng.random() < 0.5:
            suite = self.rng.choice(("jammy-updates", "jammy-security", "jammy"))
            http_get(self, at, unattended, net.LINUX_REPOS[0], f"/ubuntu/dists/{suite}/InRelease")
        if self.rng.random() < 0.4:
            dpkg = self.spawn(
                unattended,
                "dpkg",
                "/usr/bin/dpkg --status-fd 10 --no-triggers --unpack --auto-deconfigure /var/cache/apt/archives/openssl_3.0.2-0ubuntu1.18_amd64.deb",
                at + MINUTE,
            )
            path = "/usr/lib/x86_64-linux-gnu/libssl.so.3"
            self.emit.file(
                self.dev,
                at + MINUTE + SECOND,
                dpkg,
                "FileCreated",
                path,
                hashes=file_hashes("libssl", path, 18),
                size=667_864,
            )

    def service_traffic(self, at: int) -> None:
        st = self.state(at)
        rng = self.rng
        role = self.dev.role
        if role == "lnx-web" and "nginx" in st.procs:
            public = "Internet facing" in self.dev.tags or rng.random() < 0.5
            source = (
                f"{rng.choice((20, 34, 52, 66, 98, 142, 172))}.{int(rng.random() * 250)}.{int(rng.random() * 250)}.{int(rng.random() * 250) + 1}"
                if public
                else self._peer().address_at(at)
            )
            self.emit.network(
                self.dev,
                at,
                st["nginx"],
                "InboundConnectionAccepted",
                source,
                49_152 + int(rng.random() * 16_000),
                local_port=443,
            )
        elif role == "lnx-db" and "postgres" in st.procs:
            self.emit.network(
                self.dev,
                at,
                st["postgres"],
                "InboundConnectionAccepted",
                self._peer(("srv-app", "lnx-web")).address_at(at),
                49_152 + int(rng.random() * 16_000),
                local_port=5432,
            )
        else:
            connect(self, at, st.procs.get("dockerd", st["systemd"]), net.LINUX_REPOS[4])

    def _peer(self, roles: tuple[str, ...] = ("workstation",)) -> Device:
        role = roles[int(self.rng.random() * len(roles))]
        pool = self.ctx.role(role) or self.ctx.role("workstation") or self.ctx.devices
        return pool[int(self.rng.random() * len(pool))]

    def mde(self, at: int) -> None:
        connect(self, at, self.state(at)["wdavdaemon"], net.MDE_LINUX[int(self.rng.random() * 3)])

    def build(self, at: int) -> None:
        st = self.state(at)
        rng = self.rng
        runner = self.spawn(st["systemd"], "bash", "/bin/bash /opt/actions-runner/run.sh", at)
        repo = rng.choice(("payments-api", "web-portal", "data-pipeline"))
        git = self.spawn(
            runner,
            "git_l",
            f"git clone --depth 1 https://github.com/{self.ctx.org}/{repo}.git",
            at + SECOND,
        )
        connect(self, at + 2 * SECOND, git, net.DEVELOPER[0])
        curl = self.spawn(
            runner,
            "curl_l",
            "curl -fsSL https://download.docker.com/linux/ubuntu/gpg -o /tmp/docker.gpg",
            at + 30 * SECOND,
        )
        connect(self, at + 31 * SECOND, curl, net.LINUX_REPOS[3])


class MacHost(Host[UnixBoot]):
    family = "macos"

    def boot(self, at: int) -> UnixBoot:
        root = Account(self.dev.short, "root", None, kind="system")
        launchd = Proc(self.image("launchd"), 1, at, "/sbin/launchd", root, None)
        procs = {"launchd": launchd}
        procs["wdavdaemon"] = self.spawn(
            launchd,
            "wdavdaemon_m",
            "/Library/Application Support/Microsoft/Defender/wdavdaemon",
            at + 5 * SECOND,
        )
        procs["softwareupdated"] = self.spawn(
            launchd,
            "softwareupdated",
            "/System/Library/PrivateFrameworks/SoftwareUpdate.framework/Resources/softwareupdated",
            at + 6 * SECOND,
        )
        return UnixBoot(at, procs)

    def _user(self) -> Account | None:
        if not self.dev.users:
            return None
        user = self.dev.users[0]
        return Account(self.dev.short, user.name, None, user.upn, user.object_id, kind="user")

    def app(self, st: UnixBoot, key: str, cmd: str, at: int) -> Proc | None:
        user = self._user()
        if user is None:
            return None
        proc = st.running.get(key)
        if proc is None or not proc.created <= at < proc.created + 9 * HOUR:
            proc = self.spawn(st["launchd"], key, cmd, at, account=user)
            st.running[key] = proc
        return proc

    def activities(self) -> list[Activity]:
        return [
            (10, 4.0, self.browse),
            (4, 2.5, self.office),
            (3, 5.0, self.terminal),
            (3, 1.5, self.system),
            (2, 1.2, self.unlock),
        ]

    def browse(self, at: int) -> None:
        st = self.state(at)
        key = "chrome_m" if int(self.dev.id[:4], 16) % 2 else "safari"
        cmd = (
            "/Applications/Google Chrome.app/Contents/MacOS/Google Chrome"
            if key == "chrome_m"
            else "/Applications/Safari.app/Contents/MacOS/Safari"
        )
        browser = self.app(st, key, cmd, at)
        if browser is not None:
            connect_any(self, at, browser, net.WEB + net.OFFICE[:2], 2 + int(self.rng.random() * 3))

    def office(self, at: int) -> None:
        st = self.state(at)
        key = self.rng.choice(("teams_m", "outlook_m", "word_m"))
        paths = {
            "teams_m": "/Applications/Microsoft Teams.app/Contents/MacOS/MSTeams",
            "outlook_m": "/Applications/Microsoft Outlook.app/Contents/MacOS/Microsoft Outlook",
            "word_m": "/Applications/Microsoft Word.app/Contents/MacOS/Microsoft Word",
        }
        proc = self.app(st, key, paths[key], at)
        if proc is None:
            return
        connect(self, at, proc, net.TEAMS[0] if key == "teams_m" else net.OFFICE[0])
        if key == "word_m":
            path = f"/Users/{proc.account.name}/Documents/Notes {at // (86_400 * SECOND) % 90}.docx"
            self.emit.file(
                self.dev,
                at + 5 * MINUTE,
                proc,
                "FileModified",
                path,
                hashes=file_hashes("doc", path, at // HOUR),
                size=30_000,
            )

    def terminal(self, at: int) -> None:
        st = self.state(at)
        user = self._user()
        if user is None:
            return
        rng = self.rng
        terminal = self.app(st, "zsh", "/bin/zsh -l", at)
        assert terminal is not None
        choice = rng.random()
        if choice < 0.4:
            git = self.spawn(terminal, "git_m", "git pull", at + 10 * SECOND)
            connect(self, at + 11 * SECOND, git, net.DEVELOPER[0])
        elif choice < 0.7:
            curl = self.spawn(
                terminal,
                "curl_m",
                "curl -sS https://api.github.com/repos/microsoft/vscode/releases/latest",
                at + 10 * SECOND,
            )
            connect(self, at + 11 * SECOND, curl, net.DEVELOPER[1])
        else:
            self.spawn(terminal, "python3_m", "python3 -m venv .venv", at + 10 * SECOND)

    def system(self, at: int) -> None:
        st = self.state(at)
        if self.rng.random() < 0.5:
            connect(self, at, st["softwareupdated"], net.APPLE[int(self.rng.random() * 3)])
        else:
            connect(self, at, st["wdavdaemon"], net.MDE_LINUX[0])

    def unlock(self, at: int) -> None:
        user = self._user()
        if user is None:
            return
        st = self.state(at)
        self.emit.logon(
            self.dev, at, st["launchd"], "LogonSuccess", "Interactive", user, is_local_admin=True
        )
