"""current-state tables, alert counters, claim indexes; fill them from existing rows

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.orm import Session

from storage.state import rebuild_all

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

SQLITE_TRIGGERS = [
    """CREATE TRIGGER alerts_count_insert AFTER INSERT ON alerts BEGIN
        INSERT INTO alert_counts (status, slot, n) VALUES (NEW.status, NEW.id % 16, 1)
        ON CONFLICT (status, slot) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER alerts_count_update AFTER UPDATE OF status ON alerts
    WHEN OLD.status <> NEW.status BEGIN
        UPDATE alert_counts SET n = n - 1 WHERE status = OLD.status AND slot = OLD.id % 16;
        INSERT INTO alert_counts (status, slot, n) VALUES (NEW.status, NEW.id % 16, 1)
        ON CONFLICT (status, slot) DO UPDATE SET n = n + 1;
    END""",
    """CREATE TRIGGER alerts_count_delete AFTER DELETE ON alerts BEGIN
        UPDATE alert_counts SET n = n - 1 WHERE status = OLD.status AND slot = OLD.id % 16;
    END""",
]

POSTGRES_TRIGGERS = [
    """CREATE FUNCTION alerts_count() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP IN ('UPDATE', 'DELETE') THEN
            UPDATE alert_counts SET n = n - 1 WHERE status = OLD.status AND slot = OLD.id % 16;
        END IF;
        IF TG_OP IN ('INSERT', 'UPDATE') THEN
            INSERT INTO alert_counts (status, slot, n) VALUES (NEW.status, NEW.id % 16, 1)
            ON CONFLICT (status, slot) DO UPDATE SET n = alert_counts.n + 1;
        END IF;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER alerts_count_insert AFTER INSERT OR DELETE ON alerts
    FOR EACH ROW EXECUTE FUNCTION alerts_count()""",
    """CREATE TRIGGER alerts_count_update AFTER UPDATE OF status ON alerts
    FOR EACH ROW WHEN (OLD.status IS DISTINCT FROM NEW.status) EXECUTE FUNCTION alerts_count()""",
]


def _tables() -> None:
    op.create_table(
        "claim_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("key_label", sa.String(length=300), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("last_claim_id", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outlets", sa.JSON(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("source_detail", sa.String(length=300), nullable=True),
        sa.Column("detail_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("detail_id", sa.Integer(), nullable=True),
        sa.Column("cur_claim_id", sa.Integer(), nullable=True),
        sa.Column("cur_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cur_value", sa.JSON(), nullable=True),
        sa.Column("cur_value_text", sa.String(length=300), nullable=True),
        sa.Column("cur_article_id", sa.Integer(), nullable=True),
        sa.Column("cur_outlet", sa.String(length=300), nullable=True),
        sa.Column("cur_evidence", sa.Text(), nullable=True),
        sa.Column("bg_claim_id", sa.Integer(), nullable=True),
        sa.Column("bg_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bg_value", sa.JSON(), nullable=True),
        sa.Column("bg_value_text", sa.String(length=300), nullable=True),
        sa.Column("bg_article_id", sa.Integer(), nullable=True),
        sa.Column("bg_outlet", sa.String(length=300), nullable=True),
        sa.Column("bg_evidence", sa.Text(), nullable=True),
        sa.Column("boundary_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("boundary_id", sa.Integer(), nullable=True),
        sa.Column("previous_value_text", sa.String(length=300), nullable=True),
        sa.Column("since", sa.DateTime(timezone=True), nullable=False),
        sa.Column("anchor_id", sa.Integer(), nullable=False),
        sa.Column("anchor_article_id", sa.Integer(), nullable=False),
        sa.Column("anchor_outlet", sa.String(length=300), nullable=False),
        sa.Column("run_articles", sa.Integer(), nullable=False),
        sa.Column("run_outlets", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_claim_state_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_state")),
        sa.UniqueConstraint("topic_id", "key", "source", name=op.f("uq_claim_state_topic_id")),
    )
    op.create_table(
        "claim_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("topic_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("source", sa.String(length=300), nullable=False),
        sa.Column("value_hash", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.Float(), nullable=True),
        sa.Column("value_text", sa.String(length=300), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claims", sa.Integer(), nullable=False),
        sa.Column("articles", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic_id"],
            ["topics.id"],
            name=op.f("fk_claim_values_topic_id_topics"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_claim_values")),
        sa.UniqueConstraint(
            "topic_id", "key", "source", "value_hash", name=op.f("uq_claim_values_topic_id")
        ),
    )
    op.create_index(
        "ix_claim_values_topic_key_text", "claim_values", ["topic_id", "key", "value_text"]
    )
    op.create_index("ix_claim_values_near", "claim_values", ["topic_id", "key", "kind", "number"])
    op.create_table(
        "alert_counts",
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("slot", sa.Integer(), nullable=False),
        sa.Column("n", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("status", "slot", name=op.f("pk_alert_counts")),
    )
    with op.batch_alter_table("claims") as batch_op:
        batch_op.drop_index("ix_claims_topic_key_source")
        batch_op.create_index(
            "ix_claims_topic_key_source_at", ["topic_id", "key", "source", "asserted_at", "id"]
        )
        batch_op.create_index("ix_claims_article_topic", ["article_id", "topic_id"])


def _fill() -> None:
    """The state of every (topic, key, source) and the alert counters, from existing rows."""
    bind = op.get_bind()
    bind.execute(
        sa.text(
            "INSERT INTO alert_counts (status, slot, n) "
            "SELECT status, id % 16, count(*) FROM alerts GROUP BY status, id % 16"
        )
    )
    if bind.execute(sa.text("SELECT 1 FROM claims LIMIT 1")).first() is None:
        return
    agrees = op.get_context().config.attributes.get("agrees")
    if agrees is None:
        raise RuntimeError(
            "filling claim_state from existing claims needs the claim engine's value rules: "
            "run `claimwatch db upgrade`"
        )
    with Session(bind=bind) as s:
        rebuild_all(s, agrees)


def upgrade() -> None:
    _tables()
    triggers = POSTGRES_TRIGGERS if op.get_bind().dialect.name == "postgresql" else SQLITE_TRIGGERS
    for statement in triggers:
        op.execute(statement)
    _fill()


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS alerts_count_insert ON alerts")
        op.execute("DROP TRIGGER IF EXISTS alerts_count_update ON alerts")
        op.execute("DROP FUNCTION IF EXISTS alerts_count()")
    else:
        for name in ("alerts_count_insert", "alerts_count_update", "alerts_count_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    with op.batch_alter_table("claims") as batch_op:
        batch_op.drop_index("ix_claims_article_topic")
        batch_op.drop_index("ix_claims_topic_key_source_at")
        batch_op.create_index("ix_claims_topic_key_source", ["topic_id", "key", "source"])
    op.drop_table("alert_counts")
    op.drop_index("ix_claim_values_near", table_name="claim_values")
    op.drop_index("ix_claim_values_topic_key_text", table_name="claim_values")
    op.drop_table("claim_values")
    op.drop_table("claim_state")
