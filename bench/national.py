#!/usr/bin/env python3
"""Write whole-country-size national open-data files with fictional rows in the real layouts.

    python3 bench/national.py OUTDIR [--kouhyou-rows 40000] [--clinics 80000] [--city 392031] [--seed N]

This is the input for benchmarking `tsunagu import` on national-size files. The issue's targets are:
a 40,000-row 介護サービス情報公表 file filtered to one city in at most 1 s, and the whole-country
clinic pair (facility file and hours file) in at most 10 s with a peak of at most 300 MB. The real
files cannot be shipped or fetched in the benchmark, so this script writes files of the same size
and byte layout. Their header lines are byte-identical to those of the real files described in
tests/realdata/national/README.md (UTF-8 with BOM, CRLF).

It writes into OUTDIR:

  jigyosho_430.csv
      介護サービス情報公表システム layout, 24 columns. No quoting except for fields that hold a comma
      (利用可能曜日 "平日,土曜日"). There are --kouhyou-rows rows of サービスの種類 居宅介護支援, spread
      over about 1,300 municipality codes (6 digits, JIS X 0402 check digit computed), sorted by code.
      About 30 of every 40,000 rows are in --city (392031 = 高知県安芸市, addresses 「高知県安芸市…」).
      No and 事業所番号 are the same 10-digit string with its leading zeros. Phone numbers use the
      unassigned exchange 00 (0887-00-xxxx). 緯度/経度 are written with 15 decimals, as in the real data.
  02-1_clinic_facility_info_20261201.csv, 02-2_clinic_speciality_hours_20261201.csv
      医療情報ネット（ナビイ）clinic layout (62 and 36 columns). Every field is double-quoted except the
      two bare coordinate columns. There are --clinics facilities in all 47 prefectures; about 60 of
      every 80,000 are in the city (都道府県コード = the first 2 digits of --city, 市区町村コード =
      digits 3-5). Each facility has 1-3 診療科目, and each 科目 has three 診療時間帯 rows (unused slots
      blank). The rows include lunch breaks, 00:00/00:00 placeholders, a few overnight ranges, coordinates
      of 0.0,0.0, blank flag blocks and 外来受付 times. Both files are sorted by ID (then 科目コード,
      診療時間帯), as published.

Every name, address, phone number, corporate number and URL is made up, and URLs are under example.jp.
The output is deterministic: the same arguments give the same bytes. The script prints each file's
size and row count, and how many rows are in the city. Standard library only.
"""

import argparse
import os
import random
import sys
import time

# ----------------------------------------------------------------------------------------- headers
# Exact header lines of the published files: the first line (without BOM and CRLF) of
# tests/realdata/national/jigyosho_160.csv, 02-1_clinic_facility_info_aki_sample.csv and
# 02-2_clinic_speciality_hours_aki_sample.csv. The two clinic ones are built from column lists below;
# they were checked byte for byte against those files.
KOUHYOU_HEADER = (
    "都道府県コード又は市町村コード,No,都道府県名,市区町村名,事業所名,事業所名カナ,サービスの種類,住所,"
    "方書（ビル名等）,緯度,経度,電話番号,FAX番号,法人番号,法人の名称,事業所番号,利用可能曜日,"
    "利用可能曜日特記事項,定員,URL,高齢者の方と障害者の方が同時一体的に利用できるサービス,"
    "介護保険の通常の指定基準を満たしている,障害福祉の通常の指定基準を満たしている,備考"
)
DAYS7 = "月火水木金土日"
DAYS8 = list(DAYS7) + ["祝"]
CLINIC_COLUMNS = (
    ["ID", "正式名称", "正式名称（フリガナ）", "略称", "略称（フリガナ）", "英語表記（ローマ字表記）", "機関区分",
     "都道府県コード", "市区町村コード", "所在地", "所在地座標（緯度）", "所在地座標（経度）", "案内用ホームページアドレス"]
    + ["毎週決まった曜日に休診（%s）" % d for d in DAYS7]
    + ["決まった週に休診（定期週）第%d週（%s）" % (n, d) for n in range(1, 6) for d in DAYS7]
    + ["祝日に休診", "その他の休診日（gw、お盆等）", "一般病床", "療養病床", "療養病床のうち医療保険適用",
       "療養病床のうち介護保険適用", "合計病床数"]
)
HOURS_COLUMNS = (
    ["ID", "診療科目コード", "診療科目名", "診療時間帯"]
    + ["%s_診療%s時間" % (d, se) for d in DAYS8 for se in ("開始", "終了")]
    + ["%s_外来受付%s時間" % (d, se) for d in DAYS8 for se in ("開始", "終了")]
)
CLINIC_HEADER = ",".join('"%s"' % c for c in CLINIC_COLUMNS)
HOURS_HEADER = ",".join('"%s"' % c for c in HOURS_COLUMNS)
assert len(CLINIC_COLUMNS) == 62 and len(HOURS_COLUMNS) == 36
assert len(KOUHYOU_HEADER.split(",")) == 24

