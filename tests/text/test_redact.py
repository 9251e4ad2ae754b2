"""Tests for build_tools.text.redact: personal data is masked, everything else is not."""

from dataclasses import FrozenInstanceError

import pytest

from build_tools.text.redact import PersonalData, find_personal_data, redact

ID_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]


def id_check_digit(body17: str) -> str:
    """ISO 7064 MOD 11-2, written out independently of the module."""
    return "10X98765432"[sum(int(d) * w for d, w in zip(body17, ID_WEIGHTS)) % 11]


def luhn_ok(number: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(number)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def kinds(text: str) -> list[str]:
    return [item.kind for item in find_personal_data(text)]


# --- 身份证 ----------------------------------------------------------------


def test_known_valid_id_with_x_is_masked_keeping_6_and_4():
    assert redact("身份证号11010519491231002X。") == "身份证号110105********002X。"


def test_computed_valid_id_is_masked_to_the_same_length():
    number = "32010219900307123" + id_check_digit("32010219900307123")
    assert number == "320102199003071239"
    masked = redact(number)
    assert masked == "320102********1239"
    assert len(masked) == len(number)


def test_lowercase_x_check_digit_is_accepted():
    assert redact("11010519491231002x") == "110105********002x"


def test_id_with_wrong_check_digit_is_not_an_id():
    wrong = "110105194912310021"  # the right check digit is X
    assert not luhn_ok(wrong)
    assert find_personal_data(wrong) == []
    assert redact(wrong) == wrong


def test_id_with_wrong_check_digit_but_valid_luhn_is_a_bank_card():
    number = "621483012345678902"
    assert id_check_digit(number[:17]) != number[17] and luhn_ok(number)
    assert kinds(number) == ["bank_card"]
    assert redact(number) == "6214**********8902"


@pytest.mark.parametrize("body", ["11010519491331002", "11010519490230002", "11010518491231002"])
def test_id_with_impossible_birth_date_is_not_an_id(body):
    # month 13, 30 February, year 1849: the check digit is right, the date is not
    number = body + id_check_digit(body)
    assert "id_card" not in kinds(number)


def test_id_inside_a_longer_number_is_left_alone():
    assert "id_card" not in kinds("011010519491231002X")
    assert "id_card" not in kinds("3201021990030712390")


def test_old_15_digit_id_keeps_first_6_and_last_3():
    assert redact("旧证号110105491231002") == "旧证号110105******002"
    assert kinds("110105491231002") == ["id_card"]


def test_15_digits_without_a_real_date_are_left_alone():
    assert redact("110105491331002") == "110105491331002"


def test_full_width_id_is_found_and_masked():
    assert redact("１１０１０５１９４９１２３１００２Ｘ") == "１１０１０５********００２Ｘ"


# --- 银行卡 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "number, masked",
    [
        ("6228480012345671", "6228********5671"),
        ("6222021234567890128", "6222***********0128"),
    ],
)
def test_luhn_valid_card_keeps_first_and_last_4(number, masked):
    assert luhn_ok(number)
    assert redact(f"卡号{number}。") == f"卡号{masked}。"


@pytest.mark.parametrize("number", ["6228480012345672", "6222021234567890123"])
def test_luhn_invalid_card_is_left_alone(number):
    assert not luhn_ok(number)
    assert redact(number) == number


@pytest.mark.parametrize(
    "grouped, masked",
    [
        ("6222 0212 3456 7890 128", "6222 **** **** ***0 128"),
        ("6222-0212-3456-7890-128", "6222-****-****-***0-128"),
        ("6228 4800 1234 5671", "6228 **** **** 5671"),
    ],
)
def test_grouped_card_keeps_its_separators(grouped, masked):
    assert redact(grouped) == masked
    assert kinds(grouped) == ["bank_card"]


def test_grouped_card_with_invalid_luhn_or_mixed_separators_is_left_alone():
    assert redact("6222 0212 3456 7890 123") == "6222 0212 3456 7890 123"
    assert kinds("6222 0212-3456 7890 128") == []


def test_id_wins_over_a_card_when_both_checks_pass():
    number = "320102199003070009"
    assert luhn_ok(number)
    assert kinds(number) == ["id_card"]
    assert redact(number) == "320102********0009"


