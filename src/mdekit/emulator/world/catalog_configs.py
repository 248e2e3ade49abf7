"""Data: secure configuration assessments (SCIDs) and security baseline benchmarks.

SCIDs and names follow TVM's secure configuration catalogue; `rate` is the share of
devices that comply in an average tenant. Some assessments are not drawn at random but
follow the device (`link`): the sensor health, the antivirus state, onboarding. The
baseline controls follow the CIS benchmark layout; descriptions are our own words."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SecureConfig:
    """One secure configuration assessment (a `scid-NNNN`)."""

    scid: str
    name: str
    category: str
    subcategory: str
    impact: int
    """Weight in the configuration score (1-10), also the recommendation's severityScore."""
    kinds: tuple[str, ...]
    """Machine kinds it is assessed on ("win-client", "win-server", "linux", "macos")."""
    rate: float
    user_impact: bool = False
    link: str | None = None
    """"onboarded", "sensor-data", "sensor-comms", "av-on", "av-realtime",
    "av-signatures": compliance follows the device state instead of chance."""
    physical_only: bool = False
    """Not applicable on virtual machines (BitLocker, Credential Guard)."""


_WIN = ("win-client", "win-server")
_SC = "Security controls"
_ASR = "Attack Surface Reduction"

SECURE_CONFIGS = (
    SecureConfig("scid-20000", "Onboard devices to Microsoft Defender for Endpoint", _SC,
                 "Onboard Devices", 9, _WIN, 1.0, link="onboarded"),
    SecureConfig("scid-2001", "Fix Microsoft Defender for Endpoint sensor data collection",
                 _SC, "EDR", 8, _WIN, 1.0, link="sensor-data"),
    SecureConfig("scid-2002", "Fix Microsoft Defender for Endpoint impaired communications",
                 _SC, "EDR", 8, _WIN, 1.0, link="sensor-comms"),
    SecureConfig("scid-2003", "Turn on Tamper Protection", _SC, "Antivirus", 8, _WIN, 0.88),
    SecureConfig("scid-2010", "Turn on Microsoft Defender Antivirus", _SC, "Antivirus", 9,
                 _WIN, 1.0, link="av-on"),
    SecureConfig("scid-2011", "Update Microsoft Defender Antivirus definitions", _SC,
                 "Antivirus", 9, _WIN, 1.0, link="av-signatures"),
    SecureConfig("scid-2012", "Turn on real-time protection", _SC, "Antivirus", 9, _WIN, 1.0,
                 link="av-realtime"),
    SecureConfig("scid-2013", "Turn on PUA protection in block mode", _SC, "Antivirus", 5,
                 _WIN, 0.55),
    SecureConfig("scid-2016", "Enable cloud-delivered protection", _SC, "Antivirus", 7, _WIN,
                 0.9),
    SecureConfig("scid-2020", "Turn on all system-level Exploit protection settings", _SC,
                 "Exploit Guard", 5, _WIN, 0.6),
    SecureConfig("scid-2021", "Set controlled folder access to enabled or audit mode", _SC,
                 "Controlled Folder Access", 4, ("win-client",), 0.35, user_impact=True),
    SecureConfig("scid-2060", "Set Microsoft Defender SmartScreen app and file checking to "
                 "block or warn", _SC, "SmartScreen", 5, ("win-client",), 0.85),
    SecureConfig("scid-2061", "Set Microsoft Defender SmartScreen Microsoft Edge site and "
                 "download checking to block or warn", _SC, "SmartScreen", 5,
                 ("win-client",), 0.85),
    SecureConfig("scid-2070", "Turn on Microsoft Defender Firewall", _SC, "Firewall", 8, _WIN,
                 0.96),
    SecureConfig("scid-2071", "Secure Microsoft Defender Firewall domain profile", _SC,
                 "Firewall", 5, _WIN, 0.7),
    SecureConfig("scid-2072", "Secure Microsoft Defender Firewall private profile", _SC,
                 "Firewall", 5, _WIN, 0.62),
    SecureConfig("scid-2073", "Secure Microsoft Defender Firewall public profile", _SC,
                 "Firewall", 5, _WIN, 0.62),
    SecureConfig("scid-2080", "Turn on Microsoft Defender Credential Guard", _SC,
                 "Credential Guard", 6, ("win-client",), 0.45, physical_only=True),
    SecureConfig("scid-2090", "Encrypt all BitLocker-supported drives", _SC, "BitLocker", 7,
                 ("win-client",), 0.82, physical_only=True),
    SecureConfig("scid-2500", "Block executable content from email client and webmail", _SC,
                 _ASR, 9, ("win-client",), 0.7),
    SecureConfig("scid-2501", "Block all Office applications from creating child processes",
                 _SC, _ASR, 9, ("win-client",), 0.55, user_impact=True),
    SecureConfig("scid-2502", "Block Office applications from creating executable content",
                 _SC, _ASR, 8, ("win-client",), 0.6),
    SecureConfig("scid-2503", "Block Office applications from injecting code into other "
                 "processes", _SC, _ASR, 8, ("win-client",), 0.6),
    SecureConfig("scid-2504", "Block JavaScript or VBScript from launching downloaded "
                 "executable content", _SC, _ASR, 8, ("win-client",), 0.62),
    SecureConfig("scid-2505", "Block execution of potentially obfuscated scripts", _SC, _ASR,
                 8, ("win-client",), 0.5, user_impact=True),
    SecureConfig("scid-2506", "Block Win32 API calls from Office macros", _SC, _ASR, 8,
                 ("win-client",), 0.58),
    SecureConfig("scid-2509", "Block credential stealing from the Windows local security "
                 "authority subsystem (lsass.exe)", _SC, _ASR, 9, _WIN, 0.66),
    SecureConfig("scid-2510", "Block process creations originating from PSExec and WMI "
                 "commands", _SC, _ASR, 7, _WIN, 0.3, user_impact=True),
    SecureConfig("scid-2515", "Block abuse of exploited vulnerable signed drivers", _SC, _ASR,
                 9, _WIN, 0.72),
    SecureConfig("scid-39", "Enable 'Domain member: Digitally sign secure channel data (when "
                 "possible)'", "OS", "", 5, _WIN, 0.95),
    SecureConfig("scid-74", "Disable 'Continue running background apps when Google Chrome is "
                 "closed'", "Application", "Google Chrome", 3, ("win-client",), 0.4),
    SecureConfig("scid-10000", "Disable insecure administration protocol - Telnet", "Network",
                 "", 5, (*_WIN, "linux"), 0.99),
    SecureConfig("scid-3001", "Set 'Minimum password length' to '14 or more character(s)'",
                 "Accounts", "Password Policy", 6, _WIN, 0.8),
    SecureConfig("scid-3002", "Set 'Account lockout threshold' to 1-10 invalid sign-on "
                 "attempts", "Accounts", "Account Lockout", 6, _WIN, 0.75),
    SecureConfig("scid-6090", "Enable Microsoft Defender Antivirus real-time protection for "
                 "Linux", _SC, "Antivirus", 9, ("linux",), 0.9),
    SecureConfig("scid-6093", "Enable Microsoft Defender Antivirus real-time behavior "
                 "monitoring for Linux", _SC, "Antivirus", 5, ("linux",), 0.8),
    SecureConfig("scid-6095", "Enable Microsoft Defender Antivirus cloud-delivered protection "
                 "for Linux", _SC, "Antivirus", 7, ("linux",), 0.85),
    SecureConfig("scid-5090", "Enable Microsoft Defender Antivirus real-time protection for "
                 "macOS", _SC, "Antivirus", 9, ("macos",), 0.93),
    SecureConfig("scid-5095", "Enable Microsoft Defender Antivirus cloud-delivered protection "
                 "for macOS", _SC, "Antivirus", 7, ("macos",), 0.9),
    SecureConfig("scid-5091", "Turn on the macOS firewall", _SC, "Firewall", 6, ("macos",),
                 0.7),
)  # fmt: skip


