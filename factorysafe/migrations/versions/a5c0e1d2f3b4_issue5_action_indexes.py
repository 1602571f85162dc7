"""issue5: indexes for the verification queue, overdue lists and extension requests

Revision ID: a5c0e1d2f3b4
Revises: 559c27743424
Create Date: 2026-11-25 19:10:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a5c0e1d2f3b4'
down_revision = '559c27743424'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.create_index('ix_corrective_actions_status_reported', ['status', 'reported_fixed_on'], unique=False)
        batch_op.create_index('ix_corrective_actions_status_deadline', ['status', 'deadline'], unique=False)
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.create_index('ix_deadline_extensions_status_requested', ['status', 'requested_at'], unique=False)


def downgrade():
    with op.batch_alter_table('deadline_extensions', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_extensions_status_requested')
    with op.batch_alter_table('corrective_actions', schema=None) as batch_op:
        batch_op.drop_index('ix_corrective_actions_status_deadline')
        batch_op.drop_index('ix_corrective_actions_status_reported')