# ------------------------------------------------------------------------------------ prefectures
# (code, name, population in units of 10,000 (rounded, for weighting only), lat, lon of the capital)
PREFS = [
    (1, "北海道", 522, 43.06, 141.35), (2, "青森県", 123, 40.82, 140.74), (3, "岩手県", 121, 39.70, 141.15),
    (4, "宮城県", 230, 38.27, 140.87), (5, "秋田県", 96, 39.72, 140.10), (6, "山形県", 107, 38.24, 140.36),
    (7, "福島県", 183, 37.75, 140.47), (8, "茨城県", 287, 36.34, 140.45), (9, "栃木県", 193, 36.57, 139.88),
    (10, "群馬県", 194, 36.39, 139.06), (11, "埼玉県", 734, 35.86, 139.65), (12, "千葉県", 628, 35.61, 140.12),
    (13, "東京都", 1405, 35.69, 139.69), (14, "神奈川県", 923, 35.45, 139.64), (15, "新潟県", 220, 37.90, 139.02),
    (16, "富山県", 103, 36.70, 137.21), (17, "石川県", 113, 36.59, 136.63), (18, "福井県", 77, 36.07, 136.22),
    (19, "山梨県", 81, 35.66, 138.57), (20, "長野県", 205, 36.65, 138.18), (21, "岐阜県", 198, 35.39, 136.72),
    (22, "静岡県", 363, 34.98, 138.38), (23, "愛知県", 754, 35.18, 136.91), (24, "三重県", 177, 34.73, 136.51),
    (25, "滋賀県", 141, 35.00, 135.87), (26, "京都府", 258, 35.02, 135.76), (27, "大阪府", 884, 34.69, 135.52),
    (28, "兵庫県", 547, 34.69, 135.18), (29, "奈良県", 133, 34.69, 135.83), (30, "和歌山県", 92, 34.23, 135.17),
    (31, "鳥取県", 55, 35.50, 134.24), (32, "島根県", 67, 35.47, 133.05), (33, "岡山県", 189, 34.66, 133.93),
    (34, "広島県", 280, 34.40, 132.46), (35, "山口県", 134, 34.19, 131.47), (36, "徳島県", 72, 34.07, 134.56),
    (37, "香川県", 95, 34.34, 134.04), (38, "愛媛県", 133, 33.84, 132.77), (39, "高知県", 69, 33.56, 133.53),
    (40, "福岡県", 513, 33.61, 130.42), (41, "佐賀県", 81, 33.25, 130.30), (42, "長崎県", 131, 32.74, 129.87),
    (43, "熊本県", 174, 32.79, 130.74), (44, "大分県", 112, 33.24, 131.61), (45, "宮崎県", 107, 31.91, 131.42),
    (46, "鹿児島県", 159, 31.56, 130.56), (47, "沖縄県", 147, 26.21, 127.68),
]
# The default city's real name and rough position; any other --city gets a made-up name.
KNOWN_CITIES = {"392031": ("安芸市", 33.505, 133.905, "0887")}

NAME_PARTS = "東西南北上下中新大小高長石松竹桜白青若宮福富本山川田野原森浜島岡崎沢谷津江根瀬井坂"
TOWNS = ["本町", "栄町", "緑町", "旭町", "幸町", "中央", "港町", "東町", "西町", "南町", "北町", "錦町", "元町",
         "寿町", "昭和町", "宝町", "若葉町", "桜町", "花園町", "新町", "駅前町", "朝日町", "平和町", "松原町"]
FW = str.maketrans("0123456789-", "０１２３４５６７８９－")


