"""Write gbt4754.ttl and gbt13745.ttl (SKOS) from the code lists below.

Run from the repository's top: ``python3 src/kxgraph/data/schemes/build.py``. The lists are public
national standards (code and name); only codes the author is certain of are listed (see README.md).
"""

from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# GB/T 4754-2017 国民经济行业分类: sections (门类) with their English names, and divisions (大类).
SECTIONS = [
    ("A", "农、林、牧、渔业", "Agriculture, forestry, animal husbandry and fishery", "01-05"),
    ("B", "采矿业", "Mining", "06-12"),
    ("C", "制造业", "Manufacturing", "13-43"),
    ("D", "电力、热力、燃气及水生产和供应业", "Production and supply of electricity, heat, gas and water", "44-46"),
    ("E", "建筑业", "Construction", "47-50"),
    ("F", "批发和零售业", "Wholesale and retail trade", "51-52"),
    ("G", "交通运输、仓储和邮政业", "Transport, storage and post", "53-60"),
    ("H", "住宿和餐饮业", "Accommodation and catering", "61-62"),
    ("I", "信息传输、软件和信息技术服务业", "Information transmission, software and information technology services", "63-65"),
    ("J", "金融业", "Finance", "66-69"),
    ("K", "房地产业", "Real estate", "70-70"),
    ("L", "租赁和商务服务业", "Leasing and business services", "71-72"),
    ("M", "科学研究和技术服务业", "Scientific research and technical services", "73-75"),
    ("N", "水利、环境和公共设施管理业", "Water conservancy, environment and public facilities management", "76-79"),
    ("O", "居民服务、修理和其他服务业", "Resident services, repair and other services", "80-82"),
    ("P", "教育", "Education", "83-83"),
    ("Q", "卫生和社会工作", "Health and social work", "84-85"),
    ("R", "文化、体育和娱乐业", "Culture, sports and entertainment", "86-90"),
    ("S", "公共管理、社会保障和社会组织", "Public administration, social security and social organisations", "91-96"),
    ("T", "国际组织", "International organisations", "97-97"),
]
DIVISIONS = """01 农业
02 林业
03 畜牧业
04 渔业
05 农、林、牧、渔专业及辅助性活动
06 煤炭开采和洗选业
07 石油和天然气开采业
08 黑色金属矿采选业
09 有色金属矿采选业
10 非金属矿采选业
11 开采专业及辅助性活动
12 其他采矿业
13 农副食品加工业
14 食品制造业
15 酒、饮料和精制茶制造业
16 烟草制品业
17 纺织业
18 纺织服装、服饰业
19 皮革、毛皮、羽毛及其制品和制鞋业
20 木材加工和木、竹、藤、棕、草制品业
21 家具制造业
22 造纸和纸制品业
23 印刷和记录媒介复制业
24 文教、工美、体育和娱乐用品制造业
25 石油、煤炭及其他燃料加工业
26 化学原料和化学制品制造业
27 医药制造业
28 化学纤维制造业
29 橡胶和塑料制品业
30 非金属矿物制品业
31 黑色金属冶炼和压延加工业
32 有色金属冶炼和压延加工业
33 金属制品业
34 通用设备制造业
35 专用设备制造业
36 汽车制造业
37 铁路、船舶、航空航天和其他运输设备制造业
38 电气机械和器材制造业
39 计算机、通信和其他电子设备制造业
40 仪器仪表制造业
41 其他制造业
42 废弃资源综合利用业
43 金属制品、机械和设备修理业
44 电力、热力生产和供应业
45 燃气生产和供应业
46 水的生产和供应业
47 房屋建筑业
48 土木工程建筑业
49 建筑安装业
50 建筑装饰、装修和其他建筑业
51 批发业
52 零售业
53 铁路运输业
54 道路运输业
55 水上运输业
56 航空运输业
57 管道运输业
58 多式联运和运输代理业
59 装卸搬运和仓储业
60 邮政业
61 住宿业
62 餐饮业
63 电信、广播电视和卫星传输服务
64 互联网和相关服务
65 软件和信息技术服务业
66 货币金融服务
67 资本市场服务
68 保险业
69 其他金融业
70 房地产业
71 租赁业
72 商务服务业
73 研究和试验发展
74 专业技术服务业
75 科技推广和应用服务业
76 水利管理业
77 生态保护和环境治理业
78 公共设施管理业
79 土地管理业
80 居民服务业
81 机动车、电子产品和日用产品修理业
82 其他服务业
83 教育
84 卫生
85 社会工作
86 新闻和出版业
87 广播、电视、电影和录音制作业
88 文化艺术业
89 体育
90 娱乐业
91 中国共产党机关
92 国家机构
93 人民政协、民主党派
94 社会保障
95 群众团体、社会团体和其他成员组织
96 基层群众自治组织及其他组织
97 国际组织"""

