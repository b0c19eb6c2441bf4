//! One site for several municipalities (ク): `tests/area-three/`, three fictional towns
//! (朝日ヶ丘町, 上﨑村, 山辺市) published by their council. Each record belongs to the town
//! of its area; a town's folder holds only its own records; imports keep every member's
//! rows; mistakes say which town and what to write.

use crate::common;

use std::path::{Path, PathBuf};

fn area() -> PathBuf {
    common::root().join("tests/area-three")
}

fn area_copy() -> tempfile::TempDir {
    copy_of(&area())
}

fn copy_of(from: &Path) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in common::files(from) {
        let to = dir.path().join(f.strip_prefix(from).unwrap());
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(&f, &to).unwrap();
    }
    dir
}

/// Runs tsunagu on `site`: exit code and what it printed.
fn run(site: &Path, args: &[&str]) -> (Option<i32>, String) {
    let o = common::bin()
        .args(args)
        .arg("--root")
        .arg(site)
        .output()
        .unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn edit(file: &Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{} lacks {from}", file.display());
    std::fs::write(file, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn every_record_belongs_to_the_town_of_its_area() {
    let (site, diags) =
        tsunagu::load::load(&area(), &tsunagu::load::Overrides::default()).expect("loads");
    assert_eq!(diags.error_count(), 0);
    let towns: Vec<(&str, &str)> = site
        .config
        .municipalities
        .iter()
        .map(|(k, m)| (k.as_str(), m.name.as_str()))
        .collect();
    assert_eq!(
        towns,
        [
            ("asahi", "朝日ヶ丘町"),
            ("kamisaki", "上﨑村"),
            ("yamanobe", "山辺市")
        ]
    );
    let of = |id: &str| {
        site.providers
            .iter()
            .find(|p| p.id.as_str() == id)
            .and_then(|p| p.municipality.as_ref())
            .map(|m| m.as_str().to_string())
    };
    assert_eq!(of("minamidai-houkan").as_deref(), Some("asahi"));
    assert_eq!(of("kamisaki-shinryojo").as_deref(), Some("kamisaki"));
    assert_eq!(of("yamanobe-houkan-vu").as_deref(), Some("yamanobe"));
    assert!(site.providers.iter().all(|p| p.municipality.is_some()));
    // Imports keep the rows of all three.
    let codes: Vec<&str> = site.config.members().iter().map(|(c, _)| *c).collect();
    assert_eq!(codes, ["129984", "129976", "129968"]);

    // A site of one town has none.
    let (sample, _) =
        tsunagu::load::load(common::root(), &tsunagu::load::Overrides::default()).unwrap();
    assert!(sample.providers.iter().all(|p| p.municipality.is_none()));

    let out = tempfile::tempdir().unwrap();
    common::build_ok(&area(), out.path(), &[]);
}

#[test]
fn a_record_of_another_town_is_refused_with_what_to_write() {
    let cases: &[(&str, &str, &str, &str)] = &[
        // A record in 上﨑村's folder placed in 山辺市's area.
        (
            "content/providers/kamisaki/iryo.yaml",
            "  area: kamisaki\n  address: 上﨑村大字上﨑12番地",
            "  area: yamanobe-chuo\n  address: 上﨑村大字上﨑12番地",
            "このファイルは 上﨑村（kamisaki）のフォルダにありますが、area「yamanobe-chuo」は 山辺市 の地域です",
        ),
        // A municipality field that disagrees with the area.
        (
            "content/providers/asahi/iryo.yaml",
            "  area: asahi-minami\n",
            "  area: asahi-minami\n  municipality: yamanobe\n",
            "municipality「yamanobe」（山辺市）は、area「asahi-minami」の市町村（朝日ヶ丘町）と合いません",
        ),
        // A town that is not one of the site's.
        (
            "content/providers/asahi/iryo.yaml",
            "  area: asahi-minami\n",
            "  area: asahi-minami\n  municipality: kawakami\n",
            "municipality「kawakami」は site.toml の [municipalities] にありません",
        ),
        // An area without its town.
        (
            "site.toml",
            "label = \"上﨑村\"\nmunicipality = \"kamisaki\"\n",
            "label = \"上﨑村\"\n",
            "[areas.kamisaki]（上﨑村）がどの市町村のものか書かれていません",
        ),
        (
            "site.toml",
            "municipality = \"kamisaki\"",
            "municipality = \"kamisakii\"",
            "[areas.kamisaki] の municipality「kamisakii」は [municipalities] にありません",
        ),
        (
            "site.toml",
            "[municipalities.yamanobe]",
            "[municipalities.Yamanobe]",
            "[municipalities] の名前「Yamanobe」には英小文字・数字・「-」だけが使えます",
        ),
        (
            "site.toml",
            "code = \"129976\"",
            "code = \"129977\"",
            "全国地方公共団体コード「129977」の最後の1桁（検査数字）が合いません",
        ),
        (
            "site.toml",
            "phone = \"090-0000-0300\"",
            "phone = \"山辺市役所\"",
            "[municipalities.yamanobe] phone「山辺市役所」の形が正しくありません",
        ),
    ];
    for (file, from, to, message) in cases {
        let dir = area_copy();
        edit(&dir.path().join(file), from, to);
        let (code, out) = common::check(dir.path());
        assert_eq!(code, Some(1), "{message}: {out}");
        assert!(out.contains(message), "want «{message}»:\n{out}");
        assert!(
            out.contains(&format!("{file}:")),
            "{file} named with its line: {out}"
        );
        // The combined build refuses it too, and writes nothing.
        let target = dir.path().join("public");
        let (code, _) = common::build(dir.path(), &target, &[]);
        assert_eq!(code, 1);
        assert!(!target.exists());
    }

    // A municipality field on a site of one town.
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    let file = dir.path().join("content/providers/clinics.yaml");
    let text = std::fs::read_to_string(&file).unwrap();
    let at = text.find("  area: ").unwrap();
    std::fs::write(
        &file,
        format!("{}  municipality: midori\n{}", &text[..at], &text[at..]),
    )
    .unwrap();
    let (code, out) = common::check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("municipality は、いくつかの市町村で作るサイトでだけ使えます"),
        "{out}"
    );
}

#[test]
fn an_import_keeps_the_rows_of_every_town_and_counts_the_rest() {
    let dir = area_copy();
    let csv = dir.path().join("iryo.csv");
    std::fs::write(
        &csv,
        "全国地方公共団体コード,ID,地方公共団体名,名称,名称_カナ,医療機関の種類,所在地_連結表記,電話番号\n\
         129984,1,朝日ヶ丘町,北原内科,キタハラナイカ,診療所,朝日ヶ丘町北原1番1号,0479-00-1201\n\
         129976,2,上﨑村,下﨑診療所,シモサキシンリョウジョ,診療所,上﨑村大字下﨑3番地,0479-00-2202\n\
         129968,3,山辺市,本町クリニック,ホンマチクリニック,診療所,山辺市本町5番5号,050-0000-3303\n\
         129968,5,山辺市,本郷歯科医院,ホンゴウシカイイン,診療所,山辺市本郷2番1号,050-0000-3304\n\
         129992,4,ほかの町,よその医院,ヨソノイイン,診療所,ほかの町1番地,0479-00-9999\n",
    )
    .unwrap();
    let o = common::bin()
        .args(["import", "--root"])
        .arg(dir.path())
        .arg(&csv)
        .args(["--out", "content/providers/imported.yaml"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("ほかの市区町村の行 1 行は取り込みませんでした"),
        "{err}"
    );
    let (site, _) =
        tsunagu::load::load(dir.path(), &tsunagu::load::Overrides::default()).expect("loads");
    let town = |name: &str| {
        site.providers
            .iter()
            .find(|p| p.name == name)
            .unwrap_or_else(|| panic!("{name} imported"))
            .municipality
            .as_ref()
            .map(|m| m.as_str().to_string())
    };
    assert_eq!(town("北原内科").as_deref(), Some("asahi"));
    assert_eq!(town("下﨑診療所").as_deref(), Some("kamisaki"));
    assert_eq!(town("本町クリニック").as_deref(), Some("yamanobe"));
    // 本郷 is a town of 朝日ヶ丘町's area too: the row's code decides.
    assert_eq!(town("本郷歯科医院").as_deref(), Some("yamanobe"));
    assert!(site.providers.iter().all(|p| p.name != "よその医院"));
}

/// The built area site, once.
fn built() -> &'static Path {
    static OUT: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    OUT.get_or_init(|| {
        let out = tempfile::tempdir().unwrap();
        common::build_ok(&area(), out.path(), &[]);
        out
    })
    .path()
}

fn page(rel: &str) -> String {
    std::fs::read_to_string(built().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

#[test]
fn each_town_has_its_own_section_with_its_own_windows_and_the_home_page_lists_them() {
    let home = page("index.html");
    for (path, name, count) in [
        ("asahi/", "朝日ヶ丘町", 3),
        ("kamisaki/", "上﨑村", 2),
        ("yamanobe/", "山辺市", 3),
    ] {
        assert!(
            home.contains(&format!(
                "<a href=\"/area/{path}\">{name}</a>（事業所 {count} 件）"
            )),
            "home lacks {name}"
        );
    }
    let kamisaki = page("kamisaki/index.html");
    assert!(kamisaki.contains("上﨑村の相談窓口"));
    assert!(kamisaki.contains("上﨑村地域包括支援センター"));
    // Only its own windows: not the other towns'.
    assert!(!kamisaki.contains("朝日ヶ丘町地域包括支援センター"));
    assert!(!kamisaki.contains("山辺市在宅医療・介護連携相談支援室"));
    assert!(kamisaki.contains("上﨑村 住民課"));
    assert!(kamisaki.contains("providers/find/?town=kamisaki"));
    // The directory's front page: areas under their towns.
    let index = page("providers/index.html");
    assert!(index.contains("朝日ヶ丘町・上﨑村・山辺市の医療機関"));
    let at = |s: &str| index.find(s).unwrap_or_else(|| panic!("{s}"));
    assert!(at(">朝日ヶ丘町</a>") < at(">朝日ヶ丘北部<"));
    assert!(at(">朝日ヶ丘南部<") < at(">上﨑村</a>"));
    assert!(at(">上﨑村</a>") < at(">山辺市</a>"));
    assert!(at(">山辺市</a>") < at(">山辺中央圏域<"));
    // Cards on the lists and the record's own page name its town.
    assert!(page("providers/category/shinryojo/index.html").contains("<dt>市町村</dt><dd>上﨑村"));
    assert!(page("providers/yamanobe-chuo-iin/index.html").contains("<dt>市町村</dt><dd>山辺市"));
    // The area-wide home page lists every town's windows.
    for w in [
        "朝日ヶ丘町地域包括支援センター",
        "上﨑村地域包括支援センター",
        "山辺市在宅医療・介護連携相談支援室",
    ] {
        assert!(home.contains(w), "home lacks {w}");
    }
}

#[test]
fn open_data_names_each_records_own_town() {
    let csv = page("opendata/iryo-kikan.csv");
    let row = |name: &str| {
        csv.lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("{name} not in the CSV"))
            .to_string()
    };
    assert!(row("上﨑村立診療所").starts_with("129976,kamisaki-shinryojo,上﨑村,"));
    assert!(row("山辺中央医院").starts_with("129968,yamanobe-chuo-iin,山辺市,"));
    assert!(row("本郷ファミリークリニック").starts_with("129984,asahi-hongo-clinic,朝日ヶ丘町,"));
    let json: serde_json::Value = serde_json::from_str(&page("opendata/providers.json")).unwrap();
    let towns: Vec<&str> = json["providers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["municipality"].as_str().unwrap())
        .collect();
    assert_eq!(towns.len(), 8);
}

#[test]
fn the_finder_filters_by_town_and_keeps_it_in_the_link() {
    let served = common::serve_site(&area(), &[]);
    let browser = common::browser(1000);
    let tab = common::tab(&browser);
    let ids = |tab: &chromium::Tab| -> Vec<String> {
        let v = common::eval(
            tab,
            "JSON.stringify(Array.from(document.querySelectorAll('#finder-results .card-title a')).map(function (a) { return a.getAttribute('href').split('/').filter(Boolean).pop(); }).sort())",
        );
        serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap()
    };
    let open = |query: &str| {
        common::goto(&tab, &format!("{}providers/find/{query}", served.base));
        common::wait_until(
            &tab,
            "document.getElementById('finder-status').textContent.indexOf('件') >= 0",
        );
    };
    open("?town=kamisaki");
    assert_eq!(ids(&tab), ["kamisaki-houkatsu", "kamisaki-shinryojo"]);
    assert_eq!(
        common::eval_str(&tab, "document.getElementById('f-town').value"),
        "kamisaki"
    );
    // Each card names its town.
    assert!(
        common::eval_str(
            &tab,
            "document.getElementById('finder-results').textContent"
        )
        .contains("市町村上﨑村")
    );
    // With a category, across the town's areas.
    open("?town=asahi&category=shinryojo");
    assert_eq!(ids(&tab), ["asahi-hongo-clinic"]);
    // Choosing another town in the form changes the results and the address.
    common::eval(
        &tab,
        "var s = document.getElementById('f-town'); s.value = 'yamanobe'; s.dispatchEvent(new Event('change', {bubbles: true})); 1",
    );
    common::wait_until(&tab, "location.search.indexOf('town=yamanobe') >= 0");
    common::wait_until(&tab, "!document.querySelector('#finder [aria-busy=true]')");
    assert_eq!(ids(&tab), ["yamanobe-chuo-iin"]);
    // An unknown town is ignored: every record.
    open("?town=nowhere");
    assert_eq!(ids(&tab).len(), 8);
    let axe = common::axe_source();
    open("?town=kamisaki");
    assert!(common::axe_violations(&tab, &axe).is_empty());
    // The pages made for towns pass axe too.
    for p in ["", "kamisaki/", "kamisaki/note/", "providers/"] {
        common::goto(&tab, &format!("{}{p}", served.base));
        let v = common::axe_violations(&tab, &axe);
        assert!(v.is_empty(), "/{p}: {v:?}");
    }
}

#[test]
fn each_towns_guide_lists_only_its_providers_and_contacts_and_the_area_guide_lists_all_by_town() {
    let out = tempfile::tempdir().unwrap();
    common::build_ok(&area(), out.path(), &["--pdf"]);
    let text = |key: &str| {
        let pdf = out.path().join(format!("guide/{key}/{key}.pdf"));
        common::tool("pdftotext", &[pdf.as_os_str(), std::ffi::OsStr::new("-")])
    };
    let records = [
        ("asahi", "本郷ファミリークリニック"),
        ("asahi", "南台訪問看護ステーション"),
        ("asahi", "朝日ヶ丘町地域包括支援センター"),
        ("kamisaki", "上﨑村立診療所"),
        ("kamisaki", "上﨑村地域包括支援センター"),
        ("yamanobe", "山辺中央医院"),
        ("yamanobe", "ヴィラ山辺訪問看護ステーション"),
        ("yamanobe", "山辺市在宅医療・介護連携相談支援室"),
    ];
    for (town, publisher) in [
        ("asahi", "朝日ヶ丘町 健康福祉課"),
        ("kamisaki", "上﨑村 住民課"),
        ("yamanobe", "山辺市 高齢者支援課"),
    ] {
        let t = text(town);
        // The town's guide tells the town's own page, and its town as publisher.
        assert!(t.contains(publisher), "{town}: {t}");
        assert!(
            t.contains(&format!(
                "https://zaitaku.higashiyama.example.jp/area/{town}/"
            )),
            "{town}"
        );
        for (owner, name) in records {
            // 山辺市's guide prints medical providers only, and the contacts on its back.
            let medical_only = town == "yamanobe" && name.contains("相談支援室");
            if owner == town {
                assert!(t.contains(name) || medical_only, "{town} lacks {name}");
            } else {
                assert!(!t.contains(name), "{town}'s guide lists {name} of {owner}");
            }
        }
    }
    // The back of 山辺市's guide: its own window only.
    assert!(text("yamanobe").contains("山辺市在宅医療・介護連携相談支援室"));

    // The area guide: every record, under its town's heading, towns in site.toml's order.
    let all = text("area");
    for (_, name) in records {
        assert!(all.contains(name), "area guide lacks {name}");
    }
    let clinics = &all[all.find("3か所を五十音順").unwrap()..];
    let at = |s: &str| clinics.find(s).unwrap_or_else(|| panic!("{s}"));
    // By town, then by area within a town of several (a town of one area is titled once).
    assert!(at("朝日ヶ丘町・朝日ヶ丘北部\n") < at("本郷ファミリークリニック"));
    assert!(at("本郷ファミリークリニック") < at("上﨑村\n"));
    assert!(at("上﨑村\n") < at("上﨑村立診療所"));
    assert!(at("上﨑村立診療所") < at("山辺市\n"));
    assert!(at("山辺市\n") < at("山辺中央医院"));
    assert!(all.contains("ひがし山地域在宅医療・介護連携推進協議会"));
    let nurses = &all[all.find("2か所を五十音順").unwrap()..];
    assert!(
        nurses.find("朝日ヶ丘町・朝日ヶ丘南部\n").unwrap()
            < nurses.find("南台訪問看護ステーション").unwrap()
    );
}

#[test]
fn a_guide_for_a_town_the_site_does_not_have_is_refused() {
    let dir = area_copy();
    edit(
        &dir.path().join("site.toml"),
        "municipality = \"kamisaki\"\n\n[[guides.kamisaki.parts]]",
        "municipality = \"shimosaki\"\n\n[[guides.kamisaki.parts]]",
    );
    let (code, out) = common::check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains(
            "ガイド「kamisaki」の municipality「shimosaki」は [municipalities] にありません"
        ),
        "{out}"
    );
    assert!(
        out.contains("次のどれかを書いてください: asahi, kamisaki, yamanobe"),
        "{out}"
    );
}

#[test]
fn each_towns_staff_check_and_build_their_own_part() {
    let dir = area_copy();
    let site = dir.path();
    // 上﨑村 is half-way through an edit.
    edit(
        &site.join("content/providers/kamisaki/iryo.yaml"),
        "phone: 0479-00-2201",
        "phone: 電話番号を確認中",
    );
    let (code, out) = common::check(site);
    assert_eq!(code, Some(1), "{out}");
    let part = |args: &[&str]| run(site, args);
    // 朝日ヶ丘町 checks and builds its own part all the same.
    let (code, out) = part(&["check", "--municipality", "asahi"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("事業所 3 件"), "{out}");
    let (code, out) = part(&["build", "--municipality", "asahi"]);
    assert_eq!(code, Some(0), "{out}");
    let own = site.join("public-asahi");
    assert!(
        own.join("providers/asahi-hongo-clinic/index.html")
            .is_file()
    );
    assert!(own.join("asahi/index.html").is_file());
    assert!(!own.join("providers/yamanobe-chuo-iin").exists());
    assert!(!own.join("kamisaki").exists());
    assert!(
        !site.join("public").exists(),
        "the area's folder is left alone"
    );
    let finder = std::fs::read_to_string(own.join("providers/finder.json")).unwrap();
    assert!(finder.contains("本郷ファミリークリニック") && !finder.contains("山辺中央医院"));
    // 上﨑村's own check finds its mistake.
    let (code, out) = part(&["check", "--municipality", "kamisaki"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("content/providers/kamisaki/iryo.yaml"),
        "{out}"
    );
    // A town the site does not have.
    let (code, out) = part(&["check", "--municipality", "nowhere"]);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("--municipality「nowhere」は site.toml の [municipalities] にありません"),
        "{out}"
    );
    assert!(
        out.contains("asahi（朝日ヶ丘町）、kamisaki（上﨑村）、yamanobe（山辺市）"),
        "{out}"
    );
}

/// The `::: contacts` lists of an ending note's bodies, in order: each one's window names.
fn note_contacts(html: &str) -> Vec<Vec<String>> {
    html.split("note-contacts\">")
        .skip(1)
        .map(|list| {
            let list = &list[..list.find("</ul>").unwrap()];
            list.split("<strong>")
                .skip(1)
                .map(|s| s[..s.find("</strong>").unwrap()].to_string())
                .collect()
        })
        .collect()
}

#[test]
fn an_ending_note_lists_the_windows_of_its_town_or_of_the_town_it_names() {
    // In 上﨑村's folder: `::: contacts` is the village's windows, `::: contacts 山辺市` the city's.
    assert_eq!(
        note_contacts(&page("kamisaki/note/index.html")),
        [
            vec!["上﨑村地域包括支援センター".to_string()],
            vec!["山辺市在宅医療・介護連携相談支援室".to_string()],
        ]
    );
    // Its cover names the village as the one to ask, not the council that publishes the site.
    assert!(
        page("kamisaki/note/index.html").contains("問い合わせ先: 上﨑村 住民課（電話 0479-00-0200")
    );
    assert!(
        page("memo/index.html").contains("問い合わせ先: ひがし山地域在宅医療・介護連携推進協議会")
    );
    // Outside the towns' folders: every town's, in site.toml's order of areas.
    assert_eq!(
        note_contacts(&page("memo/index.html")),
        [vec![
            "朝日ヶ丘町地域包括支援センター".to_string(),
            "上﨑村地域包括支援センター".to_string(),
            "山辺市在宅医療・介護連携相談支援室".to_string(),
        ]]
    );

    // A town the site does not have: an error at its line that names the towns to write.
    let dir = area_copy();
    edit(
        &dir.path().join("content/kamisaki/note.md"),
        "::: contacts 山辺市",
        "::: contacts 川上町",
    );
    let (code, out) = common::check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains("content/kamisaki/note.md:22:"), "{out}");
    assert!(
        out.contains("「川上町」は site.toml の [municipalities] にない市町村です"),
        "{out}"
    );
    assert!(out.contains("朝日ヶ丘町、上﨑村、山辺市"), "{out}");
    // The key works as well as the name.
    edit(
        &dir.path().join("content/kamisaki/note.md"),
        "::: contacts 川上町",
        "::: contacts yamanobe",
    );
    assert_eq!(common::check(dir.path()).0, Some(0));

    // A site of one town has no towns to name.
    let dir = tempfile::tempdir().unwrap();
    common::copy_sample(dir.path());
    edit(
        &dir.path().join("content/notes/watashi-note.md"),
        "::: contacts",
        "::: contacts みどり市",
    );
    let (code, out) = common::check(dir.path());
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("1つの市町村のサイトなので、市町村は書けません"),
        "{out}"
    );
    assert!(out.contains("content/notes/watashi-note.md:"), "{out}");
}

/// A one-town site grown into a council's site (tests/council-two): さくら町's records
/// still in the shared `content/providers/iryo.yaml`, もみじ村's in its own folder, and the
/// council's pages in `content/guide/` linking records, pages and guides of both towns.
#[test]
fn a_towns_part_follows_common_links_to_other_towns_and_leaves_their_mistakes_to_them() {
    let dir = copy_of(&common::root().join("tests/council-two"));
    let site = dir.path();
    let momiji = ["check", "--municipality", "momiji"];
    let (code, out) = common::check(site);
    assert_eq!(code, Some(0), "{out}");
    let (code, out) = run(site, &momiji);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("事業所 2 件"), "{out}");
    assert!(out.contains("警告 0 件"), "{out}");
    let (code, out) = run(site, &["check", "--municipality", "sakura"]);
    assert_eq!(code, Some(0), "{out}");
    // The part as built keeps the common page's links to the other town as they are.
    let (code, out) = run(site, &["build", "--municipality", "momiji"]);
    assert_eq!(code, Some(0), "{out}");
    let page =
        std::fs::read_to_string(site.join("public-momiji/guide/hajimeni/index.html")).unwrap();
    assert!(
        page.contains("/fukushi/zaitaku/providers/24h-houmon-kango/"),
        "{page}"
    );
    assert!(
        !site
            .join("public-momiji/providers/24h-houmon-kango")
            .exists()
    );
    assert!(
        site.join("public-momiji/providers/gaya-houkan/index.html")
            .is_file()
    );

    // さくら町 is half-way through an edit of a record in the shared file.
    let shared = site.join("content/providers/iryo.yaml");
    let sound = std::fs::read_to_string(&shared).unwrap();
    edit(&shared, "phone: 0120-000-511", "phone: abc");
    let (code, out) = common::check(site);
    assert_eq!(code, Some(1), "the whole site is not ready: {out}");
    let (code, out) = run(site, &["check", "--municipality", "sakura"]);
    assert_eq!(code, Some(1), "さくら町's own check finds it: {out}");
    assert!(out.contains("content/providers/iryo.yaml:19:"), "{out}");
    // もみじ村 is told, and goes on: the record is さくら町's, and the common page's link
    // to it still leads to a page of the whole site.
    let (code, out) = run(site, &momiji);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains("content/providers/iryo.yaml:19:"), "{out}");
    assert!(out.contains("さくら町の記録:"), "{out}");
    assert!(!out.contains("ページがありません"), "{out}");
    std::fs::write(&shared, &sound).unwrap();

    // もみじ村's own mistakes stop it: in its records, and in a common page.
    let own = site.join("content/providers/momiji/kaigo.yaml");
    edit(&own, "phone: 090-0000-2201", "phone: abc");
    let (code, out) = run(site, &momiji);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("content/providers/momiji/kaigo.yaml:8:"),
        "{out}"
    );
    edit(&own, "phone: abc", "phone: 090-0000-2201");
    let common_page = site.join("content/guide/hajimeni.md");
    for (from, to, says) in [
        (
            "/fukushi/zaitaku/providers/24h-houmon-kango/",
            "/fukushi/zaitaku/providers/24h-houmonkango/",
            "リンク先「/fukushi/zaitaku/providers/24h-houmonkango/」のページがありません",
        ),
        (
            "@/momiji/soudan.md#相談の受付時間",
            "@/momiji/soudann.md",
            "soudann.md",
        ),
    ] {
        let text = std::fs::read_to_string(&common_page).unwrap();
        edit(&common_page, from, to);
        let (code, out) = run(site, &momiji);
        assert_eq!(code, Some(1), "{to}: {out}");
        assert!(out.contains(says), "{to}: {out}");
        assert!(out.contains("content/guide/hajimeni.md:"), "{out}");
        std::fs::write(&common_page, text).unwrap();
    }
    let (code, out) = run(site, &momiji);
    assert_eq!(code, Some(0), "{out}");
}
