"""The cells of the projects' import files as counties write them: village codes, ID numbers and
credit codes several to a cell, percentages, and the names people give a project's type,
set-up, shortfall rule and contributed asset (fupin.projects.imports).
"""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from fupin.imports import parsers
from fupin.imports.schema import CellError
from fupin.projects import actions
from fupin.projects.choices import (
    Asset,
    PartnerKind,
    ProjectType,
    SetupModel,
    ShortfallRule,
)
from fupin.regions.codes import is_village_code

SEPARATORS = ("、", "，", ",", "；", ";", "/", "\n")


def _split(value: str) -> list[str]:
    """Several values in one cell, separated as people do: 、 , ， ; ； / or spaces."""
    for separator in SEPARATORS:
        value = value.replace(separator, " ")
    found: list[str] = []
    for item in value.split():
        if item not in found:
            found.append(item)
    return found


def village_codes(value: str) -> list[str]:
    """The codes of the covered villages (12 digits each), separated by 、."""
    codes = _split(value)
    bad = [c for c in codes if not is_village_code(c)]
    if bad:
        raise CellError(
            _("“%(code)s” is not a village code: a village code has 12 digits.") % {"code": bad[0]}
        )
    if not codes:
        raise CellError(_("No village code: write the codes of the villages covered."))
    return codes


def id_numbers(value: str) -> list[str]:
    """Leading members' ID numbers, separated by 、."""
    found: list[str] = []
    for item in _split(value):
        try:
            number = parsers.id_number(item)
        except CellError as e:
            raise CellError(f"{item}: {e}") from None
        if number not in found:
            found.append(number)
    return found


def credit_codes(value: str) -> list[str]:
    """Partner enterprises' unified social credit codes (GB 32100-2015), separated by 、."""
    found: list[str] = []
    for item in _split(value):
        try:
            code = actions.check_credit_code(item, PartnerKind.ENTERPRISE)
        except ValidationError as e:
            raise CellError(e.messages[0]) from None
        if code not in found:
            found.append(code)
    return found


_PERCENT = parsers.decimal(min_value=0, places=2)


def percent(value: str) -> Decimal:
    """A percentage: 10, 10% or 10.5%."""
    number: Decimal = _PERCENT(value.strip().rstrip("%％").strip())
    return number


parsers.set_hint(percent, parsers.hint(parsers.decimal))

money = parsers.decimal(places=2)

TYPE_NAMES = {
    "合作社": ProjectType.COOPERATIVE,
    "专业合作社": ProjectType.COOPERATIVE,
    "农民专业合作社": ProjectType.COOPERATIVE,
    "家庭农场": ProjectType.FAMILY_FARM,
    "苗圃": ProjectType.NURSERY,
    "育苗基地": ProjectType.NURSERY,
    "乡村旅游": ProjectType.AGRITOURISM,
    "农家乐": ProjectType.AGRITOURISM,
    "电商": ProjectType.ECOMMERCE,
    "电子商务": ProjectType.ECOMMERCE,
    "示范园": ProjectType.DEMONSTRATION_GARDEN,
    "示范园区": ProjectType.DEMONSTRATION_GARDEN,
    "养殖": ProjectType.LIVESTOCK,
    "养殖场": ProjectType.LIVESTOCK,
    "加工": ProjectType.PROCESSING,
    "加工厂": ProjectType.PROCESSING,
}
SETUP_NAMES = {
    "村企联建": SetupModel.VILLAGE_ENTERPRISE,
    "村企共建": SetupModel.VILLAGE_ENTERPRISE,
    "支部领办合作社": SetupModel.BRANCH_COOPERATIVE,
    "支部+合作社": SetupModel.BRANCH_COOPERATIVE,
    "连片开发": SetupModel.CONTIGUOUS,
    "跨村连片": SetupModel.CONTIGUOUS,
    "支部领办家庭农场": SetupModel.BRANCH_FAMILY_FARM,
    "订单式": SetupModel.ORDER_BASED,
    "订单农业": SetupModel.ORDER_BASED,
    "集体经济": SetupModel.COLLECTIVE_ECONOMY,
    "村集体经济": SetupModel.COLLECTIVE_ECONOMY,
}
SHORTFALL_NAMES = {
    "按比例": ShortfallRule.PRO_RATA,
    "按比例支付": ShortfallRule.PRO_RATA,
    "先动用公积金": ShortfallRule.RESERVE_FIRST,
    "动用公积金": ShortfallRule.RESERVE_FIRST,
}
ASSET_NAMES = {
    "土地": Asset.LAND,
    "土地入股": Asset.LAND,
    "土地经营权": Asset.LAND,
    "帮扶资金": Asset.FUND,
    "扶贫资金": Asset.FUND,
    "资金": Asset.FUND,
    "资金入股": Asset.FUND,
    "现金": Asset.CASH,
    "现金入股": Asset.CASH,
}
