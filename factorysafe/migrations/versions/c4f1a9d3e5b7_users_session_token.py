"""users.session_token: sign-in cookies name it, so sign-out and a new password end every session

Revision ID: c4f1a9d3e5b7
Revises: c3e5a7f9b1d2
Create Date: 2026-11-29 12:30:00

Existing accounts get a random token each (their current sessions end: everyone signs in once more).
"""
import secrets

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'c4f1a9d3e5b7'
down_revision = 'c3e5a7f9b1d2'
branch_labels = None
depends_on = None


def upgrade():
    # NOT NULL with a temporary default: SQLite adds such a column without rebuilding the table (a rebuild of
    # "users" would have to drop a table other tables' foreign keys point at).
    op.add_column('users', sa.Column('session_token', sa.String(length=64), nullable=False, server_default=''))
    users = sa.table('users', sa.column('id', sa.Integer), sa.column('session_token', sa.String))
    conn = op.get_bind()
    for (user_id,) in conn.execute(sa.select(users.c.id)).all():
        conn.execute(users.update().where(users.c.id == user_id).values(session_token=secrets.token_urlsafe(24)))
    if conn.dialect.name != 'sqlite':  # SQLite cannot drop a column default in place; the models always set one
        op.alter_column('users', 'session_token', server_default=None)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_token')
