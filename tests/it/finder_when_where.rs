//! The finder for real use, in headless Chromium, on a site of its own
//! (`tests/finder-town/`, ひばり台市, served under a path): nearest first from a named
//! place and from the device's position, open now or on a chosen day and time (a lunch
//! break, a range running past midnight, a national holiday, 年末年始), the 診療科目
//! filter, bad input in the URL, accessibility, and no request beyond the site itself.
//!
//! The page's clock and position are set before it loads (a script replacing `Date` and
//! `navigator.geolocation`), so every answer is known: the records stand 200 m, 400 m,
//! 1.1 km … north of the station, and their hours are written for these checks.

use crate::common;

use std::sync::OnceLock;

use chromium::Tab;

fn town() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| {
        common::serve_site_at(
            &common::root().join("tests/finder-town"),
            "kurashi/iryo",
            &[],
        )
    })
}

/// Year, month, day, hour, minute on the device's clock.
type Clock = (i32, u32, u32, u32, u32);

/// A clock reading `y-m-d h:min` (the device's own time zone) and, when `pos` is given, a
/// device at that position; set before any page of the tab loads.
fn tab(at: Option<Clock>, pos: Option<(f64, f64)>) -> Tab {
    let tab = common::tab(&common::browser(1000));
    let mut js = String::new();
    if let Some((y, mo, d, h, mi)) = at {
        js.push_str(&format!(
            "(function () {{
              var Real = Date;
              var fixed = new Real({y}, {mo} - 1, {d}, {h}, {mi}).getTime();
              function Fake() {{
                if (!(this instanceof Fake)) return new Real(fixed).toString();
                return arguments.length ? new (Function.prototype.bind.apply(Real, [null].concat([].slice.call(arguments))))() : new Real(fixed);
              }}
              Fake.now = function () {{ return fixed; }};
              Fake.UTC = Real.UTC;
              Fake.parse = Real.parse;
              Fake.prototype = Real.prototype;
              window.Date = Fake;
            }})();"
        ));
    }
    if let Some((lat, lon)) = pos {
        js.push_str(&format!(
            "window.__asked = 0;
             Object.defineProperty(navigator, 'geolocation', {{ value: {{
               getCurrentPosition: function (ok) {{
                 window.__asked++;
                 setTimeout(function () {{ ok({{ coords: {{ latitude: {lat}, longitude: {lon}, accuracy: 20 }} }}); }}, 10);
               }}
             }} }});"
        ));
    }
    if !js.is_empty() {
        tab.call(
            "Page.addScriptToEvaluateOnNewDocument",
            serde_json::json!({"source": js}),
        )
        .unwrap();
    }
    tab
}

fn find(tab: &Tab, query: &str) {
    common::goto(tab, &format!("{}providers/find/{query}", town().base));
    common::wait_until(
        tab,
        "document.getElementById('finder-status').textContent.indexOf('件') >= 0",
    );
}

/// The ids of the results, in order.
fn ids(tab: &Tab) -> Vec<String> {
    let v = common::eval(
        tab,
        "JSON.stringify(Array.from(document.querySelectorAll('#finder-results .card-title a')).map(function (a) { return a.getAttribute('href').split('/').filter(Boolean).pop(); }))",
    );
    serde_json::from_str(v.as_str().unwrap_or("[]")).unwrap()
}

