"""博州 (博尔塔拉蒙古自治州), 博州政办发〔2025〕54号: parks, departments, matter catalogue.

Limits are the national ones (DOMAIN.md, "Typical matters"); a matter decided "on the spot"
has ``limit_days=None``. Departments are listed per county with the function they decide,
so a park's case is routed to its own county's department.
"""

from domain.catalogue import (
    CrossCountyCategory,
    CrossCountyItem,
    CrossCountyList,
    Department,
    Park,
    PolicyPack,
)
from policies.matters import CD, matter

_COUNTIES = {"bole": "博乐市", "jinghe": "精河县", "alashankou": "阿拉山口市"}

_FUNCTIONS = {
    "market_regulation": "市场监督管理局",
    "development_reform": "发展和改革委员会",
    "natural_resources": "自然资源局",
    "ecology_environment": "生态环境局",
    "housing_construction": "住房和城乡建设局",
    "water_resources": "水利局",
}

_DEPARTMENTS = [
    Department(
        code=f"{county}-{function.replace('_', '-')}",
        name=f"{county_name}{title}",
        county=county_name,
        function=function,
    )
    for county, county_name in _COUNTIES.items()
    for function, title in _FUNCTIONS.items()
]

_PARKS = [
    Park(code="alashankou-fz", name="阿拉山口综合保税区", county="阿拉山口市"),
    Park(code="bole-jinsanjiao", name="博乐边境经济合作区（金三角片区）", county="博乐市"),
    Park(code="bole-wutai", name="博乐边境经济合作区（五台片区）", county="博乐市"),
    Park(code="bole-donggong", name="博乐边境经济合作区（东工片区）", county="博乐市"),
    Park(code="jinghe-ip", name="精河工业园区", county="精河县"),
]

_MATTERS = [
    matter(
        "enterprise-registration",
        "企业设立登记",
        "market_regulation",
        3,
        extension=3,
        materials=("公司登记申请书", "公司章程", "股东主体资格证明"),
    ),
    matter(
        "project-filing",
        "企业投资项目备案",
        "development_reform",
        None,
        "enterprise-registration",
        materials=("项目备案信息表",),
    ),
    matter(
        "land-preexamination",
        "建设项目用地预审与选址意见书",
        "natural_resources",
        20,
        extension=10,
        materials=("用地预审申请表", "项目建设依据"),
    ),
    matter(
        "project-approval",
        "企业投资项目核准",
        "development_reform",
        20,
        "land-preexamination",
        extension=40,
        materials=("项目申请报告",),
    ),
    matter(
        "land-planning-permit",
        "建设用地规划许可证核发",
        "natural_resources",
        20,
        "project-filing",
        extension=10,
        materials=("建设用地规划许可申请表", "土地出让合同"),
    ),
    matter(
        "construction-planning-permit",
        "建设工程规划许可证核发",
        "natural_resources",
        20,
        "land-planning-permit",
        extension=10,
        materials=("建设工程设计方案",),
    ),
    matter(
        "energy-review",
        "固定资产投资项目节能审查",
        "development_reform",
        20,
        extension=10,
        materials=("节能报告",),
    ),
    matter(
        "eia-report-table",
        "环境影响评价审批（报告表）",
        "ecology_environment",
        30,
        unit=CD,
        materials=("环境影响报告表",),
    ),
    matter(
        "eia-report-book",
        "环境影响评价审批（报告书）",
        "ecology_environment",
        60,
        unit=CD,
        materials=("环境影响报告书",),
    ),
    matter("water-permit", "取水许可", "water_resources", 45, materials=("取水许可申请书",)),
    matter(
        "construction-permit",
        "建筑工程施工许可证核发",
        "housing_construction",
        7,
        "construction-planning-permit",
        unit=CD,
        materials=("施工合同", "施工图审查合格书"),
    ),
    matter(
        "food-licence",
        "食品经营许可",
        "market_regulation",
        10,
        "enterprise-registration",
        extension=5,
        materials=("食品经营许可申请书",),
    ),
    matter(
        "temporary-land-use",
        "临时用地审批",
        "natural_resources",
        20,
        extension=10,
        materials=("临时用地申请书",),
    ),
]


def _listed(category: str, *items: str | tuple[str, str]) -> CrossCountyCategory:
    """Items as 附件5 words them; a pair names the catalogue matter the item is."""
    return CrossCountyCategory(
        name=category,
        items=[
            CrossCountyItem(name=i, matter=None)
            if isinstance(i, str)
            else CrossCountyItem(name=i[0], matter=i[1])
            for i in items
        ],
    )


# 附件5: 博乐边合区（五台片区）跨县市代办事项清单. 五台片区's projects sit in 精河县; its
# cross-county matters are led by 博乐边境经济合作区管委会 (五.(五)2).
_WUTAI_CROSS_COUNTY = CrossCountyList(
    parks=["bole-wutai"],
    lead_committee="博乐边境经济合作区管委会",
    project_county="精河县",
    categories=[
        _listed(
            "经济类",
            "县市、园区财政出资建设的新建项目审批、核准、备案、监管、验收",
            "国家、自治区专项资金项目审核、上报和监管",
            "固定资产投资、工业增加值、招商引资等经济指标监测及统计",
        ),
        _listed(
            "用地类",
            ("临时用地审批手续", "temporary-land-use"),
            "国有建设用地使用权出让后土地使用权分割转让批准",
            "建设项目用地审核",
        ),
        _listed(
            "规划类",
            ("建设项目用地预审与规划选址意见书", "land-preexamination"),
            ("建设用地规划许可证核发", "land-planning-permit"),
            ("建设工程规划许可证核发", "construction-planning-permit"),
            "建设项目规划竣工认可",
        ),
        _listed(
            "建设类",
            "建筑渣土处置收费申报事宜",
            "依附于园区道路建设的各种管线、干线（不包括危险化学品）等设施的审批",
            ("建筑工程施工许可证核发", "construction-permit"),
            "基础设施配套费",
            "园区道路两侧和公共场所临时堆放物料、搭建非永久性建筑物的核准",
        ),
        _listed("矿产资源勘查开发类", "勘查矿产资源审批", "开采矿产资源审批"),
    ],
)

PACK = PolicyPack(
    jurisdiction="BZ",
    name="博尔塔拉蒙古自治州",
    parks=_PARKS,
    departments=_DEPARTMENTS,
    matters=_MATTERS,
    cross_county=[_WUTAI_CROSS_COUNTY],
    oversight_body="自治州推进园区高质量发展工作专班办公室（州工信局）",
)