# GB/T 13745-2009 学科分类与代码, first level (一级学科), with English names where sure.
DISCIPLINES = """110 数学 mathematics
120 信息科学与系统科学 information and systems science
130 力学 mechanics
140 物理学 physics
150 化学 chemistry
160 天文学 astronomy
170 地球科学 earth sciences
180 生物学 biology
190 心理学 psychology
210 农学 agronomy
220 林学 forestry
230 畜牧、兽医科学 animal husbandry and veterinary science
240 水产学 fishery science
310 基础医学 basic medicine
320 临床医学 clinical medicine
330 预防医学与公共卫生学 preventive medicine and public health
340 军事医学与特种医学 military and special medicine
350 药学 pharmacy
360 中医学与中药学 traditional Chinese medicine and pharmacy
410 工程与技术科学基础学科 basic disciplines of engineering and technology
420 测绘科学技术 surveying and mapping
430 材料科学 materials science
440 矿山工程技术 mining engineering
450 冶金工程技术 metallurgical engineering
460 机械工程 mechanical engineering
470 动力与电气工程 power and electrical engineering
480 能源科学技术 energy science and technology
490 核科学技术 nuclear science and technology
510 电子与通信技术 electronics and communication technology
520 计算机科学技术 computer science and technology
530 化学工程 chemical engineering
540 纺织科学技术 textile science and technology
550 食品科学技术 food science and technology
560 土木建筑工程 civil and architectural engineering
570 水利工程 hydraulic engineering
580 交通运输工程 transport engineering
590 航空、航天科学技术 aeronautics and astronautics
610 环境科学技术及资源科学技术 environmental and resource science and technology
620 安全科学技术 safety science and technology
630 管理学 management
710 马克思主义 Marxism
720 哲学 philosophy
730 宗教学 religious studies
740 语言学 linguistics
750 文学 literature
760 艺术学 art
770 历史学 history
780 考古学 archaeology
790 经济学 economics
810 政治学 political science
820 法学 law
830 军事学 military science
840 社会学 sociology
860 新闻学与传播学 journalism and communication
870 图书馆、情报与文献学 library, information and documentation science
880 教育学 education
890 体育科学 sport science
910 统计学 statistics"""

HEAD = """@prefix kx:      <https://w3id.org/kxgraph/ns#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix kxs:     <https://w3id.org/kxgraph/id/scheme/> .

"""


def industries() -> str:
    out = [HEAD, """kxs:gbt4754-2017 a skos:ConceptScheme ;
    rdfs:label "国民经济行业分类（GB/T 4754-2017）门类与大类"@zh ,
        "Industrial classification for national economic activities (GB/T 4754-2017), sections and divisions"@en ;
    dcterms:source "GB/T 4754-2017 国民经济行业分类（国家标准，2017年发布，含2019年第1号修改单）" ;
    dcterms:provenance "门类（A–T）与大类（01–97）的代码和中文名称照录国家标准；英文名称只给门类，为通行译法，非标准原文。"@zh ,
        "Codes and Chinese names of the sections (A-T) and divisions (01-97) as the national standard lists them; English names are given for sections only and are common translations, not text of the standard."@en .
"""]
    for code, zh, en, span in SECTIONS:
        out.append(f'kxs:gbt4754-{code} a skos:Concept ; skos:inScheme kxs:gbt4754-2017 ; skos:topConceptOf kxs:gbt4754-2017 ;\n'
                   f'    skos:notation "{code}" ; skos:prefLabel "{zh}"@zh , "{en}"@en ; rdfs:label "{zh}"@zh , "{en}"@en .\n')
    for line in DIVISIONS.splitlines():
        code, zh = line.split(" ", 1)
        section = next(s for s, _, _, span in SECTIONS if int(span[:2]) <= int(code) <= int(span[3:]))
        out.append(f'kxs:gbt4754-{code} a skos:Concept ; skos:inScheme kxs:gbt4754-2017 ; skos:broader kxs:gbt4754-{section} ;\n'
                   f'    skos:notation "{code}" ; skos:prefLabel "{zh}"@zh ; rdfs:label "{zh}"@zh .\n')
    return "".join(out)


def disciplines() -> str:
    out = [HEAD, """kxs:gbt13745-2009 a skos:ConceptScheme ;
    rdfs:label "学科分类与代码（GB/T 13745-2009）一级学科"@zh ,
        "Classification and code of disciplines (GB/T 13745-2009), first level"@en ;
    dcterms:source "GB/T 13745-2009 学科分类与代码（国家标准）" ;
    dcterms:provenance "只列出编者确知的一级学科代码与中文名称；413、416、535、850 等未能核实的一级学科暂缺，二级学科未收。英文名称为通行译法。"@zh ,
        "Only the first-level codes and Chinese names the author is certain of; first-level codes that could not be checked (413, 416, 535, 850 …) are left out, and the second level is not shipped. English names are common translations."@en .
"""]
    for line in DISCIPLINES.splitlines():
        code, zh, en = line.split(" ", 2)
        out.append(f'kxs:gbt13745-{code} a skos:Concept ; skos:inScheme kxs:gbt13745-2009 ; skos:topConceptOf kxs:gbt13745-2009 ;\n'
                   f'    skos:notation "{code}" ; skos:prefLabel "{zh}"@zh , "{en}"@en ; rdfs:label "{zh}"@zh , "{en}"@en .\n')
    return "".join(out)


if __name__ == "__main__":
    (HERE / "gbt4754.ttl").write_text(industries(), encoding="utf-8")
    (HERE / "gbt13745.ttl").write_text(disciplines(), encoding="utf-8")
