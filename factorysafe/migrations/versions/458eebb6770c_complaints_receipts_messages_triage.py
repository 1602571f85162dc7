"""complaints: categories, receipt hashes, SMS sender hashes, triage, verdicts; messages, finding links, photos

Revision ID: 458eebb6770c
Revises: c3f1a9d5e7b2
Create Date: 2026-11-29 15:08:40.334575

Existing complaints (none were ever written by the application) become category "other", channel "web".
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '458eebb6770c'
down_revision = 'c3f1a9d5e7b2'
branch_labels = None
depends_on = None


def upgrade():
    # Tables that will point at complaints and photos come last: SQLite rebuilds a table to add a foreign key,
    # and a rebuild is simplest while nothing points at the table yet.
    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.add_column(sa.Column('factory_text', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('category', sa.Enum('blocked_exit', 'locked_gate', 'fire_smoke', 'cracks', 'wiring', 'boiler', 'no_fire_drill', 'retaliation', 'wages', 'harassment', 'other', name='complaintcategory', native_enum=False, length=32), server_default='other', nullable=False))
        batch_op.add_column(sa.Column('channel', sa.String(length=8), server_default='web', nullable=False))
        batch_op.add_column(sa.Column('lang', sa.String(length=5), server_default='bn', nullable=False))
        batch_op.add_column(sa.Column('referred_to', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contact', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('receipt_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('sender_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('verdict', sa.Enum('confirmed', 'disputed', name='verdict', native_enum=False, length=16), nullable=True))
        batch_op.add_column(sa.Column('reopened', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('resolved_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('inspection_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('updated_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False))
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1', nullable=False))
        batch_op.create_index(batch_op.f('ix_complaints_sender_hash'), ['sender_hash'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_complaints_receipt_hash'), ['receipt_hash'])
        batch_op.create_foreign_key(batch_op.f('fk_complaints_inspection_id_inspections'), 'inspections', ['inspection_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.add_column(sa.Column('complaint_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_photos_complaint_id'), ['complaint_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_photos_complaint_id_complaints'), 'complaints', ['complaint_id'], ['id'], ondelete='CASCADE')

    op.create_table('complaint_findings',
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('finding_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_findings_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['finding_id'], ['findings.id'], name=op.f('fk_complaint_findings_finding_id_findings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('complaint_id', 'finding_id', name=op.f('pk_complaint_findings'))
    )
    op.create_table('complaint_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('complaint_id', sa.Integer(), nullable=False),
    sa.Column('from_worker', sa.Boolean(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('photo_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['complaint_id'], ['complaints.id'], name=op.f('fk_complaint_messages_complaint_id_complaints'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['handler_id'], ['users.id'], name=op.f('fk_complaint_messages_handler_id_users')),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_complaint_messages_photo_id_photos'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaint_messages'))
    )
    with op.batch_alter_table('complaint_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_complaint_messages_complaint_id'), ['complaint_id'], unique=False)



def downgrade():
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_photos_complaint_id_complaints'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_photos_complaint_id'))
        batch_op.drop_column('complaint_id')

    with op.batch_alter_table('complaints', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_complaints_inspection_id_inspections'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_complaints_receipt_hash'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_complaints_sender_hash'))
        batch_op.drop_column('version')
        batch_op.drop_column('updated_at')
        batch_op.drop_column('inspection_id')
        batch_op.drop_column('resolved_on')
        batch_op.drop_column('reopened')
        batch_op.drop_column('verdict')
        batch_op.drop_column('sender_hash')
        batch_op.drop_column('receipt_hash')
        batch_op.drop_column('contact')
        batch_op.drop_column('referred_to')
        batch_op.drop_column('lang')
        batch_op.drop_column('channel')
        batch_op.drop_column('category')
        batch_op.drop_column('factory_text')

    with op.batch_alter_table('complaint_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_complaint_messages_complaint_id'))

    op.drop_table('complaint_messages')
    op.drop_table('complaint_findings')
