"""Data: browser extensions and their permissions, hardware models, certificate issuers.

Extension ids follow the store formats (32 letters a-p for Chromium stores, an e-mail or
GUID form for Firefox); permission keys are the browsers' manifest permission names, the
names and descriptions our own words. Manufacturer and model spellings follow TVM's
lower-case, underscore style."""

from __future__ import annotations

from dataclasses import dataclass

PERMISSIONS = (
    # (key, permission name, description, risk)
    ("activeTab", "Access the active tab on user action",
     "Reads and changes the page in the current tab after the user invokes the extension.",
     "Low"),
    ("alarms", "Schedule code to run", "Runs code at set times or intervals.", "None"),
    ("audioCapture", "Capture audio from attached mic or webcam",
     "Records audio from the microphone; could be used to listen in on the user.", "High"),
    ("browsingData", "Clear browsing data",
     "Removes history, cache and cookies, which can hinder forensics.", "Medium"),
    ("clipboardRead", "Read data from the clipboard",
     "Reads whatever the user copied, including passwords.", "High"),
    ("clipboardWrite", "Write data to the clipboard", "Replaces clipboard contents.", "Low"),
    ("contextMenus", "Add items to the context menu", "Adds entries to right-click menus.",
     "None"),
    ("cookies", "Read and change cookies",
     "Reads and sets cookies of the sites it can access, including session tokens.", "High"),
    ("debugger", "Attach the debugger to pages",
     "Attaches to tabs with the debugging protocol and can read or change anything.",
     "Critical"),
    ("declarativeNetRequest", "Block or modify network requests",
     "Blocks or rewrites requests with declarative rules.", "Medium"),
    ("downloads", "Manage downloads", "Starts, reads and changes the user's downloads.",
     "Medium"),
    ("history", "Read and change browsing history",
     "Reads every site the user visited and can delete history.", "High"),
    ("identity", "Get the user's identity",
     "Gets OAuth tokens and the signed-in user's e-mail address.", "Medium"),
    ("management", "Manage other extensions",
     "Lists, enables, disables and uninstalls other extensions.", "High"),
    ("nativeMessaging", "Communicate with native applications",
     "Exchanges messages with programs installed on the device.", "High"),
    ("notifications", "Display notifications", "Shows system notifications.", "None"),
    ("privacy", "Change privacy settings", "Changes the browser's privacy settings.",
     "Medium"),
    ("proxy", "Control proxy settings",
     "Routes the browser's traffic through a proxy of its choice.", "Critical"),
    ("scripting", "Inject scripts into pages",
     "Runs its own scripts in the pages it can access.", "Medium"),
    ("storage", "Store data locally", "Keeps its own settings and data.", "None"),
    ("tabs", "Read the browsing activity of tabs",
     "Reads the address and title of every open tab.", "High"),
    ("unlimitedStorage", "Store unlimited data", "Stores data without the usual quota.",
     "Low"),
    ("webNavigation", "Observe navigation", "Sees every page load in every tab.", "Medium"),
    ("webRequest", "Observe network requests",
     "Observes the requests of the pages it can access.", "High"),
    ("webRequestBlocking", "Block or change network requests",
     "Intercepts and changes requests in flight.", "High"),
    ("<all_urls>", "Read and change all data on all websites",
     "Full access to the content of every site the user visits.", "High"),
    ("http://*/*", "Read and change data on all HTTP sites",
     "Full access to every unencrypted site.", "High"),
    ("https://*/*", "Read and change data on all HTTPS sites",
     "Full access to every encrypted site.", "High"),
)  # fmt: skip
PERMISSION_RISK = {key: risk for key, _, _, risk in PERMISSIONS}
RISK_ORDER = ("None", "Low", "Medium", "High", "Critical")


@dataclass(frozen=True)
class Extension:
    """A browser extension as the inventory reports it."""

    browser: str
    id: str
    name: str
    description: str
    version: str
    permissions: tuple[str, ...]
    weight: int
    """How common it is among users of that browser."""


