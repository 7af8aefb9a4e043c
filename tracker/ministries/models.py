from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tracker.enum_columns import enum_column
from tracker.extensions import Model
from tracker.labelled_enum import LabelledEnum
from tracker.text import N_


class UnitKind(LabelledEnum):
    """What sort of body a responsible unit is; a national plan has ministries, a municipal one
    has the municipality's agencies and boroughs."""

    MINISTRY = "departement", N_("Departement")
    DIRECTORATE = "direktorat", N_("Direktorat")
    MUNICIPALITY = "kommune", N_("Kommune")
    MUNICIPAL_AGENCY = "kommunal_enhet", N_("Kommunal enhet eller etat")
    BOROUGH = "bydel", N_("Bydel")
    OTHER = "annet", N_("Annen enhet")


class ResponsibleUnit(Model):
    """A body that owns measures and whose contact persons report on them: a ministry, a
    directorate, a municipal agency, a borough.

    One row per body in the whole installation: AID is AID in every national plan, so its
    contact persons report on its measures in each of them. Which plans a unit takes part in
    follows from its responsibilities (and ``plan_units``, which also keeps each plan's order).
    """

    __tablename__ = "responsible_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    abbreviation: Mapped[str] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[UnitKind] = mapped_column(
        enum_column(UnitKind, "unit_kind"), default=UnitKind.MINISTRY
    )
    # Merged into another unit (a reorganisation): it keeps its row, so the reports made under
    # its name keep it, but it is responsible for nothing any more.
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("responsible_units.id"))

    merged_into: Mapped["ResponsibleUnit | None"] = relationship(remote_side=[id])

    def __repr__(self) -> str:
        return f"<ResponsibleUnit {self.abbreviation}>"
