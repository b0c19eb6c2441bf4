//! The default theme in a real browser (Debian's Chromium, headless): reflow at 320px,
//! the text-size control with and without JavaScript, the skip link and visible focus,
//! and the print stylesheet. The sample site is built and served on 127.0.0.1.

use crate::common;

use std::sync::OnceLock;

use chromium::Tab;
use common::Window as Browser;
use serde_json::json;

fn served() -> &'static common::Served {
    static S: OnceLock<common::Served> = OnceLock::new();
    S.get_or_init(|| common::serve_sample(&[]))
}

fn browser(width: u32) -> Browser {
    common::browser(width)
}

fn open(b: &Browser, width: u32, path: &str) -> Tab {
    let tab = common::tab(b);
    common::viewport(&tab, width, 800);
    common::goto(&tab, &format!("{}{path}", served().base));
    tab
}

/// One page of each kind the foundation generates.
const PAGE_TYPES: &[&str] = &[
    "",
    "guide/",
    "guide/kaigo-hoken/",
    "news/",
    "providers/",
    "providers/category/clinic/",
    "providers/area/kita/",
    "providers/service/houmon-shinryo/",
    "providers/sakae-seikei-geka-iin/",
    "404.html",
];

#[test]
fn every_page_type_reflows_at_320px_and_at_200_percent_text() {
    let b = browser(320);
    for path in PAGE_TYPES {
        let tab = open(&b, 320, path);
        assert_eq!(common::eval_f64(&tab, "window.innerWidth"), 320.0);
        for size in ["normal", "xlarge"] {
            let sw = common::eval_f64(
                &tab,
                &format!(
                    "document.getElementById('ts-{size}').checked = true; document.documentElement.scrollWidth"
                ),
            );
            assert!(
                sw <= 320.0,
                "/{path} scrolls sideways at 320px ({size}): scrollWidth {sw}"
            );
        }
        // Base text is at least 18px.
        let fs = common::eval_f64(
            &tab,
            "document.getElementById('ts-normal').checked = true; parseFloat(getComputedStyle(document.body).fontSize)",
        );
        assert!(fs >= 18.0, "/{path}: body font {fs}px");
        tab.close().ok();
    }
}

#[test]
fn text_size_control_works_without_javascript() {
    let b = browser(1024);
    let tab = common::tab(&b);
    tab.call(
        "Emulation.setScriptExecutionDisabled",
        json!({"value": true}),
    )
    .unwrap();
    common::goto(&tab, &served().base);
    let root_px = |t: &Tab| {
        common::eval_f64(
            t,
            "parseFloat(getComputedStyle(document.documentElement).fontSize)",
        )
    };
    assert_eq!(root_px(&tab), 18.0);
    // A real mouse click on the label: element.click() would need page scripts.
    for (label, px) in [("ts-large", 21.0), ("ts-xlarge", 27.0), ("ts-normal", 18.0)] {
        common::click(&tab, &format!("label[for={label}]"));
        assert_eq!(root_px(&tab), px, "after clicking {label}");
    }
}

#[test]
fn text_size_choice_is_remembered_across_pages_with_javascript() {
    let b = browser(1024);
    let tab = open(&b, 1024, "");
    common::click(&tab, "label[for=ts-xlarge]");
    common::goto(&tab, &format!("{}guide/", served().base));
    common::wait_for(&tab, "#ts-xlarge:checked");
    let px = common::eval_f64(
        &tab,
        "parseFloat(getComputedStyle(document.documentElement).fontSize)",
    );
    assert_eq!(px, 27.0);
}

#[test]
fn skip_link_is_the_first_tab_stop_visibly_focused_and_jumps_to_main() {
    let b = browser(1024);
    let tab = open(&b, 1024, "providers/");
    common::key(&tab, "Tab");
    assert_eq!(
        common::eval_str(&tab, "document.activeElement.className"),
        "skip-link"
    );
    let outline = common::eval_str(
        &tab,
        "getComputedStyle(document.activeElement).outlineStyle",
    );
    assert_ne!(outline, "none", "focus must be visible");
    let top = common::eval_f64(&tab, "document.activeElement.getBoundingClientRect().top");
    assert!(
        top >= 0.0,
        "focused skip link must be on screen, top = {top}"
    );
    common::key(&tab, "Enter");
    common::wait_until(&tab, "location.hash === '#main'");
    assert_eq!(common::eval_str(&tab, "document.activeElement.id"), "main");
}

#[test]
fn print_stylesheet_drops_navigation_and_controls() {
    let b = browser(1024);
    let tab = open(&b, 1024, "providers/sakae-seikei-geka-iin/");
    tab.call("Emulation.setEmulatedMedia", json!({"media": "print"}))
        .unwrap();
    for sel in [".site-nav", ".textsize", ".breadcrumbs"] {
        let d = common::eval_str(
            &tab,
            &format!("getComputedStyle(document.querySelector('{sel}')).display"),
        );
        assert_eq!(d, "none", "{sel} should not print");
    }
    let color = common::eval_str(&tab, "getComputedStyle(document.querySelector('h1')).color");
    assert_eq!(color, "rgb(0, 0, 0)", "headings print black");
}
