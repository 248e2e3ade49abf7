"""The emulator's tables (SQLAlchemy Core). SQLite by default, PostgreSQL by URL.

Entities the API returns are kept as their JSON wire document (`doc`) beside the few
columns that `$filter`, ordering and joins need, so a page is served by splicing stored
JSON rather than rebuilding objects."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

SCHEMA_VERSION = 3
"""The newest step of `store.migrations`; a database records the step it has reached."""

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

tenants = Table(
    "tenants",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("display_name", String(256), nullable=False),
    Column("default_domain", String(256), nullable=False, unique=True),
    Column("created", Float, nullable=False),
)

applications = Table(
    "applications",
    metadata,
    Column("object_id", String(36), primary_key=True),
    Column("app_id", String(36), nullable=False, unique=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False),
    Column("display_name", String(256), nullable=False),
    Column("sign_in_audience", String(64), nullable=False),
    Column("required_resource_access", Text, nullable=False),
    Column("web_redirect_uris", Text, nullable=False, default="[]"),
    Column("created", Float, nullable=False),
)

password_credentials = Table(
    "password_credentials",
    metadata,
    Column("key_id", String(36), primary_key=True),
    Column(
        "application_object_id",
        String(36),
        ForeignKey("applications.object_id"),
        nullable=False,
        index=True,
    ),
    Column("display_name", String(256), nullable=True),
    Column("hint", String(8), nullable=False),
    Column("salt", String(64), nullable=False),
    Column("secret_hash", String(128), nullable=False),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
)

key_credentials = Table(
    "key_credentials",
    metadata,
    Column("key_id", String(36), primary_key=True),
    Column(
        "application_object_id",
        String(36),
        ForeignKey("applications.object_id"),
        nullable=False,
        index=True,
    ),
    Column("display_name", String(256), nullable=True),
    Column("thumbprint_sha1", String(40), nullable=False, index=True),
    Column("thumbprint_sha256", String(64), nullable=False, index=True),
    Column("certificate_pem", Text, nullable=False),
    Column("start", Float, nullable=False),
    Column("end", Float, nullable=False),
)

service_principals = Table(
    "service_principals",
    metadata,
    Column("object_id", String(36), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False),
    Column("app_id", String(36), nullable=False),
    Column("display_name", String(256), nullable=False),
    Column("app_owner_tenant_id", String(36), nullable=True),
    Column("created", Float, nullable=False),
    UniqueConstraint("tenant_id", "app_id", name="uq_sp_tenant_app"),
)

app_role_assignments = Table(
    "app_role_assignments",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("tenant_id", String(36), ForeignKey("tenants.id"), nullable=False),
    Column(
        "principal_id",
        String(36),
        ForeignKey("service_principals.object_id"),
        nullable=False,
        index=True,
    ),
    Column("resource_id", String(36), ForeignKey("service_principals.object_id"), nullable=False),
    Column("app_role_id", String(36), nullable=False),
    Column("created", Float, nullable=False),
    UniqueConstraint("principal_id", "resource_id", "app_role_id", name="uq_assignment"),
)

signing_keys = Table(
    "signing_keys",
    metadata,
    Column("kid", String(64), primary_key=True),
    Column("private_key_pem", Text, nullable=False),
    Column("certificate_pem", Text, nullable=False),
    Column("created", Float, nullable=False),
    Column("status", String(16), nullable=False),  # current | previous | retired
)

alerts = Table(
    "alerts",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(36), nullable=False),
    Column("id", String(64), nullable=False),
    Column("machine_id", String(64), nullable=True),
    Column("alert_creation_time", String(40), nullable=True),
    Column("last_update_time", String(40), nullable=True),
    Column("last_event_time", String(40), nullable=True),
    Column("incident_id", BigInteger, nullable=True),
    Column("investigation_id", BigInteger, nullable=True),
    Column("assigned_to", String(256), nullable=True),
    Column("detection_source", String(64), nullable=True),
    Column("status", String(32), nullable=True),
    Column("severity", String(32), nullable=True),
    Column("category", String(64), nullable=True),
    Column("doc", Text, nullable=False),
    Column("evidence", Text, nullable=False, default="[]"),
    UniqueConstraint("tenant_id", "id", name="uq_alert"),
    Index("ix_alerts_tenant_seq", "tenant_id", "seq"),
    Index("ix_alerts_tenant_updated", "tenant_id", "last_update_time"),
)

machines = Table(
    "machines",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(36), nullable=False),
    Column("id", String(64), nullable=False),
    Column("computer_dns_name", String(256), nullable=True),
    Column("version", String(32), nullable=True),
    Column("device_value", String(16), nullable=True),
    Column("aad_device_id", String(36), nullable=True),
    Column("machine_tags", Text, nullable=False, default="[]"),
    Column("last_seen", String(40), nullable=True),
    Column("exposure_level", String(16), nullable=True),
    Column("onboarding_status", String(32), nullable=True),
    Column("last_ip_address", String(64), nullable=True),
    Column("health_status", String(64), nullable=True),
    Column("os_platform", String(64), nullable=True),
    Column("risk_score", String(16), nullable=True),
    Column("rbac_group_id", BigInteger, nullable=True),
    Column("is_isolated", Boolean, nullable=False, default=False),
    Column("doc", Text, nullable=False),
    UniqueConstraint("tenant_id", "id", name="uq_machine"),
    Index("ix_machines_tenant_seq", "tenant_id", "seq"),
    Index("ix_machines_tenant_name", "tenant_id", "computer_dns_name"),
)

entities = Table(
    "entities",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(36), nullable=False),
    Column("kind", String(48), nullable=False),
    Column("parent", String(200), nullable=False, default=""),
    Column("id", String(200), nullable=False),
    Column("doc", Text, nullable=False),
    UniqueConstraint("tenant_id", "kind", "parent", "id", name="uq_entity"),
    Index("ix_entities_kind", "tenant_id", "kind", "parent", "seq"),
)
"""Read-mostly entities kept as JSON (vulnerabilities, software, users, ...), one `kind` each;
`parent` scopes a kind to another entity (a machine's software, a software's versions)."""

journal = Table(
    "journal",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("at", Float, nullable=False),
    Column("request_id", String(64), nullable=True),
    Column("method", String(10), nullable=False),
    Column("path", Text, nullable=False),
    Column("status", Integer, nullable=False),
    Column("duration_ms", Float, nullable=False),
    Column("tenant_id", String(36), nullable=True),
    Column("app_id", String(36), nullable=True),
    Column("roles", Text, nullable=True),
    Column("operation", String(80), nullable=True),
    Column("roles_needed", Text, nullable=True),
    Column("reason", Text, nullable=True),
    Index("ix_journal_at", "at"),
)
"""Every request the emulator answered, with who called and why it was refused."""

machine_actions = Table(
    "machine_actions",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("tenant_id", String(36), nullable=False),
    Column("id", String(36), nullable=False),
    Column("machine_id", String(64), nullable=False),
    Column("type", String(40), nullable=False),
    Column("status", String(16), nullable=False),
    Column("requestor", String(256), nullable=True),
    Column("creation_time", String(40), nullable=False),
    Column("created", Float, nullable=False),
    Column("in_flight_key", String(120), nullable=True),
    Column("effect_applied", Boolean, nullable=False, default=False),
    Column("doc", Text, nullable=False),
    UniqueConstraint("tenant_id", "id", name="uq_action"),
    # One action of a kind per machine in flight: the key is NULL once it is final, and
    # NULLs never collide, on SQLite as on PostgreSQL.
    UniqueConstraint("tenant_id", "in_flight_key", name="uq_action_in_flight"),
    Index("ix_actions_tenant_seq", "tenant_id", "seq"),
    Index("ix_actions_open", "tenant_id", "status"),
)

files = Table(
    "files",
    metadata,
    Column("token", String(64), primary_key=True),
    Column("tenant_id", String(36), nullable=False),
    Column("name", String(256), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Column("expires", Float, nullable=False),
)
"""Short-lived downloads: investigation packages, live response results, export files."""

library_files = Table(
    "library_files",
    metadata,
    Column("tenant_id", String(36), primary_key=True),
    Column("file_name", String(256), primary_key=True),
    Column("content", LargeBinary, nullable=False),
    Column("doc", Text, nullable=False),
)

runtime_state = Table(
    "runtime_state",
    metadata,
    Column("name", String(64), primary_key=True),
    Column("version", BigInteger, nullable=False, default=0),
    Column("value", Text, nullable=True),
)
"""The control API's runtime switches (clock, quotas, machine-action progression, token
lifetime) as JSON, one row each, and the version of each shared thing (signing keys, fault
rules): every process polls the versions and reloads what another process changed."""

fault_rules = Table(
    "fault_rules",
    metadata,
    Column(
        "seq", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    ),
    Column("id", String(32), nullable=False, unique=True),
    Column("rule", Text, nullable=False),
    Column("remaining", Integer, nullable=True),
)
"""Injected faults; `remaining` is claimed one by one by whichever process answers (NULL:
until cleared), so "the next N requests" counts requests to the whole service."""

quota_counters = Table(
    "quota_counters",
    metadata,
    Column("counter_key", String(255), primary_key=True),
    Column("window_start", BigInteger, primary_key=True),
    Column("hits", BigInteger, nullable=False),
    Column("expires", Float, nullable=False),
    Index("ix_quota_counters_expires", "expires"),
)
"""Quota and CPU-budget counters in fixed windows, shared by every process on the database."""
