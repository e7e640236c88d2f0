"""鄂尔多斯高新区: which department a matter goes to, by its domain (DOMAIN.md)."""

from domain.routing import DomainRoute, Routing

ROUTING = Routing(
    routes=[
        DomainRoute(domains=["发改", "工信", "能源"], department="发展规划局"),
        DomainRoute(domains=["生态环境", "住建", "应急管理", "市政公用"], department="建设管理局"),
        DomainRoute(domains=["商务"], department="投资促进局"),
        DomainRoute(domains=["科技"], department="科技人才局"),
        DomainRoute(domains=["自然资源", "林草"], department="自然资源分局"),
        DomainRoute(domains=["市场监管", "行政审批", "政务服务"], department="政务服务局"),
    ],
    fallback="产业管理办公室",
)
