"""inspection reviews: a second engineer approves a submitted inspection (or says it has issues) before publication

Revision ID: d8e2f4a6b9c1
Revises: d5a7c9e1f3b6
Create Date: 2026-11-29 15:25:00

Inspections published before this revision keep their state: the rule applies to publications from now on.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd8e2f4a6b9c1'
down_revision = 'd5a7c9e1f3b6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('inspection_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('inspection_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('decision', sa.Enum('approve', 'changes_requested', name='reviewdecision', native_enum=False, length=32), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('superseded', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'], name=op.f('fk_inspection_reviews_inspection_id_inspections'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewer_id'], ['users.id'], name=op.f('fk_inspection_reviews_reviewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inspection_reviews'))
    )
    with op.batch_alter_table('inspection_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inspection_reviews_inspection_id'), ['inspection_id'], unique=False)


def downgrade():
    with op.batch_alter_table('inspection_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inspection_reviews_inspection_id'))
    op.drop_table('inspection_reviews')
