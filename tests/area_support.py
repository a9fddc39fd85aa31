"""Areas of a small province for the tests of a case's area (Địa bàn): a district with two
wards, and two communes placed directly under the province, as since the 2025 merger."""

from __future__ import annotations

from dataclasses import dataclass

from routing.models import Area


@dataclass
class Areas:
    province: Area
    district: Area
    an_tinh: Area
    an_loc: Area
    gia_loc: Area
    ward_one: Area


def make_areas() -> Areas:
    province = Area.objects.create(code="tay-ninh", name="Tỉnh Tây Ninh", level="province")
    district = Area.objects.create(code="tp-tay-ninh", name="Thành phố Tây Ninh",
                                   level="district", parent=province)
    commune = Area.Level.COMMUNE
    return Areas(
        province=province, district=district,
        # Vietnamese order: An, Ân, Gia, 1; code-point order puts "Ân" after "Gia".
        gia_loc=Area.objects.create(code="gia-loc", name="Phường Gia Lộc", level=commune,
                                    parent=province),
        an_loc=Area.objects.create(code="an-loc", name="Phường Ân Lộc", level=commune,
                                   parent=province),
        an_tinh=Area.objects.create(code="an-tinh", name="Phường An Tịnh", level=commune,
                                    parent=province),
        ward_one=Area.objects.create(code="phuong-1", name="Phường 1", level=commune,
                                     parent=district),
    )