def check_digit(code5):
    """JIS X 0402 check digit of a 5-digit municipality code: weights 6,5,4,3,2; (11 - sum mod 11) mod 10."""
    s = sum(int(c) * w for c, w in zip(code5, (6, 5, 4, 3, 2)))
    return str((11 - s % 11) % 10)


def municipalities(rng, city):
    """{pref: [(code6, code3, name, address prefix without the prefecture), ...]} with the city included."""
    out = {}
    for pcode, pname, pop, _, _ in PREFS:
        n_cities = max(3, round(4 + pop * 0.02))
        n_towns = max(5, round(10 + pop * 0.03))
        codes = [("%03d" % (201 + i), "市") for i in range(n_cities)]
        t = 300
        for _ in range(n_towns):
            t += rng.randint(1, 3) if t < 599 else 1
            codes.append(("%03d" % t, rng.choice("町町町村")))
        used = set()
        munis = []
        gun = None
        for i, (c3, kind) in enumerate(codes):
            while True:
                name = rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + kind
                if name not in used:
                    used.add(name)
                    break
            if kind == "市":
                prefix = name
            else:
                if gun is None or i % 4 == 0:
                    gun = rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + "郡"
                prefix = gun + name
            c5 = "%02d%s" % (pcode, c3)
            munis.append((c5 + check_digit(c5), c3, name, prefix))
        out[pcode] = munis
    # put the city in (replacing a made-up entry with the same code, if any)
    cp = int(city[:2])
    name = KNOWN_CITIES.get(city, (None,))[0]
    lst = out[cp]
    found = [m for m in lst if m[0] == city]
    if found:
        if name:
            i = lst.index(found[0])
            lst[i] = (city, city[2:5], name, name)
    else:
        nm = name or (rng.choice(NAME_PARTS) + rng.choice(NAME_PARTS) + "市")
        lst.append((city, city[2:5], nm, nm))
        lst.sort()
    return out


def pref_weights():
    return [p[0] for p in PREFS], [p[2] for p in PREFS]


def where(rng, pcode, city, m):
    """Position of a row in municipality m (tuple from municipalities())."""
    if m[0] == city and city in KNOWN_CITIES:
        _, lat, lon, _ = KNOWN_CITIES[city]
        return lat + rng.uniform(-0.012, 0.012), lon + rng.uniform(-0.02, 0.02)
    p = PREFS[pcode - 1]
    return p[3] + rng.uniform(-0.35, 0.35), p[4] + rng.uniform(-0.45, 0.45)


def spread(rng, n_total, n_city, munis, city):
    """List of (pref, muni) for n_total rows: exactly n_city in the city, the rest by prefecture weight."""
    codes, weights = pref_weights()
    cp = int(city[:2])
    cm = next(m for m in munis[cp] if m[0] == city)
    others = {p: [m for m in munis[p] if m[0] != city] for p in codes}
    picks = [(cp, cm)] * n_city
    for p in rng.choices(codes, weights, k=n_total - n_city):
        picks.append((p, rng.choice(others[p])))
    return picks


def scaled(n, per, base):
    return 0 if n <= 0 else min(n, max(1, round(n * per / base)))


# ------------------------------------------------------------------------------------- 公表 file
KANA_WORDS = [
    ("さくら", "サクラ"), ("ひまわり", "ヒマワリ"), ("あおぞら", "アオゾラ"), ("みどり", "ミドリ"), ("なごみ", "ナゴミ"),
    ("やすらぎ", "ヤスラギ"), ("ほほえみ", "ホホエミ"), ("こすもす", "コスモス"), ("つばさ", "ツバサ"), ("はなみずき", "ハナミズキ"),
    ("すずらん", "スズラン"), ("かがやき", "カガヤキ"), ("ふれあい", "フレアイ"), ("まごころ", "マゴコロ"), ("せせらぎ", "セセラギ"),
    ("あかり", "アカリ"), ("いろは", "イロハ"), ("たんぽぽ", "タンポポ"), ("ゆうゆう", "ユウユウ"), ("のぞみ", "ノゾミ"),
    ("陽だまり", "ヒダマリ"), ("若竹", "ワカタケ"), ("青葉", "アオバ"), ("白百合", "シラユリ"), ("松風", "マツカゼ"),
    ("朝凪", "アサナギ"), ("千草", "チグサ"), ("楓", "カエデ"), ("椿", "ツバキ"), ("菜の花", "ナノハナ"),
]
KOUHYOU_NAMES = [
    ("居宅介護支援事業所　{w}", "キョタクカイゴシエンジギョウショ　{k}"),
    ("{w}ケアプランセンター", "{k}ケアプランセンター"),
    ("{w}居宅介護支援センター", "{k}キョタクカイゴシエンセンター"),
    ("ケアプランサービス{w}", "ケアプランサービス{k}"),
    ("指定居宅介護支援事業所{w}", "シテイキョタクカイゴシエンジギョウショ{k}"),
    ("{w}介護相談室", "{k}カイゴソウダンシツ"),
]
CORP_FORMS = ["社会福祉法人{w}会", "社会福祉法人　{w}福祉会", "医療法人{w}会", "医療法人社団　{w}会", "株式会社{w}",
              "有限会社{w}", "合同会社{w}", "特定非営利活動法人{w}", "一般社団法人{w}"]