@dataclass(frozen=True)
class BaselineControl:
    """A CIS control as security baselines assess it."""

    id: str
    name: str
    category: str
    cce: str | None
    source: str
    recommended: str
    compliant_value: str
    failing_value: str
    rate: float
    description: str
    rationale: str
    remediation: str


def _p(text: str) -> str:
    return f'<p xmlns:xhtml="http://www.w3.org/1999/xhtml">{text}</p>'


_FW = "hkey_local_machine\\software\\policies\\microsoft\\windowsfirewall\\"

BASELINE_CONTROLS = (
    BaselineControl("1.1.1", "Ensure 'Enforce password history' is set to '24 or more "
                    "password(s)'", "Password Policy", "CCE-37166-6", "password_hist_len",
                    "Greater than or equal '24'", "24", "10", 0.85,
                    _p("How many previous passwords are remembered, so that users cannot "
                       "reuse them."),
                    _p("Reused passwords stay valid longer for anyone who learned them."),
                    _p("Set Computer Configuration\\Policies\\Windows Settings\\Security "
                       "Settings\\Account Policies\\Password Policy\\Enforce password "
                       "history to 24.")),
    BaselineControl("1.1.2", "Ensure 'Maximum password age' is set to '365 or fewer days, "
                    "but not 0'", "Password Policy", "CCE-37167-4", "max_passwd_age",
                    "Less than or equal '365'", "90", "0", 0.9,
                    _p("How long a password can be used before it must change."),
                    _p("Old passwords give attackers more time to guess or reuse them."),
                    _p("Set Maximum password age to 365 days or fewer, but not 0.")),
    BaselineControl("1.1.4", "Ensure 'Minimum password length' is set to '14 or more "
                    "character(s)'", "Password Policy", "CCE-36534-6", "min_passwd_len",
                    "Greater than or equal '14'", "14", "8", 0.6,
                    _p("The fewest characters a password may have."),
                    _p("Short passwords fall quickly to guessing attacks."),
                    _p("Set Minimum password length to 14.")),
    BaselineControl("1.1.5", "Ensure 'Password must meet complexity requirements' is set to "
                    "'Enabled'", "Password Policy", "CCE-37063-5", "password_complexity",
                    "Equals '1'", "1", "0", 0.93,
                    _p("Whether passwords must mix character classes."),
                    _p("Simple passwords are easier to guess."),
                    _p("Enable Password must meet complexity requirements.")),
    BaselineControl("1.2.1", "Ensure 'Account lockout duration' is set to '15 or more "
                    "minute(s)'", "Account Lockout Policy", "CCE-37034-6",
                    "lockout_duration", "Greater than or equal '15'", "30", "5", 0.8,
                    _p("How long a locked-out account stays locked."),
                    _p("Short lockouts let password guessing continue almost unhindered."),
                    _p("Set Account lockout duration to 15 minutes or more.")),
    BaselineControl("1.2.2", "Ensure 'Account lockout threshold' is set to '5 or fewer "
                    "invalid logon attempt(s), but not 0'", "Account Lockout Policy",
                    "CCE-36008-1", "lockout_threshold", "Less than or equal '5'", "5", "0",
                    0.7,
                    _p("How many failed sign-ins lock an account."),
                    _p("Without a threshold, passwords can be guessed without limit."),
                    _p("Set Account lockout threshold to 5 or fewer, but not 0.")),
    BaselineControl("9.1.1", "Ensure 'Windows Firewall: Domain: Firewall state' is set to "
                    "'On (recommended)'", "Domain Profile", "CCE-36062-8",
                    _FW + "domainprofile\\enablefirewall", "Equals '1'", "1", "0", 0.95,
                    _p("Whether the firewall filters traffic on the domain profile."),
                    _p("An open host exposes every listening service to the network."),
                    _p("Set Firewall state to On for the domain profile.")),
    BaselineControl("9.2.1", "Ensure 'Windows Firewall: Private: Firewall state' is set to "
                    "'On (recommended)'", "Private Profile", "CCE-38239-0",
                    _FW + "privateprofile\\enablefirewall", "Equals '1'", "1", "0", 0.93,
                    _p("Whether the firewall filters traffic on the private profile."),
                    _p("An open host exposes every listening service to the network."),
                    _p("Set Firewall state to On for the private profile.")),
    BaselineControl("9.3.1", "Ensure 'Windows Firewall: Public: Firewall state' is set to "
                    "'On (recommended)'", "Public Profile", "CCE-37862-0",
                    _FW + "publicprofile\\enablefirewall", "Equals '1'", "1", "0", 0.96,
                    _p("Whether the firewall filters traffic on the public profile."),
                    _p("Public networks are the most hostile; filtering matters most there."),
                    _p("Set Firewall state to On for the public profile.")),
    BaselineControl("9.3.9", "Ensure 'Windows Firewall: Public: Logging: Log dropped "
                    "packets' is set to 'Yes'", "Public Profile", "CCE-35116-3",
                    _FW + "publicprofile\\logging\\logdroppedpackets", "Equals '1'", "1", "0",
                    0.5,
                    _p("Whether the firewall writes dropped inbound packets to its log."),
                    _p("Without the log, the cause of blocked traffic or probing is hidden."),
                    _p("Set Log dropped packets to Yes for the public profile.")),
    BaselineControl("18.4.1", "Ensure 'Configure SMB v1 client driver' is set to 'Enabled: "
                    "Disable driver (recommended)'", "MS Security Guide", None,
                    "hkey_local_machine\\system\\currentcontrolset\\services\\mrxsmb10\\start",
                    "Equals '4'", "4", "3", 0.88,
                    _p("Whether the SMBv1 client driver can load."),
                    _p("SMBv1 lacks modern protections and has been widely exploited."),
                    _p("Disable the SMB v1 client driver.")),
)  # fmt: skip


