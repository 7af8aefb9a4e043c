"""plans as data: several plans, responsible units instead of ministries, coordinators per plan

- plans: no longer one row; a slug, titles in nb/nn/en, a period in years, an owner, an intro,
  a default language and a predecessor. The period text («2024–2027») becomes the two years.
- ministries becomes responsible_units (abbreviation, name, kind; shared between plans), and
  plan_units keeps each plan's order of them (what ministries.position was).
- areas, measures and reporting_rounds get plan_id; area keys and measure numbers are unique per
  plan; round slugs stay unique across the installation.
- measures: retired_on, retired_reason and continues_measure_id (a successor plan's link back).
- users.ministry_id and responsibilities.ministry_id become unit_id.
- plan_coordinators: which coordinator coordinates which plan.

An existing database becomes plan one, losing no row: every area, measure and round joins it,
every ministry becomes a unit listed in it in the same order, and every coordinator coordinates
it. The downgrade turns a database of at most one plan back (retirements and the new texts are
lost); with several plans it refuses.

Revision ID: e5b7c9d1f3a8
Revises: d4b8c2a6f1e3
Create Date: 2026-11-23 09:00:00

"""

import re

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "e5b7c9d1f3a8"
down_revision = "d4b8c2a6f1e3"
branch_labels = None
depends_on = None

# Plan one, as the shipped seed file describes it (seed/plan_2024_2027.json).
PLAN_ONE_SLUG = "handlingsplan-rasisme-2024-2027"
PLAN_ONE_TITLE = "Handlingsplan mot rasisme og diskriminering – ny innsats 2024–2027"
PLAN_ONE_TITLE_EN = "Action plan against racism and discrimination – new efforts 2024–2027"
PLAN_ONE_OWNER = "Arbeids- og inkluderingsdepartementet"
PLAN_ONE_PERIOD = (2024, 2027)
# What the front page said before the plan's intro became data (the seed file's intro).
PLAN_ONE_INTRO = (
    "Her ser du hvor langt hvert tiltak er kommet, slik departementene har rapportert og "
    "koordinerende departement har publisert."
)
PLAN_ONE_INTRO_NN = (
    "Her ser du kor langt kvart tiltak har kome, slik departementa har rapportert og det "
    "koordinerande departementet har publisert. Teksten i sjølve planen er på bokmål."
)
PLAN_ONE_INTRO_EN = (
    "Here you can see how far each measure has come, as reported by the ministries and "
    "published by the coordinating ministry. The plan's own texts are in Norwegian."
)
UNIT_KINDS = ("departement", "direktorat", "kommune", "kommunal_enhet", "bydel", "annet")
PERIOD = re.compile(r"(\d{4})\D+(\d{4})")