EXTENSIONS = (
    Extension("chrome", "cjpalhdlnbpafiamejdnhcphjbkeiagm", "uBlock Origin",
              "An efficient content blocker.", "1.63.2",
              ("storage", "tabs", "webNavigation", "webRequest", "<all_urls>", "contextMenus",
               "privacy"), 14),
    Extension("chrome", "ghbmnnjooekpmoecnnnilnnbdlolhkhi", "Google Docs Offline",
              "Edit documents offline.", "1.87.1", ("alarms", "storage", "unlimitedStorage"),
              30),
    Extension("chrome", "efaidnbmnnnibpcajpcglclefindmkaj", "Adobe Acrobat",
              "View, fill and sign PDFs in the browser.", "25.5.1.0",
              ("contextMenus", "tabs", "downloads", "nativeMessaging", "webRequest",
               "<all_urls>", "storage", "scripting"), 20),
    Extension("chrome", "hdokiejnpimakedhajhdlcegeplioahd", "LastPass: Free Password Manager",
              "Save and fill passwords.", "4.146.0",
              ("tabs", "storage", "webRequest", "contextMenus", "http://*/*", "https://*/*",
               "clipboardWrite", "notifications"), 8),
    Extension("chrome", "kbfnbcaeplbcioakkpcpgfkobkghlhen", "Grammarly: AI Writing Assistant",
              "Writing suggestions as you type.", "14.1239.0",
              ("tabs", "storage", "cookies", "http://*/*", "https://*/*", "notifications",
               "scripting"), 10),
    Extension("chrome", "dkpejdfnpdkhifgbancbammdijojoffk", "Logitech Smooth Scrolling",
              "Smooth scrolling for Logitech mice and touchpads.", "6.65.62",
              ("tabs", "http://*/*", "https://*/*"), 3),
    Extension("chrome", "aapbdbdomjkkjkaonfhkkikfgjllcleb", "Google Translate",
              "Translate pages and selections.", "2.0.16",
              ("activeTab", "contextMenus", "storage", "scripting"), 12),
    Extension("chrome", "fmkadmapgofadopljbjfkapdkoienihi", "React Developer Tools",
              "Inspect React component trees.", "6.1.1",
              ("storage", "scripting", "tabs", "<all_urls>"), 3),
    Extension("chrome", "nkbihfbeogaeaoehlefnkodbefgpgknn", "MetaMask",
              "A crypto wallet in the browser.", "12.9.3",
              ("activeTab", "clipboardWrite", "notifications", "scripting", "storage",
               "unlimitedStorage", "webRequest"), 1),
    Extension("chrome", "lgjdgmdbfhobkdbcjnpnlmhnplnidkkp", "PDF Converter Pro Free",
              "Convert files to PDF online.", "3.0.2",
              ("proxy", "management", "cookies", "history", "<all_urls>", "webRequest",
               "declarativeNetRequest"), 1),
    Extension("edge", "odfafepnkmbhccpbejgmiehpchacaeak", "uBlock Origin",
              "An efficient content blocker.", "1.63.2",
              ("storage", "tabs", "webNavigation", "webRequest", "<all_urls>", "contextMenus",
               "privacy"), 10),
    Extension("edge", "elhekieabhbkpmcefcoobjddigjcaadp", "Adobe Acrobat",
              "View, fill and sign PDFs in the browser.", "25.5.1.0",
              ("contextMenus", "tabs", "downloads", "nativeMessaging", "<all_urls>",
               "storage"), 15),
    Extension("edge", "cnlefmmeadmemmdciolhbnfeacpdfbkd", "Grammarly for Microsoft Edge",
              "Writing suggestions as you type.", "14.1239.0",
              ("tabs", "storage", "cookies", "https://*/*", "scripting"), 6),
    Extension("edge", "fihnjjcciajhdojfnbdddfaoknhalnja", "I still don't care about cookies",
              "Dismisses cookie banners.", "1.1.4",
              ("tabs", "storage", "webNavigation", "<all_urls>", "scripting"), 4),
    Extension("edge", "kmjkaocfmjacojbhfffjekenopolmkoe", "Contoso SSO Helper",
              "Signs in to internal applications.", "2.3.0",
              ("identity", "cookies", "nativeMessaging", "https://*/*"), 8),
    Extension("firefox", "uBlock0@raymondhill.net", "uBlock Origin",
              "An efficient content blocker.", "1.63.2",
              ("storage", "tabs", "webNavigation", "webRequest", "webRequestBlocking",
               "<all_urls>", "privacy"), 20),
    Extension("firefox", "{446900e4-71c2-419f-a6a7-df9c091e268b}", "Bitwarden Password Manager",
              "Save and fill passwords.", "2025.4.0",
              ("tabs", "storage", "contextMenus", "clipboardRead", "clipboardWrite",
               "<all_urls>", "webRequest"), 10),
)  # fmt: skip


