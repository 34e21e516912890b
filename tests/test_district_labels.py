from scripts.district_labels import city_of, district_in_text, platform_district, short_form


def test_each_platform_format_gives_the_tables_county():
    assert platform_district({"发布平台": "51JOB", "地区": "湖州·德清县"}) == "德清县"
    assert platform_district({"发布平台": "LIEPIN", "地区": "广州-黄埔区"}) == "黄埔区"
    boss = {"发布平台": "BOSS", "地区": "杭州", "地址": "杭州滨江区某某大厦"}
    assert platform_district(boss) == "滨江区"
    online = {"发布平台": "JOBONLINE", "地区": "郑州市", "地址": "中原区某路100号"}
    assert platform_district(online) == "中原区"


def test_no_label_from_a_town_a_zone_or_a_county_outside_the_city():
    assert platform_district({"发布平台": "ZHILIAN", "地区": "广州", "地址": "新塘"}) is None
    assert platform_district({"发布平台": "51JOB", "地区": "东莞·松山湖区"}) is None
    assert platform_district({"发布平台": "51JOB", "地区": "广州·福田区"}) is None


def test_short_forms_count_but_not_as_a_street_name():
    assert short_form("浦东新区") == "浦东"
    assert short_form("陇县") == "陇县"
    assert district_in_text("德清县", "地点在德清，交通方便")
    assert not district_in_text("南京市", "公司在南京路100号")
    assert not district_in_text("陇县", "陇南")


def test_city_of():
    assert city_of("福田区", "深圳")
    assert not city_of("福田区", "广州")