DAYS_AVAIL = ["平日", "平日,土曜日", "平日,土曜日,祝日", "", "", "平日,祝日", "平日,土曜日,日曜日,祝日", "平日,日曜日"]
NOTES = ["", "", "", "", "", "", "", "", "特になし", "年末年始（12月30日～1月3日）を除く",
         "土曜日は午前のみ", "緊急時は24時間連絡可", "-"]


def qmin(v):
    return '"' + v.replace('"', '""') + '"' if ("," in v or '"' in v) else v


def write_kouhyou(path, rng, n_rows, city, munis):
    n_city = scaled(n_rows, 30, 40000)
    picks = spread(rng, n_rows, n_city, munis, city)
    pref_name = {p[0]: p[1] for p in PREFS}
    serial = {}
    area = {}
    rows = []
    for pcode, m in picks:
        code6, _, mname, prefix = m
        s = serial.get(pcode, 0) + rng.randint(1, 40)
        serial[pcode] = s
        no = "%02d%s%07d" % (pcode, rng.choice("77771"), s)
        w, k = rng.choice(KANA_WORDS)
        nf, kf = rng.choice(KOUHYOU_NAMES)
        name, kana = nf.format(w=w), kf.format(k=k)
        town = rng.choice(TOWNS)
        street = "%d丁目%d-%d" % (rng.randint(1, 5), rng.randint(1, 30), rng.randint(1, 40))
        if rng.random() < 0.3:
            street = street.translate(FW)
        addr = (pref_name[pcode] if rng.random() < 0.85 else "") + prefix + town + street
        floor = rng.choice(["2階", "1階", "3階", "ビル2F"]) if rng.random() < 0.08 else ""
        lat, lon = where(rng, pcode, city, m)
        if rng.random() < 0.0005:
            lat = lon = 0.0
        ac = area.get(code6)
        if ac is None:
            ac = KNOWN_CITIES[city][3] if code6 == city and city in KNOWN_CITIES else "0%d" % rng.randint(11, 999)
            area[code6] = ac
        tel = "%s-00-%04d" % (ac, rng.randint(0, 9999))
        fax = "" if rng.random() < 0.01 else "%s-00-%04d" % (ac, rng.randint(0, 9999))
        corp_no = "" if rng.random() < 0.06 else "%d%012d" % (rng.randint(1, 9), rng.randint(0, 10**12 - 1))
        corp = "" if rng.random() < 0.04 else rng.choice(CORP_FORMS).format(w=rng.choice(KANA_WORDS)[0])
        r = rng.random()
        url = ("" if r < 0.3 else
               "www.kyotaku%d.example.jp" % s if r < 0.35 else
               "info@kyotaku%d.example.jp" % s if r < 0.36 else
               "https://kyotaku-%02d-%d.example.jp/" % (pcode, s))
        cap = rng.choice(["", "", "0", "0", "0", "35", "40"])
        mixed = rng.choice(["", "", "", "", "", "", "なし", "あり"])
        rows.append((code6, ",".join(qmin(v) for v in (
            code6, no, pref_name[pcode], mname, name, kana, "居宅介護支援", addr, floor,
            "%.15f" % round(lat, 7), "%.15f" % round(lon, 7), tel, fax, corp_no, corp, no,
            rng.choice(DAYS_AVAIL), rng.choice(NOTES), cap, url, mixed, "", "", ""))))
    rows.sort(key=lambda t: t[0])  # stable: generation order within a code
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("\ufeff" + KOUHYOU_HEADER + "\r\n")
        f.write("".join(line + "\r\n" for _, line in rows))
    return len(rows), n_city


