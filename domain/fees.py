"""帮办代办 is free (无偿代办): the only money a case records is a statutory fee the
applicant pays the department itself (和硕 五.(二)). An agent's or a service fee is not
one, and is refused where a department records its fees."""

# Words that name a charge for the agency service itself, not a statutory fee.
SERVICE_CHARGE_WORDS = ("代办", "帮办", "服务费")


def fee_problem(item: str) -> str | None:
    if any(word in item for word in SERVICE_CHARGE_WORDS):
        return f"帮办代办为无偿服务，不得收取“{item}”；此处只记录申请人向部门自行缴纳的法定费用"
    return None