fn status(tab: &Tab) -> String {
    common::eval_str(tab, "document.getElementById('finder-status').textContent")
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn set(ids: &[&str]) -> Vec<String> {
    sorted(ids.iter().map(|s| s.to_string()).collect())
}

#[test]
fn nearest_first_from_a_named_place_and_from_the_device_which_stays_on_it() {
    let t = tab(None, Some((35.05, 139.0)));
    // From the station: 200 m, 400 m, 1.1 km, 2.2 km, 3.3 km, 5.6 km; the station without
    // a position last.
    find(&t, "?near=%E3%81%B2%E3%81%B0%E3%82%8A%E5%8F%B0%E9%A7%85");
    assert_eq!(
        ids(&t),
        [
            "hibari-naika",
            "sakura-yakkyoku",
            "yakan-shinryojo",
            "kyujitsu-shinryojo",
            "aozora-care",
            "hibari-ganka",
            "ichiban-houkan"
        ]
    );
    let s = status(&t);
    assert!(
        s.contains("近い順") && s.contains("位置の登録がない 1 件は最後"),
        "{s}"
    );
    let first = common::eval_str(
        &t,
        "document.querySelector('#finder-results .card').textContent",
    );
    assert!(first.contains("約 220 m"), "{first}");
    assert!(
        common::eval_str(
            &t,
            "document.querySelectorAll('#finder-results .card')[5].textContent"
        )
        .contains("約 5.6 km")
    );
    // Places: the site's own, then the middle of each area's records.
    let options = common::eval_str(
        &t,
        "Array.from(document.getElementById('f-near').options).map(function (o) { return o.value; }).join(',')",
    );
    assert_eq!(
        options,
        ",ひばり台駅,ひばり台市役所,駅前地区のあたり,丘の上地区のあたり"
    );
    // The named place is in the address, to share.
    assert!(common::eval_str(&t, "location.search").contains("near="));

    // From the device: asked only when the button is pressed, never in the address.
    find(&t, "");
    assert_eq!(common::eval_f64(&t, "window.__asked"), 0.0);
    common::eval(&t, "document.getElementById('f-here').click()");
    common::wait_until(
        &t,
        "document.getElementById('finder-status').textContent.indexOf('近い順') >= 0",
    );
    assert_eq!(common::eval_f64(&t, "window.__asked"), 1.0);
    assert_eq!(ids(&t)[..2], ["hibari-ganka", "aozora-care"]);
    let search = common::eval_str(&t, "location.search");
    assert!(
        !search.contains("near") && !search.contains("35."),
        "{search}"
    );
    // Nothing was fetched but the site's own files.
    let origins = common::eval_str(
        &t,
        "performance.getEntriesByType('resource').map(function (e) { return new URL(e.name).origin; }).filter(function (o) { return o !== location.origin; }).join(' ')",
    );
    assert_eq!(origins, "", "requests beyond the site");
}

#[test]
fn open_now_follows_lunch_breaks_overnight_ranges_holidays_and_the_new_year() {
    let cases: [(Clock, &[&str], &str); 6] = [
        // Tuesday 10:00.
        (
            (2026, 12, 1, 10, 0),
            &["hibari-naika", "sakura-yakkyoku", "ichiban-houkan"],
            "平日の午前",
        ),
        // Tuesday 12:30: the clinic's lunch break.
        (
            (2026, 12, 1, 12, 30),
            &["sakura-yakkyoku", "ichiban-houkan"],
            "昼休み",
        ),
        // Wednesday 02:00: Tuesday's night range runs until 7:00.
        ((2026, 12, 2, 2, 0), &["yakan-shinryojo"], "真夜中"),
        // 2027-01-11 is 成人の日: holiday hours.
        ((2027, 1, 11, 10, 0), &["kyujitsu-shinryojo"], "祝日"),
        // 2026-12-30 is a weekday, but the site reads it as a holiday (年末年始).
        ((2026, 12, 30, 10, 0), &["kyujitsu-shinryojo"], "年末年始"),
        // Sunday 11:00.
        (
            (2026, 12, 6, 11, 0),
            &["kyujitsu-shinryojo", "sakura-yakkyoku"],
            "日曜",
        ),
    ];
    for (at, want, what) in cases {
        let t = tab(Some(at), None);
        find(&t, "?when=now");
        assert_eq!(sorted(ids(&t)), set(want), "{what} {at:?}");
        // The record without hours is said to be left out.
        assert!(
            status(&t).contains("時間の登録がない 1 件は含みません"),
            "{what}: {}",
            status(&t)
        );
        t.close().ok();
    }
    // 06:30 on Wednesday: the night clinic closes in half an hour, and says so.
    let t = tab(Some((2026, 12, 2, 6, 30)), None);
    find(&t, "?when=now");
    let card = common::eval_str(
        &t,
        "document.querySelector('#finder-results .card').textContent",
    );
    assert!(
        card.contains("19:00〜7:00") && card.contains("あと 30 分で終わります"),
        "{card}"
    );
    // The page says hours change and to phone first.
    assert!(
        common::eval_str(&t, "document.getElementById('f-when-hint').textContent")
            .contains("電話でお確かめください")
    );
}

#[test]
fn a_chosen_day_and_time_and_the_departments_narrow_the_list() {
    let t = tab(None, None);
    find(&t, "?when=pick&day=sun&time=am");
    assert_eq!(
        sorted(ids(&t)),
        set(&["kyujitsu-shinryojo", "sakura-yakkyoku"])
    );
    find(&t, "?when=pick&day=sat&time=night");
    assert_eq!(sorted(ids(&t)), set(&["yakan-shinryojo"]));
    find(&t, "?when=pick&day=hol");
    assert_eq!(
        sorted(ids(&t)),
        set(&["kyujitsu-shinryojo", "yakan-shinryojo"])
    );
    find(&t, "?when=pick&day=tue&time=13:00");
    assert_eq!(sorted(ids(&t)), set(&["ichiban-houkan", "sakura-yakkyoku"]));
    // 診療科目: chosen from the records' own, most common first.
    let options = common::eval_str(
        &t,
        "Array.from(document.getElementById('f-dept').options).map(function (o) { return o.value; }).join(',')",
    );
    assert_eq!(options, ",内科,外科,小児科,眼科");
    find(&t, "?dept=%E7%9C%BC%E7%A7%91");
    assert_eq!(ids(&t), ["hibari-ganka"]);
    find(&t, "?dept=%E5%86%85%E7%A7%91&when=pick&day=sun");
    assert_eq!(
        sorted(ids(&t)),
        set(&["kyujitsu-shinryojo", "yakan-shinryojo"])
    );
    // By keyboard: the radio for a day and time, then the day.
    find(&t, "");
    common::eval(&t, "document.getElementById('f-when-pick').focus()");
    t.press_key(" ").unwrap();
    common::wait_until(&t, "!document.getElementById('f-when-pick-box').hidden");
    assert!(common::holds(
        &t,
        "document.activeElement.id === 'f-when-pick'"
    ));
}

#[test]
fn bad_input_in_the_address_is_ignored() {
    let t = tab(None, None);
    let long = "あ".repeat(5000);
    find(
        &t,
        &format!(
            "?category=nope&area=%3Cb%3E&when=pick&day=xyz&time=25:00&dept=%E9%AD%94&near=nowhere&q={long}"
        ),
    );
    // Unknown keys and values fall back to "any"; the query is cut to 100 characters.
    assert_eq!(
        common::eval_f64(&t, "document.getElementById('f-q').value.length"),
        100.0
    );
    common::eval(
        &t,
        "document.getElementById('f-q').value = ''; document.getElementById('f-q').dispatchEvent(new Event('input', { bubbles: true }))",
    );
    common::wait_until(
        &t,
        "document.querySelectorAll('#finder-results .card').length === 7",
    );
    let search = common::eval_str(&t, "location.search");
    for gone in ["nope", "xyz", "25", "nowhere", "dept"] {
        assert!(!search.contains(gone), "{gone} kept in {search}");
    }
}

#[test]
fn the_new_controls_pass_axe() {
    let t = tab(None, None);
    find(
        &t,
        "?when=pick&day=sun&time=am&near=%E3%81%B2%E3%81%B0%E3%82%8A%E5%8F%B0%E9%A7%85",
    );
    let axe = common::axe_source();
    let violations = common::axe_violations(&t, &axe);
    assert!(violations.is_empty(), "{violations:#?}");
    // The result count is announced.
    assert_eq!(
        common::eval_str(
            &t,
            "document.getElementById('finder-status').getAttribute('role')"
        ),
        "status"
    );
}
