"""Data: the internet services devices talk to, by purpose, with the addresses they resolve to.

Addresses of well-known services are in those services' published ranges, so traffic
looks like a real office network's (Microsoft 365, Windows Update, Defender, browsers,
package mirrors). Attacker infrastructure stays in documentation ranges and reserved
example domains (see `catalog_threats`), plus a few abused legitimate services (Telegram
bot API, paste and file-transfer sites) that real intrusions use."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Service:
    """A host name, the addresses it resolves to and the port clients use."""

    host: str
    ips: tuple[str, ...]
    port: int = 443


def _s(host: str, *ips: str, port: int = 443) -> Service:
    return Service(host, ips, port)


MICROSOFT_AUTH = (
    _s("login.microsoftonline.com", "20.190.151.68", "20.190.151.131", "40.126.23.36"),
    _s("login.live.com", "20.190.151.7"),
    _s("graph.microsoft.com", "20.190.152.17", "40.126.24.80"),
    _s("enterpriseregistration.windows.net", "20.190.151.9"),
)
WINDOWS_PLATFORM = (
    _s("settings-win.data.microsoft.com", "20.42.65.92", "40.127.240.158"),
    _s("v10.events.data.microsoft.com", "13.69.239.78", "20.189.173.14"),
    _s("self.events.data.microsoft.com", "52.168.117.173"),
    _s("ctldl.windowsupdate.com", "23.45.232.41", "93.184.221.240", port=80),
    _s("slscr.update.microsoft.com", "20.54.89.106"),
    _s("fe3cr.delivery.mp.microsoft.com", "20.12.23.50", "52.165.165.26"),
    _s("tlu.dl.delivery.mp.microsoft.com", "23.59.190.183", port=80),
    _s("arc.msn.com", "20.110.205.119"),
    _s("client.wns.windows.com", "20.44.229.112"),
    _s("ocsp.digicert.com", "93.184.220.29", port=80),
    _s("crl.microsoft.com", "23.46.8.132", port=80),
)
DEFENDER = (
    _s("wdcp.microsoft.com", "20.42.73.31"),
    _s("wdcpalt.microsoft.com", "20.42.73.30"),
    _s("winatp-gw-eus.microsoft.com", "20.42.65.88"),
    _s("us-v20.events.data.microsoft.com", "20.189.173.4"),
    _s("edr-eus.us.endpoint.security.microsoft.com", "20.10.127.192"),
    _s("definitionupdates.microsoft.com", "20.189.173.8"),
    _s("go.microsoft.com", "23.59.193.131"),
    _s("nav.smartscreen.microsoft.com", "20.42.73.26"),
    _s("unitedstates.cp.wd.microsoft.com", "20.42.73.33"),
)
OFFICE = (
    _s("outlook.office365.com", "52.96.165.18", "52.97.146.162", "40.99.10.34"),
    _s("officeclient.microsoft.com", "52.109.8.21"),
    _s("officecdn.microsoft.com", "23.47.204.201", port=80),
    _s("nexusrules.officeapps.live.com", "52.109.12.18"),
    _s("ecs.office.com", "52.113.194.133"),
    _s("messaging.engagement.office.com", "52.113.196.254"),
    _s("roaming.officeapps.live.com", "52.109.76.243"),
)
TEAMS = (
    _s("teams.microsoft.com", "52.113.194.132", "52.114.128.10"),
    _s("presence.teams.microsoft.com", "52.113.205.5"),
    _s("trouter-azsc-usea-0-a.trouter.teams.microsoft.com", "52.114.32.21"),
    _s("statics.teams.cdn.office.net", "13.107.246.40"),
)
ONEDRIVE = (
    _s("{org}-my.sharepoint.com", "13.107.136.10", "13.107.138.10"),
    _s("{org}.sharepoint.com", "13.107.136.9"),
    _s("skyapi.live.net", "20.190.151.9"),
)
EDGE_CHROME = (
    _s("edge.microsoft.com", "13.107.21.239"),
    _s("config.edge.skype.com", "13.107.42.16"),
    _s("update.googleapis.com", "142.250.72.99"),
    _s("clients2.google.com", "142.250.72.110"),
    _s("accounts.google.com", "142.250.64.77"),
)
WEB = (
    _s("www.google.com", "142.250.72.100", "142.250.64.68"),
    _s("www.bing.com", "13.107.21.200", "204.79.197.200"),
    _s("www.office.com", "13.107.6.156"),
    _s("learn.microsoft.com", "23.62.227.25"),
    _s("www.linkedin.com", "13.107.42.14"),
    _s("www.youtube.com", "142.250.72.110"),
    _s("en.wikipedia.org", "185.15.59.224"),
    _s("www.bbc.co.uk", "151.101.0.81"),
    _s("www.nytimes.com", "151.101.1.164"),
    _s("www.amazon.com", "18.160.143.131"),
    _s("fonts.googleapis.com", "142.250.72.106"),
    _s("ajax.googleapis.com", "142.250.64.74"),
    _s("cdn.jsdelivr.net", "104.16.85.20"),
    _s("www.salesforce.com", "23.1.106.133"),
    _s("zoom.us", "170.114.52.2"),
    _s("slack.com", "34.236.233.167"),
    _s("www.dropbox.com", "162.125.2.18"),
    _s("docs.google.com", "142.250.64.78"),
    _s("stackoverflow.com", "104.18.32.7"),
    _s("www.reddit.com", "151.101.193.140"),
    _s("weather.com", "23.220.132.54"),
)
SECURITY_RESEARCH = (
    _s("attack.mitre.org", "185.199.108.153"),
    _s("www.virustotal.com", "74.125.34.46"),
    _s("kqlquery.com", "185.199.109.153"),
    _s("kqlsearch.com", "104.21.48.201"),
    _s("security.microsoft.com", "20.42.65.84"),
    _s("github.com", "140.82.112.3"),
)
DEVELOPER = (
    _s("github.com", "140.82.112.3", "140.82.113.4"),
    _s("api.github.com", "140.82.112.6"),
    _s("objects.githubusercontent.com", "185.199.108.133"),
    _s("pypi.org", "151.101.0.223"),
    _s("files.pythonhosted.org", "151.101.64.223"),
    _s("registry.npmjs.org", "104.16.27.34"),
    _s("marketplace.visualstudio.com", "13.107.42.18"),
    _s("dev.azure.com", "13.107.42.20"),
    _s("mcr.microsoft.com", "204.79.197.219"),
    _s("nuget.org", "13.107.246.43"),
)
LINUX_REPOS = (
    _s("archive.ubuntu.com", "91.189.91.81", "185.125.190.36", port=80),
    _s("security.ubuntu.com", "91.189.91.82", "185.125.190.39", port=80),
    _s("packages.microsoft.com", "13.80.99.124"),
    _s("download.docker.com", "18.160.143.29"),
    _s("registry-1.docker.io", "54.227.20.253"),
    _s("api.snapcraft.io", "185.125.188.55"),
    _s("cdn.redhat.com", "23.55.17.117"),
    _s("mirrors.fedoraproject.org", "38.145.60.21"),
)
MDE_LINUX = (
    _s("edr-eus.us.endpoint.security.microsoft.com", "20.10.127.192"),
    _s("x.cp.wd.microsoft.com", "20.42.73.29"),
    _s("unitedstates.x.cp.wd.microsoft.com", "20.42.73.33"),
)
APPLE = (
    _s("swscan.apple.com", "17.253.17.205"),
    _s("gdmf.apple.com", "17.32.194.37"),
    _s("mesu.apple.com", "17.253.17.202"),
    _s("api.apple-cloudkit.com", "17.248.210.64"),
    _s("gateway.icloud.com", "17.248.211.66"),
)
ABUSED = (
    _s("api.telegram.org", "149.154.167.220"),
    _s("pastebin.com", "104.20.68.143"),
    _s("raw.githubusercontent.com", "185.199.110.133"),
    _s("transfer.sh", "144.76.136.153"),
    _s("temp.sh", "104.21.59.109"),
    _s("mega.nz", "66.203.125.11"),
)
ANYDESK = (
    _s("boot.net.anydesk.com", "195.181.174.176"),
    _s("relay-5b8e1a3c.net.anydesk.com", "195.181.174.209", "37.61.220.25"),
)

NTP_SERVERS = ("time.windows.com", "ntp.ubuntu.com")
