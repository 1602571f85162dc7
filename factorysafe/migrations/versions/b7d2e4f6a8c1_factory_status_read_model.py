"""factory_status: the read model of factory status per audience

Revision ID: b7d2e4f6a8c1
Revises: a5c0e1d2f3b4
Create Date: 2026-11-26 10:00:00

Filled by ``flask --app factorysafe status rebuild`` (and kept by ``factorysafe.factories.status``).
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d2e4f6a8c1'
down_revision = 'a5c0e1d2f3b4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'factory_status',
        sa.Column('factory_id', sa.Integer(), nullable=False),
        sa.Column('audience', sa.String(length=8), nullable=False),
        sa.Column('cap_status', sa.String(length=32), nullable=False),
        sa.Column('progress', sa.Float(), nullable=True),
        sa.Column('initial_total', sa.Integer(), nullable=False),
        sa.Column('initial_corrected', sa.Integer(), nullable=False),
        sa.Column('initial_pending', sa.Integer(), nullable=False),
        sa.Column('open', sa.Integer(), nullable=False),
        sa.Column('overdue', sa.Integer(), nullable=False),
        sa.Column('new_total', sa.Integer(), nullable=False),
        sa.Column('new_corrected', sa.Integer(), nullable=False),
        sa.Column('new_pending', sa.Integer(), nullable=False),
        sa.Column('new_overdue', sa.Integer(), nullable=False),
        sa.Column('immediate_danger_open', sa.Integer(), nullable=False),
        sa.Column('evacuation_in_force', sa.Boolean(), nullable=False),
        sa.Column('evacuation_since', sa.Date(), nullable=True),
        sa.Column('evacuation_floors', sa.String(length=200), nullable=True),
        sa.Column('evacuation_workers', sa.Integer(), nullable=True),
        sa.Column('published_inspections', sa.Integer(), nullable=False),
        sa.Column('last_published_on', sa.Date(), nullable=True),
        sa.Column('computed_on', sa.Date(), nullable=False),
        sa.Column('valid_until', sa.Date(), nullable=True),
        sa.Column('changed_at', sa.DateTime(), nullable=False),
        sa.Column('fire_total', sa.Integer(), nullable=True),
        sa.Column('fire_corrected', sa.Integer(), nullable=True),
        sa.Column('fire_pending', sa.Integer(), nullable=True),
        sa.Column('fire_overdue', sa.Integer(), nullable=True),
        sa.Column('fire_progress', sa.Float(), nullable=True),
        sa.Column('fire_open', sa.Integer(), nullable=False),
        sa.Column('fire_overdue_all', sa.Integer(), nullable=False),
        sa.Column('electrical_total', sa.Integer(), nullable=True),
        sa.Column('electrical_corrected', sa.Integer(), nullable=True),
        sa.Column('electrical_pending', sa.Integer(), nullable=True),
        sa.Column('electrical_overdue', sa.Integer(), nullable=True),
        sa.Column('electrical_progress', sa.Float(), nullable=True),
        sa.Column('electrical_open', sa.Integer(), nullable=False),
        sa.Column('electrical_overdue_all', sa.Integer(), nullable=False),
        sa.Column('structural_total', sa.Integer(), nullable=True),
        sa.Column('structural_corrected', sa.Integer(), nullable=True),
        sa.Column('structural_pending', sa.Integer(), nullable=True),
        sa.Column('structural_overdue', sa.Integer(), nullable=True),
        sa.Column('structural_progress', sa.Float(), nullable=True),
        sa.Column('structural_open', sa.Integer(), nullable=False),
        sa.Column('structural_overdue_all', sa.Integer(), nullable=False),
        sa.Column('boiler_total', sa.Integer(), nullable=True),
        sa.Column('boiler_corrected', sa.Integer(), nullable=True),
        sa.Column('boiler_pending', sa.Integer(), nullable=True),
        sa.Column('boiler_overdue', sa.Integer(), nullable=True),
        sa.Column('boiler_progress', sa.Float(), nullable=True),
        sa.Column('boiler_open', sa.Integer(), nullable=False),
        sa.Column('boiler_overdue_all', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['factory_id'], ['factories.id'], name=op.f('fk_factory_status_factory_id_factories'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('factory_id', 'audience', name=op.f('pk_factory_status')),
    )
    with op.batch_alter_table('factory_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_factory_status_valid_until'), ['valid_until'], unique=False)
        batch_op.create_index(batch_op.f('ix_factory_status_changed_at'), ['changed_at'], unique=False)


def downgrade():
    with op.batch_alter_table('factory_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_factory_status_changed_at'))
        batch_op.drop_index(batch_op.f('ix_factory_status_valid_until'))
    op.drop_table('factory_status')
