"""audit anchoring and one open extension request per action

Revision ID: c3f1a9d5e7b2
Revises: c4f1a9d3e5b7
Create Date: 2026-11-29 12:30:00

- ``audit_events.actor_ref``: the acting user's id, kept when the user is deleted (``actor_id`` is then
  set to NULL by its foreign key); the id that is hashed. Filled from ``actor_id`` for existing events,
  whose hashes were computed from that same id.
- ``audit_checkpoints``: the chain's head once a day, signed with ``AUDIT_SIGNING_KEY``.
- ``uq_deadline_extensions_one_open``: at most one extension request waiting for a decision per action.
- ``evacuations.version``: optimistic locking of the resumption form, like the other edited records.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c3f1a9d5e7b2'
down_revision = 'c4f1a9d3e5b7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('actor_ref', sa.Integer(), nullable=True))
    op.execute("UPDATE audit_events SET actor_ref = actor_id WHERE actor_id IS NOT NULL")

    op.create_table(
        'audit_checkpoints',
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('event_count', sa.Integer(), nullable=False),
        sa.Column('head_hash', sa.String(length=64), nullable=False),
        sa.Column('signature', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('day', name=op.f('pk_audit_checkpoints')),
    )

    doubles = op.get_bind().execute(sa.text(
        "SELECT action_id FROM deadline_extensions WHERE status = 'requested' GROUP BY action_id HAVING COUNT(*) > 1"
    )).scalars().all()
    if doubles:
        raise RuntimeError(
            "These corrective actions have more than one extension request waiting for a decision (left by a race "
            f"this migration prevents from now on): {sorted(doubles)}. Decide all but one of each on the action's "
            "page, then run init-db again.")
    op.create_index('uq_deadline_extensions_one_open', 'deadline_extensions', ['action_id'], unique=True,
                    postgresql_where=sa.text("status = 'requested'"), sqlite_where=sa.text("status = 'requested'"))

    with op.batch_alter_table('evacuations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), nullable=False, server_default='1'))


def downgrade():
    with op.batch_alter_table('evacuations', schema=None) as batch_op:
        batch_op.drop_column('version')
    op.drop_index('uq_deadline_extensions_one_open', table_name='deadline_extensions')
    op.drop_table('audit_checkpoints')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_column('actor_ref')
