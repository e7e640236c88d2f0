from domain.uscc import check_character, uscc_problem


def test_known_codes_are_valid() -> None:
    for code in ("91350100M000100Y43", "91110000802100433B", "91440300708461136T"):
        assert uscc_problem(code) is None


def test_check_character_is_the_mod_31_complement() -> None:
    assert check_character("91350100M000100Y4") == "3"
    assert check_character("91110000802100433") == "B"


def test_problems_are_named() -> None:
    assert uscc_problem("91350100M000100Y44") == "统一社会信用代码校验位错误：应为3，实际为4"
    assert "18位" in uscc_problem("123")
    assert "不允许的字符：O" in uscc_problem("91350100M000100O43")
