"""an index of a topic's figures by number, whatever their key

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_claim_values_figure", "claim_values", ["topic_id", "kind", "number"])


def downgrade() -> None:
    op.drop_index("ix_claim_values_figure", table_name="claim_values")
