"""factories: Bangla name, registration number and the normalised search text

Revision ID: d1b7e3a9c5f2
Revises: d8e2f4a6b9c1
Create Date: 2026-11-29 15:20:00

- ``factories.name_bn``: the factory's name in Bangla script (empty for existing rows until an engineer fills it).
- ``factories.registration_no``: the registration (licence) number.
- ``factories.search_text``: what the factory is found by, normalised (``factories.rules``); filled here for the
  existing rows. On PostgreSQL the ``pg_trgm`` extension and a GIN trigram index on it serve the forgiving search
  (a plain index on other databases).
"""
import sqlalchemy as sa
from alembic import op

from factorysafe.factories.rules import factory_search_text

# revision identifiers, used by Alembic.
revision = 'd1b7e3a9c5f2'
down_revision = 'd8e2f4a6b9c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_bn', sa.String(length=200), server_default='', nullable=False))
        batch_op.add_column(sa.Column('registration_no', sa.String(length=60), server_default='', nullable=False))
        batch_op.add_column(sa.Column('search_text', sa.Text(), server_default='', nullable=False))

    bind = op.get_bind()
    factories = sa.table('factories', sa.column('id', sa.Integer), sa.column('name', sa.String),
                         sa.column('name_bn', sa.String), sa.column('address', sa.String),
                         sa.column('upazila', sa.String), sa.column('district', sa.String),
                         sa.column('registration_no', sa.String), sa.column('search_text', sa.Text))
    rows = bind.execute(sa.select(factories.c.id, factories.c.name, factories.c.name_bn, factories.c.address,
                                  factories.c.upazila, factories.c.district, factories.c.registration_no)).all()
    if rows:
        bind.execute(factories.update().where(factories.c.id == sa.bindparam('fid'))
                     .values(search_text=sa.bindparam('text')),
                     [{'fid': r.id, 'text': factory_search_text(*r[1:])} for r in rows])

    if bind.dialect.name == 'postgresql':
        op.execute('CREATE EXTENSION IF NOT EXISTS pg_trgm')
    # GIN trigram index on PostgreSQL; a plain index elsewhere (the postgresql_* options are ignored there)
    op.create_index('ix_factories_search_text_trgm', 'factories', ['search_text'], unique=False,
                    postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})


def downgrade():
    op.drop_index('ix_factories_search_text_trgm', table_name='factories')
    with op.batch_alter_table('factories', schema=None) as batch_op:
        batch_op.drop_column('search_text')
        batch_op.drop_column('registration_no')
        batch_op.drop_column('name_bn')
