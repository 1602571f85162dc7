"""follow-ups: the engineer assigned per factory, and the items a follow-up inspection checks

Revision ID: e2f4a6c8d0b1
Revises: e2a4c6b8d0f1
Create Date: 2026-11-29 19:10:00

- ``follow_up_assignments``: one row per factory whose follow-up engineer was chosen (NULL engineer: unassigned
  on purpose); without a row the lead engineer of its latest inspection follows it up. Versioned.
- ``follow_up_checks``: the open actions pre-listed on a follow-up inspection and the outcome of each.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'e2f4a6c8d0b1'
down_revision = 'e2a4c6b8d0f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'follow_up_assignments',
        sa.Column('factory_id', sa.Integer(), nullable=False),
        sa.Column('engineer_id', sa.Integer(), nullable=True),
        sa.Column('assigned_by_id', sa.Integer(), nullable=True),
        sa.Column('assigned_at', sa.DateTime(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'],
                                name=op.f('fk_follow_up_assignments_factory_id_factories'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['engineer_id'], ['users.id'],
                                name=op.f('fk_follow_up_assignments_engineer_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['assigned_by_id'], ['users.id'],
                                name=op.f('fk_follow_up_assignments_assigned_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('factory_id', name=op.f('pk_follow_up_assignments')),
    )
    op.create_index(op.f('ix_follow_up_assignments_engineer_id'), 'follow_up_assignments', ['engineer_id'],
                    unique=False)
    op.create_table(
        'follow_up_checks',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('inspection_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('outcome', sa.Enum('to_check', 'verified', 'rejected', 'still_open', name='checkoutcome',
                                     native_enum=False, length=32), nullable=False),
        sa.Column('note', sa.Text(), nullable=False),
        sa.Column('checked_by_id', sa.Integer(), nullable=True),
        sa.Column('checked_at', sa.DateTime(), nullable=True),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['inspection_id'], ['inspections.id'],
                                name=op.f('fk_follow_up_checks_inspection_id_inspections'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['action_id'], ['corrective_actions.id'],
                                name=op.f('fk_follow_up_checks_action_id_corrective_actions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['checked_by_id'], ['users.id'],
                                name=op.f('fk_follow_up_checks_checked_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follow_up_checks')),
        sa.UniqueConstraint('inspection_id', 'action_id', name='uq_follow_up_checks_inspection_action'),
    )
    op.create_index(op.f('ix_follow_up_checks_inspection_id'), 'follow_up_checks', ['inspection_id'], unique=False)
    op.create_index(op.f('ix_follow_up_checks_action_id'), 'follow_up_checks', ['action_id'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_follow_up_checks_action_id'), table_name='follow_up_checks')
    op.drop_index(op.f('ix_follow_up_checks_inspection_id'), table_name='follow_up_checks')
    op.drop_table('follow_up_checks')
    op.drop_index(op.f('ix_follow_up_assignments_engineer_id'), table_name='follow_up_assignments')
    op.drop_table('follow_up_assignments')