# ------------------------------------------------------------------------------------ clinic files
SURNAMES = [
    ("佐藤", "サトウ", "Sato"), ("鈴木", "スズキ", "Suzuki"), ("高橋", "タカハシ", "Takahashi"), ("田中", "タナカ", "Tanaka"),
    ("伊藤", "イトウ", "Ito"), ("渡辺", "ワタナベ", "Watanabe"), ("山本", "ヤマモト", "Yamamoto"), ("中村", "ナカムラ", "Nakamura"),
    ("小林", "コバヤシ", "Kobayashi"), ("加藤", "カトウ", "Kato"), ("吉田", "ヨシダ", "Yoshida"), ("山田", "ヤマダ", "Yamada"),
    ("佐々木", "ササキ", "Sasaki"), ("松本", "マツモト", "Matsumoto"), ("井上", "イノウエ", "Inoue"), ("木村", "キムラ", "Kimura"),
    ("林", "ハヤシ", "Hayashi"), ("清水", "シミズ", "Shimizu"), ("山崎", "ヤマザキ", "Yamazaki"), ("森", "モリ", "Mori"),
    ("池田", "イケダ", "Ikeda"), ("橋本", "ハシモト", "Hashimoto"), ("阿部", "アベ", "Abe"), ("石川", "イシカワ", "Ishikawa"),
    ("前田", "マエダ", "Maeda"), ("藤田", "フジタ", "Fujita"), ("岡田", "オカダ", "Okada"), ("後藤", "ゴトウ", "Goto"),
    ("長谷川", "ハセガワ", "Hasegawa"), ("村上", "ムラカミ", "Murakami"), ("近藤", "コンドウ", "Kondo"), ("石井", "イシイ", "Ishii"),
    ("坂本", "サカモト", "Sakamoto"), ("遠藤", "エンドウ", "Endo"), ("青木", "アオキ", "Aoki"), ("藤井", "フジイ", "Fujii"),
    ("西村", "ニシムラ", "Nishimura"), ("福田", "フクダ", "Fukuda"), ("太田", "オオタ", "Ota"), ("三浦", "ミウラ", "Miura"),
    ("髙橋", "タカハシ", "Takahashi"), ("﨑山", "サキヤマ", "Sakiyama"), ("ひだまり", "ヒダマリ", "Hidamari"),
    ("みなみ", "ミナミ", "Minami"), ("あおば", "アオバ", "Aoba"), ("さくら", "サクラ", "Sakura"),
]
SUBJECTS = {
    "01001": "内科", "01011": "糖尿病・代謝内科", "01014": "呼吸器内科", "01017": "循環器内科", "01020": "消化器内科",
    "01022": "腎臓内科", "01023": "人工透析内科", "01033": "アレルギー疾患内科", "02001": "外科", "02035": "整形外科",
    "03001": "小児科", "04001": "産婦人科", "05001": "眼科", "05002": "耳鼻いんこう科", "06001": "皮膚科", "06004": "泌尿器科",
    "07001": "精神科", "07002": "心療内科", "09002": "リウマチ科", "09003": "リハビリテーション科", "09010": "救急科",
}
# suffix of the name, its kana and romaji, the main 科目, and 科目 often added
KINDS = [
    ("内科", "ナイカ", "Naika", "01001", ["01020", "01017", "01014", "03001", "09003"]),
    ("内科クリニック", "ナイカクリニック", "Naika Clinic", "01001", ["01020", "01011", "01033"]),
    ("クリニック", "クリニック", "Clinic", "01001", ["01017", "01022", "01023", "02001", "09002"]),
    ("医院", "イイン", "Iin", "01001", ["03001", "02001", "09003"]),
    ("診療所", "シンリョウジョ", "Shinryojo", "01001", ["02001", "09010"]),
    ("眼科", "ガンカ", "Ganka", "05001", []),
    ("皮フ科", "ヒフカ", "Hifuka", "06001", ["09002"]),
    ("整形外科", "セイケイゲカ", "Seikeigeka", "02035", ["09003", "09002"]),
    ("小児科", "ショウニカ", "Shonika", "03001", ["01033"]),
    ("耳鼻咽喉科", "ジビインコウカ", "Jibiinkoka", "05002", ["01033"]),
    ("レディースクリニック", "レディースクリニック", "Ladies Clinic", "04001", []),
    ("こころのクリニック", "ココロノクリニック", "Kokoro Clinic", "07001", ["07002"]),
    ("泌尿器科", "ヒニョウキカ", "Hinyokika", "06004", ["01022"]),
]
OTHER_DAYS_OFF = [
    "", "", "", "年末年始", "12月29日～1月3日", "12月30日～1月3日（改行）お盆（8月13日～15日）", "12/29~1/3",
    "１２月３０日～１月３日", "12月31日 1月1日 1月2日 1月3日", "年末年始、お盆、ゴールデンウィーク",
    "臨時休診あり（改行）詳しくはお問い合わせください", "木曜午後・土曜午後・年末年始",
]