@dataclass(frozen=True)
class BaselineProfileSpec:
    """A security baseline profile the tenant created."""

    name: str
    description: str
    benchmark_version: str
    """CIS benchmark version plus OS ("3.0.0-windows_11_enterprise")."""
    operating_system: str
    operating_system_version: str
    os_platform: str
    os_release: str | None
    """Machine `version` the profile applies to; None = every version of the platform."""
    compliance_level: str


BASELINE_PROFILES = (
    BaselineProfileSpec("Windows 11 workstations - CIS L1", "Corporate baseline for "
                        "Windows 11 23H2 workstations", "3.0.0-windows_11_enterprise",
                        "Windows 11", "23H2", "Windows11", "23H2",
                        "Level 1 (L1) - Corporate/Enterprise Environment (general use)"),
    BaselineProfileSpec("Windows 10 workstations - CIS L1", "Baseline for the remaining "
                        "Windows 10 22H2 fleet", "3.0.0-windows_10_enterprise", "Windows 10",
                        "22H2", "Windows10", "22H2",
                        "Level 1 (L1) - Corporate/Enterprise Environment (general use)"),
    BaselineProfileSpec("Member servers 2022 - CIS L1", "Windows Server 2022 member "
                        "servers", "3.0.0-windows_server_2022", "Windows Server 2022", "21H2",
                        "WindowsServer2022", None, "Level 1 - Member Server"),
)  # fmt: skip

BASELINE_LEVELS = {
    "Level 1 (L1) - Corporate/Enterprise Environment (general use)": (
        "Level 1 (L1) - Corporate/Enterprise Environment (general use)",
        "Level 2 (L2) - High Security/Sensitive Data Environment (limited functionality)",
    ),
    "Level 1 - Member Server": ("Level 1 - Member Server", "Level 2 - Member Server"),
}
"""The compliance levels a configuration of each kind of benchmark appears in."""