def upgrade():
    bind = op.get_bind()
    plan_id = _make_plan_one(bind)
    _generalise_plans()
    _responsible_units(bind, plan_id)
    for table in ("areas", "measures", "reporting_rounds"):
        _add_plan_id(table, plan_id)
    with op.batch_alter_table("areas") as batch:
        batch.drop_constraint(op.f("uq_areas_key"), type_="unique")
        batch.create_unique_constraint(op.f("uq_areas_plan_key"), ["plan_id", "key"])
    with op.batch_alter_table("measures") as batch:
        batch.drop_constraint(op.f("uq_measures_number"), type_="unique")
        batch.create_unique_constraint(op.f("uq_measures_plan_number"), ["plan_id", "number"])
        batch.add_column(sa.Column("retired_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("retired_reason", sa.Text(), nullable=False, server_default=""))
        batch.add_column(sa.Column("continues_measure_id", sa.Integer(), nullable=True))
        batch.create_foreign_key(
            op.f("fk_measures_continues_measure_id_measures"),
            "measures",
            ["continues_measure_id"],
            ["id"],
        )
    _coordinators(bind, plan_id)


def _make_plan_one(bind) -> int | None:
    """The id of plan one (made if the database holds a plan's rows but no plan row), or None
    for an empty database."""
    row = bind.execute(sa.text("SELECT id FROM plans ORDER BY id LIMIT 1")).first()
    if row is not None:
        return row[0]
    holds_a_plan = any(
        bind.execute(sa.text(f"SELECT 1 FROM {table} LIMIT 1")).first()  # nosec B608
        for table in ("areas", "measures", "reporting_rounds", "ministries")
    )
    if not holds_a_plan:
        return None
    bind.execute(
        sa.text(
            "INSERT INTO plans (id, title, period, launched, note) "
            "VALUES (1, :title, :period, '', '')"
        ),
        {"title": PLAN_ONE_TITLE, "period": "{}–{}".format(*PLAN_ONE_PERIOD)},
    )
    return 1


def _generalise_plans():
    bind = op.get_bind()
    with op.batch_alter_table("plans") as batch:
        batch.drop_constraint(op.f("ck_plans_single_plan"), type_="check")
        batch.add_column(sa.Column("slug", sa.String(100), nullable=True))
        batch.add_column(sa.Column("title_nn", sa.Text(), nullable=True))
        batch.add_column(sa.Column("title_en", sa.Text(), nullable=True))
        batch.add_column(sa.Column("first_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("last_year", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("owner", sa.String(200), nullable=True))
        batch.add_column(sa.Column("intro", sa.Text(), nullable=True))
        batch.add_column(sa.Column("intro_nn", sa.Text(), nullable=True))
        batch.add_column(sa.Column("intro_en", sa.Text(), nullable=True))
        batch.add_column(sa.Column("default_language", sa.String(2), nullable=True))
        batch.add_column(sa.Column("predecessor_id", sa.Integer(), nullable=True))
    for plan_id, period in bind.execute(sa.text("SELECT id, period FROM plans")).all():
        match = PERIOD.search(period or "")
        first, last = (int(match[1]), int(match[2])) if match else PLAN_ONE_PERIOD
        bind.execute(
            sa.text(
                "UPDATE plans SET slug = :slug, title_en = :title_en, first_year = :first, "
                "last_year = :last, owner = :owner, intro = :intro, intro_nn = :intro_nn, "
                "intro_en = :intro_en, default_language = 'nb' WHERE id = :id"
            ),
            {
                "slug": PLAN_ONE_SLUG,
                "title_en": PLAN_ONE_TITLE_EN,
                "first": first,
                "last": max(first, last),
                "owner": PLAN_ONE_OWNER,
                "intro": PLAN_ONE_INTRO,
                "intro_nn": PLAN_ONE_INTRO_NN,
                "intro_en": PLAN_ONE_INTRO_EN,
                "id": plan_id,
            },
        )
    with op.batch_alter_table("plans") as batch:
        for name in ("slug", "first_year", "last_year"):
            batch.alter_column(name, existing_type=_plan_column_type(name), nullable=False)
        batch.alter_column("owner", existing_type=sa.String(200), nullable=False)
        batch.alter_column("intro", existing_type=sa.Text(), nullable=False)
        batch.alter_column("default_language", existing_type=sa.String(2), nullable=False)
        batch.drop_column("period")
        batch.create_unique_constraint(op.f("uq_plans_slug"), ["slug"])
        batch.create_check_constraint(
            op.f("ck_plans_default_language"), "default_language IN ('nb', 'nn')"
        )
        batch.create_check_constraint(op.f("ck_plans_period_in_order"), "first_year <= last_year")
        batch.create_foreign_key(
            op.f("fk_plans_predecessor_id_plans"), "plans", ["predecessor_id"], ["id"]
        )
        batch.create_index(op.f("ix_plans_predecessor_id"), ["predecessor_id"])


def _plan_column_type(name: str):
    return sa.String(100) if name == "slug" else sa.Integer()


def _responsible_units(bind, plan_id):
    op.create_table(
        "responsible_units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("abbreviation", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                *UNIT_KINDS,
                name="unit_kind",
                native_enum=False,
                create_constraint=True,
                length=20,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_responsible_units")),
        sa.UniqueConstraint("abbreviation", name=op.f("uq_responsible_units_abbreviation")),
    )
    bind.execute(
        sa.text(
            "INSERT INTO responsible_units (id, abbreviation, name, kind) "
            "SELECT id, abbreviation, name, 'departement' FROM ministries"
        )
    )
    _continue_sequence(bind, "responsible_units")
    op.create_table(
        "plan_units",
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"], ["plans.id"], name=op.f("fk_plan_units_plan_id_plans"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["unit_id"],
            ["responsible_units.id"],
            name=op.f("fk_plan_units_unit_id_responsible_units"),
        ),
        sa.PrimaryKeyConstraint("plan_id", "unit_id", name=op.f("pk_plan_units")),
    )
    op.create_index(op.f("ix_plan_units_unit_id"), "plan_units", ["unit_id"])
    if plan_id is not None:
        bind.execute(
            sa.text(
                "INSERT INTO plan_units (plan_id, unit_id, position) "
                "SELECT :plan, id, position FROM ministries"
            ),
            {"plan": plan_id},
        )
    for table, extra in (("responsibilities", None), ("users", "contact")):
        with op.batch_alter_table(table) as batch:
            if extra:
                batch.drop_constraint(op.f("ck_users_contact_has_ministry"), type_="check")
            batch.drop_constraint(op.f(f"fk_{table}_ministry_id_ministries"), type_="foreignkey")
            batch.drop_index(op.f(f"ix_{table}_ministry_id"))
            batch.alter_column(
                "ministry_id",
                new_column_name="unit_id",
                existing_type=sa.Integer(),
                existing_nullable=table == "users",
            )
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                op.f(f"fk_{table}_unit_id_responsible_units"),
                "responsible_units",
                ["unit_id"],
                ["id"],
            )
            batch.create_index(op.f(f"ix_{table}_unit_id"), ["unit_id"])
            if extra:
                batch.create_check_constraint(
                    op.f("ck_users_contact_has_unit"), "(role = 'contact') = (unit_id IS NOT NULL)"
                )
    op.drop_table("ministries")


def _add_plan_id(table: str, plan_id):
    with op.batch_alter_table(table) as batch:
        batch.add_column(sa.Column("plan_id", sa.Integer(), nullable=True))
    if plan_id is not None:
        op.get_bind().execute(
            sa.text(f"UPDATE {table} SET plan_id = :plan"),  # nosec B608  (a constant table name)
            {"plan": plan_id},
        )
    with op.batch_alter_table(table) as batch:
        batch.alter_column("plan_id", existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key(op.f(f"fk_{table}_plan_id_plans"), "plans", ["plan_id"], ["id"])
        batch.create_index(op.f(f"ix_{table}_plan_id"), ["plan_id"])


def _coordinators(bind, plan_id):
    op.create_table(
        "plan_coordinators",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["plan_id"],
            ["plans.id"],
            name=op.f("fk_plan_coordinators_plan_id_plans"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_plan_coordinators_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "plan_id", name=op.f("pk_plan_coordinators")),
    )
    op.create_index(op.f("ix_plan_coordinators_plan_id"), "plan_coordinators", ["plan_id"])
    if plan_id is not None:
        bind.execute(
            sa.text(
                "INSERT INTO plan_coordinators (user_id, plan_id) "
                "SELECT id, :plan FROM users WHERE role = 'coordinator'"
            ),
            {"plan": plan_id},
        )


def _continue_sequence(bind, table: str) -> None:
    """Rows came with their ids: PostgreSQL's sequence must continue after the largest."""
    if bind.dialect.name != "postgresql":
        return  # SQLite picks max(id) + 1 by itself
    bind.execute(
        sa.text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # nosec B608
            f"COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
        )
    )


def downgrade():
    bind = op.get_bind()
    plans = bind.execute(sa.text("SELECT id FROM plans ORDER BY id")).scalars().all()
    if len(plans) > 1:
        raise RuntimeError(
            f"Databasen har {len(plans)} planer; skjemaet før flere planer kan bare holde én. "
            "Ingenting er endret."
        )
    plan_id = plans[0] if plans else None

    op.drop_table("plan_coordinators")
    with op.batch_alter_table("measures") as batch:
        batch.drop_constraint(op.f("fk_measures_continues_measure_id_measures"), type_="foreignkey")
        batch.drop_column("continues_measure_id")
        batch.drop_column("retired_reason")
        batch.drop_column("retired_on")
        batch.drop_constraint(op.f("uq_measures_plan_number"), type_="unique")
        batch.create_unique_constraint(op.f("uq_measures_number"), ["number"])
    with op.batch_alter_table("areas") as batch:
        batch.drop_constraint(op.f("uq_areas_plan_key"), type_="unique")
        batch.create_unique_constraint(op.f("uq_areas_key"), ["key"])
    for table in ("reporting_rounds", "measures", "areas"):
        with op.batch_alter_table(table) as batch:
            batch.drop_index(op.f(f"ix_{table}_plan_id"))
            batch.drop_constraint(op.f(f"fk_{table}_plan_id_plans"), type_="foreignkey")
            batch.drop_column("plan_id")

    op.create_table(
        "ministries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("abbreviation", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ministries")),
        sa.UniqueConstraint("abbreviation", name=op.f("uq_ministries_abbreviation")),
    )
    bind.execute(
        sa.text(
            "INSERT INTO ministries (id, abbreviation, name, position) "
            "SELECT u.id, u.abbreviation, u.name, COALESCE(p.position, 0) "
            "FROM responsible_units u LEFT JOIN plan_units p ON p.unit_id = u.id"
        )
    )
    _continue_sequence(bind, "ministries")
    for table, extra in (("responsibilities", None), ("users", "contact")):
        with op.batch_alter_table(table) as batch:
            if extra:
                batch.drop_constraint(op.f("ck_users_contact_has_unit"), type_="check")
            batch.drop_constraint(op.f(f"fk_{table}_unit_id_responsible_units"), type_="foreignkey")
            batch.drop_index(op.f(f"ix_{table}_unit_id"))
            batch.alter_column(
                "unit_id",
                new_column_name="ministry_id",
                existing_type=sa.Integer(),
                existing_nullable=table == "users",
            )
        with op.batch_alter_table(table) as batch:
            batch.create_foreign_key(
                op.f(f"fk_{table}_ministry_id_ministries"), "ministries", ["ministry_id"], ["id"]
            )
            batch.create_index(op.f(f"ix_{table}_ministry_id"), ["ministry_id"])
            if extra:
                batch.create_check_constraint(
                    op.f("ck_users_contact_has_ministry"),
                    "(role = 'contact') = (ministry_id IS NOT NULL)",
                )
    op.drop_index(op.f("ix_plan_units_unit_id"), table_name="plan_units")
    op.drop_table("plan_units")
    op.drop_table("responsible_units")

    with op.batch_alter_table("plans") as batch:
        batch.add_column(sa.Column("period", sa.String(50), nullable=False, server_default=""))
    bind.execute(
        sa.text(
            "UPDATE plans SET period = CASE WHEN first_year = last_year "
            "THEN CAST(first_year AS VARCHAR(4)) "
            "ELSE CAST(first_year AS VARCHAR(4)) || '–' || CAST(last_year AS VARCHAR(4)) END"
        )
    )
    if plan_id is not None and plan_id != 1:
        bind.execute(sa.text("UPDATE plans SET id = 1 WHERE id = :id"), {"id": plan_id})
    with op.batch_alter_table("plans") as batch:
        batch.drop_index(op.f("ix_plans_predecessor_id"))
        batch.drop_constraint(op.f("fk_plans_predecessor_id_plans"), type_="foreignkey")
        batch.drop_constraint(op.f("ck_plans_period_in_order"), type_="check")
        batch.drop_constraint(op.f("ck_plans_default_language"), type_="check")
        batch.drop_constraint(op.f("uq_plans_slug"), type_="unique")
        for name in (
            "predecessor_id",
            "default_language",
            "intro_en",
            "intro_nn",
            "intro",
            "owner",
            "last_year",
            "first_year",
            "title_en",
            "title_nn",
            "slug",
        ):
            batch.drop_column(name)
        batch.create_check_constraint(op.f("ck_plans_single_plan"), "id = 1")