# --- 手机号 ----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("13812345678", "138****5678"),
        ("联系电话13812345678谢谢", "联系电话138****5678谢谢"),
        ("138 1234 5678", "138 **** 5678"),
        ("138-1234-5678", "138-****-5678"),
        ("+8613812345678", "+86138****5678"),
        ("+86 138 1234 5678", "+86 138 **** 5678"),
        ("+86-13812345678", "+86-138****5678"),
        ("8613812345678", "86138****5678"),
        ("(+86) 13812345678", "(+86) 138****5678"),
        ("（+86）19912345678", "（+86）199****5678"),
        ("１３８１２３４５６７８", "１３８****５６７８"),
        ("电话：１３８-１２３４-５６７８。", "电话：１３８-****-５６７８。"),
        ("13812345678、13912345678", "138****5678、139****5678"),
    ],
)
def test_mobile_keeps_first_3_and_last_4(text, masked):
    assert redact(text) == masked


def test_mobile_span_includes_the_country_prefix():
    assert find_personal_data("电话+86 13812345678") == [
        PersonalData("mobile", 2, 17, "+86 13812345678")
    ]


@pytest.mark.parametrize(
    "text",
    [
        "12345678901",  # 11 digits but 12 is no mobile prefix
        "2013812345678999",  # a phone-like run inside a longer number
        "9913812345678",  # ... with digits before it only
        "13812345678999",  # ... with digits after it only
        "138123456789",  # 12 digits
        "138 1234 5678 9",  # a longer grouped number
    ],
)
def test_things_that_are_not_mobiles(text):
    assert find_personal_data(text) == []
    assert redact(text) == text


# --- 电子邮箱 --------------------------------------------------------------


@pytest.mark.parametrize(
    "text, masked",
    [
        ("zhangsan@example.com", "z***@example.com"),
        ("来信请寄li.si+zx@mail.gov.cn。", "来信请寄l***@mail.gov.cn。"),
        ("123456789@qq.com", "1***@qq.com"),
    ],
)
def test_email_keeps_first_letter_and_domain(text, masked):
    assert redact(text) == masked


@pytest.mark.parametrize("text", ["@某某部门", "user@localhost", "a@b", "见附件@2023.pdf"])
def test_things_that_are_not_emails(text):
    assert redact(text) == text


def test_mobile_wins_over_an_email_made_of_it():
    text = "13812345678@qq.com"
    assert kinds(text) == ["mobile"]
    assert redact(text) == "138****5678@qq.com"


# --- 不应改动的内容 --------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "苏政发〔2023〕1号",
        "国办发〔2023〕12号文件",
        "2023-02-16",
        "2023年2月16日",
        "补贴1000000元",
        "咨询电话025-83391234",
        "(025)83391234",
        "编号12345678901",
        "",
    ],
)
def test_ordinary_numbers_are_not_touched(text):
    assert find_personal_data(text) == []
    assert redact(text) == text


# --- find_personal_data and idempotence ------------------------------------


def test_find_reports_kind_and_span_in_text_order():
    text = "张先生，身份证11010519491231002X，电话13812345678，邮箱zs@example.com，卡号6228480012345671"
    found = find_personal_data(text)
    assert [item.kind for item in found] == ["id_card", "mobile", "email", "bank_card"]
    for item in found:
        assert text[item.start : item.end] == item.text
    assert found[0] == PersonalData("id_card", 7, 25, "11010519491231002X")


def test_personal_data_is_frozen():
    item = find_personal_data("13812345678")[0]
    with pytest.raises(FrozenInstanceError):
        item.kind = "email"  # type: ignore[misc]


@pytest.mark.parametrize(
    "text",
    [
        "张先生，身份证11010519491231002X，电话+86 138-1234-5678，邮箱zs@example.com，卡号6222 0212 3456 7890 128",
        "１３８１２３４５６７８ 13812345678@qq.com 110105491231002",
        "苏政发〔2023〕1号 2023-02-16 025-83391234",
    ],
)
def test_redact_is_idempotent(text):
    once = redact(text)
    assert redact(once) == once
    assert find_personal_data(once) == []


def test_numbers_glued_to_letters_are_still_masked():
    assert redact("tel13812345678") == "tel138****5678"
    assert redact("QQ13812345678") == "QQ138****5678"