def hm(t):
    return "%02d:%02d" % divmod(t % 1440, 60)


def make_pattern(rng, overnight=False):
    """One 科目's week: three slot rows, each {day: (start, end) in minutes or 'ph' placeholder}.

    Returns (three pre-rendered row tails starting at 診療時間帯, set of open days)."""
    slots = [{}, {}, {}]
    kind = rng.random()
    am_s = rng.choice([480, 510, 540, 540, 570])
    am_e = rng.choice([720, 720, 750, 780])
    pm_s = rng.choice([840, 870, 870, 900, 960])
    pm_e = rng.choice([1020, 1050, 1080, 1080, 1110, 1140])
    weekdays = list("月火水木金")
    half = rng.choice(["木", "水", "土", "木", None])
    off = rng.choice([None, None, None, "木", "水"])
    if overnight:  # day sessions and a night one that ends the next morning (a few patterns of the pool)
        for d in weekdays:
            slots[0][d] = (am_s, am_e)
            slots[1][d] = (pm_s, pm_e)
        ns, ne = rng.choice([(1140, 420), (1200, 480), (1080, 540), (1260, 360)])
        for d in rng.sample(DAYS8, rng.randint(1, 3)):
            slots[2][d] = (ns, ne)
    elif kind < 0.60:  # morning + afternoon with a lunch break
        for d in weekdays + ["土"]:
            if d != off:
                slots[0][d] = (am_s, am_e)
        for d in weekdays:
            if d not in (off, half):
                slots[1][d] = (pm_s, pm_e)
        if rng.random() < 0.3:  # Saturday afternoon
            slots[1]["土"] = (780, 900)
    elif kind < 0.75:  # one long session
        for d in weekdays:
            if d != off:
                slots[0][d] = (am_s, pm_e)
        slots[0]["土"] = (am_s, am_e)
    elif kind < 0.83:  # as in the published files of some hospitals: 00:00/00:00 wherever there is no session
        for d in weekdays + ["土"]:
            slots[0][d] = (am_s, am_e) if d != off else "ph"
            slots[1][d] = (pm_s, pm_e) if d not in (off, half, "土") else "ph"
            slots[2][d] = "ph"
    elif kind < 0.93:  # a visiting doctor: one or two days only
        for d in rng.sample(weekdays + ["土"], rng.randint(1, 2)):
            slots[0][d] = (am_s, am_e)
            if rng.random() < 0.5:
                slots[1][d] = (pm_s, pm_e)
    else:  # afternoon only, slot 1 left blank
        for d in weekdays:
            if d != off:
                slots[1][d] = (pm_s, pm_e)
    if rng.random() < 0.05:
        slots[0]["日"] = (am_s, am_e)
    if rng.random() < 0.03:
        slots[0]["祝"] = (am_s, am_e)
    recv = rng.random()
    r_before = rng.choice([0, 0, 15, 30])
    r_end = rng.choice([30, 30, 15, 0, 60])
    tails = []
    open_days = set()
    for i, sl in enumerate(slots):
        care, rec = [], []
        for d in DAYS8:
            v = sl.get(d)
            if v is None:
                care += ['""', '""']
                rec += ['""', '""']
            elif v == "ph":
                care += ['"00:00"', '"00:00"']
                rec += ['"00:00"', '"00:00"']
            else:
                s, e = v
                open_days.add(d)
                care += ['"%s"' % hm(s), '"%s"' % hm(e)]
                if recv < 0.1:
                    rec += ['""', '""']
                else:
                    rec += ['"%s"' % hm(s - r_before), '"%s"' % hm(e - r_end)]
        tails.append('"%d",' % (i + 1) + ",".join(care + rec))
    return tails, open_days


