"""follow a factory: subscriptions, and extra headers on outbox messages

Revision ID: d5a7c9e1f3b6
Revises: c3f1a9d5e7b2
Create Date: 2026-11-29 15:20:00

- ``subscriptions``: an e-mail address (no name) following a factory, its language, whether it confirmed,
  what it was last told (double opt-in; a row is deleted when it unsubscribes).
- ``outbox_messages.headers``: JSON of extra headers (RFC 8058 ``List-Unsubscribe`` of followers' e-mails).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd5a7c9e1f3b6'
down_revision = '458eebb6770c'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'subscriptions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('factory_id', sa.Integer(), nullable=False),
        sa.Column('email', sa.String(length=254), nullable=False),
        sa.Column('lang', sa.String(length=8), nullable=False),
        sa.Column('link_key', sa.String(length=32), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('confirmed_at', sa.DateTime(), nullable=True),
        sa.Column('last_state', sa.Text(), nullable=False),
        sa.Column('last_sent_on', sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_subscriptions_factory_id_factories'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_subscriptions')),
        sa.UniqueConstraint('factory_id', 'email', name='uq_subscriptions_factory_email'),
    )
    op.create_index(op.f('ix_subscriptions_factory_id'), 'subscriptions', ['factory_id'], unique=False)
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.Text(), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('outbox_messages', schema=None) as batch_op:
        batch_op.drop_column('headers')
    op.drop_index(op.f('ix_subscriptions_factory_id'), table_name='subscriptions')
    op.drop_table('subscriptions')