@dataclass(frozen=True)
class HardwareModel:
    """A device model and the firmware and processors it comes with."""

    manufacturer: str
    model: str
    family: str
    """"Laptop", "Workstation", "Server" or "VirtualMachine"."""
    sku: str
    baseboard: str
    bios_vendor: str
    bios_versions: tuple[str, ...]
    processors: tuple[tuple[str, str, int], ...]
    """(manufacturer, processor name, cores)."""
    weight: int


HARDWARE = (
    HardwareModel("dell", "latitude_7440", "Laptop", "0C02", "0WXW8T", "dell inc.",
                  ("1.14.1", "1.16.0", "1.18.0"),
                  (("intel", "core_i7-1365u", 10), ("intel", "core_i5-1345u", 10)), 30),
    HardwareModel("lenovo", "thinkpad_t14_gen_4", "Laptop", "21HD004XUS", "21HD004XUS",
                  "lenovo", ("R2FET49W (1.29 )", "R2FET54W (1.34 )"),
                  (("amd", "ryzen_7_pro_7840u", 8), ("intel", "core_i7-1355u", 10)), 25),
    HardwareModel("hp", "elitebook_840_g10", "Laptop", "818N2EA#ABD", "8B41", "hp",
                  ("V82 Ver. 01.04.02", "V82 Ver. 01.06.00"),
                  (("intel", "core_i7-1365u", 10),), 20),
    HardwareModel("microsoft", "surface_laptop_5", "Laptop", "Surface_Laptop_5_1950",
                  "Surface Laptop 5", "microsoft corporation", ("8.101.143", "10.101.143"),
                  (("intel", "core_i7-1265u", 10),), 8),
    HardwareModel("dell", "optiplex_7010", "Workstation", "0BE4", "0KX8MM", "dell inc.",
                  ("1.12.0", "1.15.1"), (("intel", "core_i5-13500", 14),), 12),
    HardwareModel("hp", "elitedesk_800_g9", "Workstation", "5V8X9EA#ABD", "895E", "hp",
                  ("U21 Ver. 02.15.00", "U21 Ver. 02.18.00"),
                  (("intel", "core_i7-12700", 12),), 8),
)  # fmt: skip
SERVER_HARDWARE = (
    HardwareModel("dell", "poweredge_r750", "Server", "0A51", "0PJ7YJ", "dell inc.",
                  ("1.13.2", "1.15.2"), (("intel", "xeon_gold_6338", 32),), 5),
    HardwareModel("hpe", "proliant_dl380_gen10_plus", "Server", "P05172-B21", "ProLiant DL380 "
                  "Gen10 Plus", "hpe", ("U46 v1.90", "U46 v2.10"),
                  (("intel", "xeon_silver_4314", 16),), 4),
    HardwareModel("microsoft_corporation", "virtual_machine", "VirtualMachine", "None",
                  "Virtual Machine", "microsoft corporation",
                  ("Hyper-V UEFI Release v4.1",), (("intel", "xeon_platinum_8370c", 4),), 8),
)  # fmt: skip
MAC_HARDWARE = (
    HardwareModel("apple", "macbook_pro_(14-inch,_m3,_2023)", "Laptop", "Mac15,3", "Mac15,3",
                  "apple", ("10151.141.1", "11881.81.4"), (("apple", "m3", 8),), 5),
    HardwareModel("apple", "macbook_air_(13-inch,_m2,_2022)", "Laptop", "Mac14,2", "Mac14,2",
                  "apple", ("10151.141.1", "11881.81.4"), (("apple", "m2", 8),), 4),
)  # fmt: skip

PUBLIC_TLS_ISSUER = ("DigiCert Global G2 TLS RSA SHA256 2020 CA1", "DigiCert Inc", "US")
INTUNE_ISSUER = ("Microsoft Intune MDM Device CA", "Microsoft Corporation", "US")