def flag_block(rng, open_days, holiday_open):
    """Pre-rendered 毎週 (7) + 定期週 (35) + 祝日に休診 cells for a facility whose first 科目 opens on open_days."""
    r = rng.random()
    if r < 0.05:
        weekly = [""] * 7
    else:
        weekly = ["1" if d in open_days else "0" for d in DAYS7]
    r = rng.random()
    if r < 0.80 or weekly[0] == "":
        nth = [""] * 35
    elif r < 0.93:
        nth = [weekly[i] for _ in range(5) for i in range(7)]
    else:  # some Saturdays closed (e.g. 2nd and 4th)
        weeks = rng.choice([(2, 4), (1, 3, 5), (1, 2, 4, 5), (3,)])
        nth = [("0" if (d == "土" and n in weeks) else weekly[i]) for n in range(1, 6) for i, d in enumerate(DAYS7)]
    hol = "" if weekly[0] == "" and rng.random() < 0.5 else ("1" if holiday_open else "0")
    return ",".join('"%s"' % v for v in weekly + nth + [hol])


def coord(x):
    s = "%.6f" % x
    s = s.rstrip("0")
    return s + "0" if s.endswith(".") else s


def write_clinics(fac_path, hrs_path, rng, n_clinics, city, munis):
    n_city = scaled(n_clinics, 60, 80000)
    picks = spread(rng, n_clinics, n_city, munis, city)
    pref_name = {p[0]: p[1] for p in PREFS}
    # area numbers (digits 7-8 of the ID): a few municipalities share one, as in the published IDs
    area_of = {}
    for p, lst in munis.items():
        for i, m in enumerate(lst):
            area_of[m[0]] = 31 + (i // 3) % 69
    serial = {}
    # a pool of weekly patterns, 2 of them with overnight ranges (the real files have ~1,700 of these
    # in all, per the README), used by ~1/600 of the 科目 each
    patterns = [make_pattern(rng, overnight=i in (100, 400)) for i in range(600)]
    facs = []
    for pcode, m in picks:
        a = area_of[m[0]]
        s = serial.get((pcode, a), 0) + 1
        serial[(pcode, a)] = s
        if s > 9999:
            sys.exit("too many clinics for one area number; lower --clinics")
        fid = "%02d22%02d%02d%04d0" % (pcode, pcode, a, s)
        facs.append((fid, pcode, m))
    facs.sort(key=lambda t: t[0])

    fac_f = open(fac_path, "w", encoding="utf-8", newline="")
    hrs_f = open(hrs_path, "w", encoding="utf-8", newline="")
    fac_f.write("\ufeff" + CLINIC_HEADER + "\r\n")
    hrs_f.write("\ufeff" + HOURS_HEADER + "\r\n")
    fac_lines, hrs_lines = [], []
    n_hours = 0
    city_rows = 0
    for fid, pcode, m in facs:
        code6, c3, mname, prefix = m
        sur, sur_k, sur_r = rng.choice(SURNAMES)
        suf, suf_k, suf_r, main, extra = rng.choice(KINDS)
        short, short_k = sur + suf, sur_k + suf_k
        if rng.random() < 0.2:
            w, k = rng.choice(KANA_WORDS)
            full, full_k = "医療法人%s会　%s" % (w, short), "イリョウホウジン%sカイ　%s" % (k, short_k)
        else:
            full, full_k = short, short_k
        roman = "%s %s" % (sur_r, suf_r)
        town = rng.choice(TOWNS)
        r = rng.random()
        if r < 0.03:
            addr = pref_name[pcode] + prefix + town  # stops at the 町名, as some published rows do
        else:
            addr = pref_name[pcode] + prefix + town + ("%d－%d－%d" % (
                rng.randint(1, 5), rng.randint(1, 30), rng.randint(1, 40))).translate(FW)
        if rng.random() < 0.01:
            lat_s = lon_s = "0.0"
        else:
            lat, lon = where(rng, pcode, city, m)
            lat_s, lon_s = coord(lat), coord(lon)
        r = rng.random()
        url = ("" if r < 0.4 else
               "www.%s-%s.example.jp" % (sur_r.lower(), fid[-6:]) if r < 0.5 else
               "https://%s-%s.example.jp/" % (sur_r.lower(), fid[-6:]))
        # 科目
        codes = {main}
        for _ in range(rng.choice([0, 0, 1, 1, 2])):
            if extra:
                codes.add(rng.choice(extra))
        codes = sorted(codes)
        pat0 = rng.randrange(len(patterns))
        first_tails, open_days = patterns[pat0]
        holiday_open = "祝" in open_days
        flags = flag_block(rng, open_days, holiday_open)
        beds = rng.random()
        beds_s = ('"0","0","","","0"' if beds < 0.6 else '"","","","","0"' if beds < 0.97 else
                  '"%d","0","","","%d"' % ((b := rng.randint(1, 19)), b))
        fac_lines.append(
            '"%s","%s","%s","%s","%s","%s","2","%02d","%s","%s",%s,%s,"%s",%s,"%s",%s\r\n' % (
                fid, full, full_k, short, short_k, roman, pcode, c3, addr, lat_s, lon_s, url, flags,
                rng.choice(OTHER_DAYS_OFF), beds_s))
        if code6 == city:
            city_rows += 1
        for j, code in enumerate(codes):
            tails = first_tails if (j == 0 or rng.random() < 0.7) else patterns[rng.randrange(len(patterns))][0]
            head = '"%s","%s","%s",' % (fid, code, SUBJECTS[code])
            for t in tails:
                hrs_lines.append(head + t + "\r\n")
            n_hours += 3
        if len(hrs_lines) > 30000:  # write in chunks: the generator itself stays small
            fac_f.write("".join(fac_lines))
            hrs_f.write("".join(hrs_lines))
            fac_lines, hrs_lines = [], []
    fac_f.write("".join(fac_lines))
    hrs_f.write("".join(hrs_lines))
    fac_f.close()
    hrs_f.close()
    return len(facs), n_hours, city_rows


# -------------------------------------------------------------------------------------------- main
def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("outdir")
    ap.add_argument("--kouhyou-rows", type=int, default=40000, help="rows of jigyosho_430.csv (default 40000)")
    ap.add_argument("--clinics", type=int, default=80000, help="clinic facilities (default 80000)")
    ap.add_argument("--city", default="392031", help="6-digit municipality code with check digit (default 392031)")
    ap.add_argument("--seed", type=int, default=20261201, help="random seed (default 20261201)")
    a = ap.parse_args()
    city = a.city
    if not (len(city) == 6 and city.isdigit() and 1 <= int(city[:2]) <= 47 and check_digit(city[:5]) == city[5]):
        ap.error("--city %r: need 6 digits, prefecture 01-47 and a valid check digit (e.g. %s%s)"
                 % (city, city[:5], check_digit(city[:5]) if city[:5].isdigit() and len(city) >= 5 else "?"))
    if a.kouhyou_rows < 0 or a.clinics < 0:
        ap.error("row counts must be >= 0")
    os.makedirs(a.outdir, exist_ok=True)
    t0 = time.time()
    munis = municipalities(random.Random(a.seed), city)
    files = []
    p = os.path.join(a.outdir, "jigyosho_430.csv")
    n, nc = write_kouhyou(p, random.Random(a.seed + 1), a.kouhyou_rows, city, munis)
    files.append((p, n, nc))
    fp = os.path.join(a.outdir, "02-1_clinic_facility_info_20261201.csv")
    hp = os.path.join(a.outdir, "02-2_clinic_speciality_hours_20261201.csv")
    nf, nh, ncf = write_clinics(fp, hp, random.Random(a.seed + 2), a.clinics, city, munis)
    files.append((fp, nf, ncf))
    files.append((hp, nh, None))
    dt = time.time() - t0
    m = next(m for m in munis[int(city[:2])] if m[0] == city)
    print("city %s = %s%s (都道府県コード %s, 市区町村コード %s)" % (
        city, PREFS[int(city[:2]) - 1][1], m[2], city[:2], city[2:5]))
    for path, rows, in_city in files:
        extra = "" if in_city is None else ", %d in the city" % in_city
        print("%-46s %12s bytes %9d rows%s" % (os.path.basename(path), format(os.path.getsize(path), ","), rows, extra))
    print("written in %.1f s" % dt)


if __name__ == "__main__":
    main()
