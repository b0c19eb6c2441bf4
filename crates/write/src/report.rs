//! What a build changes compared with the previous output: pages added, removed and
//! changed, and for each provider record which fields changed from what to what, so a
//! supervisor can approve an upload.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use model::{PhoneText, Provider, Site, wareki};

/// A provider record as staff read it: labelled fields in a fixed order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProviderSnapshot {
    pub name: String,
    pub fields: Vec<(String, String)>,
}

pub type Snapshot = BTreeMap<String, ProviderSnapshot>;

pub fn snapshot(site: &Site) -> Snapshot {
    site.providers
        .iter()
        .map(|p| (p.id.to_string(), provider_snapshot(site, p)))
        .collect()
}

/// One record's labelled fields, published or pending.
pub fn provider_snapshot<P: PhoneText>(site: &Site, p: &Provider<P>) -> ProviderSnapshot {
    let c = &site.config;
    let label = |map: &indexmap::IndexMap<String, String>, k: &str| {
        map.get(k).cloned().unwrap_or_else(|| k.to_string())
    };
    let cats: indexmap::IndexMap<String, String> = c
        .categories
        .iter()
        .map(|(k, v)| (k.to_string(), v.label.clone()))
        .collect();
    let areas: indexmap::IndexMap<String, String> = c
        .areas
        .iter()
        .map(|(k, v)| (k.to_string(), v.label.clone()))
        .collect();
    let services: indexmap::IndexMap<String, String> = c
        .services
        .iter()
        .map(|(k, v)| (k.to_string(), v.label.clone()))
        .collect();
    let opt = |o: &Option<String>| o.clone().unwrap_or_default();
    let hours = p
        .hours
        .iter()
        .map(|h| {
            format!(
                "{} {}〜{}{}",
                h.days
                    .iter()
                    .map(|d| d.label())
                    .collect::<Vec<_>>()
                    .join("・"),
                h.open,
                if h.overnight() { "翌" } else { "" },
                h.close
            )
        })
        .collect::<Vec<_>>()
        .join("、");
    let fields = vec![
        ("名称", p.name.clone()),
        ("よみがな", p.kana.as_str().to_string()),
        ("分類", label(&cats, &p.category)),
        ("地域", label(&areas, &p.area)),
        ("郵便番号", p.postal_code.clone()),
        ("所在地", p.address.clone()),
        ("電話番号", p.phone.text().to_string()),
        (
            "FAX番号",
            p.fax
                .as_ref()
                .map(|f| f.as_str().to_string())
                .unwrap_or_default(),
        ),
        ("メール", opt(&p.email)),
        ("ホームページ", opt(&p.url)),
        (
            "緯度・経度",
            p.coords
                .map(|c| format!("{}, {}", c.lat, c.lon))
                .unwrap_or_default(),
        ),
        ("受付時間", hours),
        ("受付時間の補足", opt(&p.hours_note)),
        ("休み", opt(&p.closed_days)),
        ("診療科目", p.departments.join("・")),
        (
            "対応サービス",
            p.services
                .iter()
                .map(|s| label(&services, s))
                .collect::<Vec<_>>()
                .join("・"),
        ),
        ("受入状況", p.accepting.label().to_string()),
        ("受入状況の補足", opt(&p.accepting_note)),
        ("運営法人", opt(&p.corporation)),
        ("事業所番号", opt(&p.office_code)),
        (
            "国のデータ",
            p.missing_since
                .map(|d| {
                    format!(
                        "{}時点のデータにありません（廃止・休止の可能性）",
                        wareki::seireki(d)
                    )
                })
                .unwrap_or_default(),
        ),
        ("最終確認日", wareki::both(p.updated)),
        ("備考", opt(&p.notes)),
    ];
    ProviderSnapshot {
        name: p.name.clone(),
        fields: fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    }
}

#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
pub struct ChangeReport {
    /// No earlier tsunagu output was found: everything is new.
    pub first_build: bool,
    pub pages_added: Vec<String>,
    pub pages_removed: Vec<String>,
    pub pages_changed: Vec<String>,
    pub files_changed: usize,
    pub providers_added: Vec<Named>,
    pub providers_removed: Vec<Named>,
    pub providers_changed: Vec<ProviderChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Named {
    pub id: String,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ProviderChange {
    pub id: String,
    pub name: String,
    pub fields: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FieldChange {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// Compares two builds: file hashes by output path, and provider snapshots.
pub fn compare(
    old_files: Option<&BTreeMap<String, String>>,
    new_files: &BTreeMap<String, String>,
    old_providers: Option<&Snapshot>,
    new_providers: &Snapshot,
) -> ChangeReport {
    let mut r = ChangeReport {
        first_build: old_files.is_none(),
        ..Default::default()
    };
    let empty = BTreeMap::new();
    let old_files = old_files.unwrap_or(&empty);
    let is_page = |p: &str| p.ends_with(".html");
    for (path, hash) in new_files {
        match old_files.get(path) {
            None if is_page(path) => r.pages_added.push(path.clone()),
            Some(h) if h != hash && is_page(path) => r.pages_changed.push(path.clone()),
            _ => {}
        }
        if old_files.get(path) != Some(hash) {
            r.files_changed += 1;
        }
    }
    r.pages_removed = old_files
        .keys()
        .filter(|p| is_page(p) && !new_files.contains_key(*p))
        .cloned()
        .collect();
    let empty = Snapshot::new();
    let old_providers = old_providers.unwrap_or(&empty);
    for (id, new) in new_providers {
        match old_providers.get(id) {
            None => r.providers_added.push(Named {
                id: id.clone(),
                name: new.name.clone(),
            }),
            Some(old) if old != new => {
                let before: BTreeMap<&str, &str> = old
                    .fields
                    .iter()
                    .map(|(k, v)| (k.as_str(), v.as_str()))
                    .collect();
                let fields = new
                    .fields
                    .iter()
                    .filter_map(|(k, v)| {
                        let b = before.get(k.as_str()).copied().unwrap_or_default();
                        (b != v).then(|| FieldChange {
                            field: k.clone(),
                            before: b.to_string(),
                            after: v.clone(),
                        })
                    })
                    .collect();
                r.providers_changed.push(ProviderChange {
                    id: id.clone(),
                    name: new.name.clone(),
                    fields,
                });
            }
            _ => {}
        }
    }
    r.providers_removed = old_providers
        .iter()
        .filter(|(id, _)| !new_providers.contains_key(*id))
        .map(|(id, p)| Named {
            id: id.clone(),
            name: p.name.clone(),
        })
        .collect();
    r
}

impl ChangeReport {
    pub fn is_empty(&self) -> bool {
        self.files_changed == 0
            && self.pages_removed.is_empty()
            && self.providers_removed.is_empty()
    }

    /// One line for the end of a build.
    pub fn summary(&self) -> String {
        if self.first_build {
            return "前回の出力がないため、すべて新しく書き出しました。".into();
        }
        if self.is_empty() {
            return "前回から変わったところはありません。".into();
        }
        format!(
            "前回との違い: ページ 追加 {}・削除 {}・変更 {}、事業所 追加 {}・削除 {}・変更 {}",
            self.pages_added.len(),
            self.pages_removed.len(),
            self.pages_changed.len(),
            self.providers_added.len(),
            self.providers_removed.len(),
            self.providers_changed.len()
        )
    }

    /// The full report, for a supervisor to read before the upload.
    pub fn text(&self) -> String {
        let mut s = String::from("# 変更の報告\n\n");
        s.push_str(&self.summary());
        s.push_str("\n\n");
        if !self.providers_changed.is_empty() {
            s.push_str("## 内容が変わった事業所\n\n");
            for p in &self.providers_changed {
                s.push_str(&format!("- {}（{}）\n", p.name, p.id));
                for f in &p.fields {
                    let show = |v: &str| {
                        if v.is_empty() {
                            "（なし）".to_string()
                        } else {
                            v.to_string()
                        }
                    };
                    s.push_str(&format!(
                        "  - {}: {} → {}\n",
                        f.field,
                        show(&f.before),
                        show(&f.after)
                    ));
                }
            }
            s.push('\n');
        }
        for (title, list) in [
            ("追加された事業所", &self.providers_added),
            ("削除された事業所", &self.providers_removed),
        ] {
            if !list.is_empty() {
                s.push_str(&format!("## {title}\n\n"));
                for p in list.iter() {
                    s.push_str(&format!("- {}（{}）\n", p.name, p.id));
                }
                s.push('\n');
            }
        }
        for (title, list) in [
            ("追加されたページ", &self.pages_added),
            ("削除されたページ", &self.pages_removed),
            ("変わったページ", &self.pages_changed),
        ] {
            if !list.is_empty() && !self.first_build {
                s.push_str(&format!("## {title}\n\n"));
                for p in list.iter() {
                    s.push_str(&format!("- {p}\n"));
                }
                s.push('\n');
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snap(phone: &str) -> Snapshot {
        let mut s = Snapshot::new();
        s.insert(
            "a".into(),
            ProviderSnapshot {
                name: "A医院".into(),
                fields: vec![
                    ("名称".into(), "A医院".into()),
                    ("電話番号".into(), phone.into()),
                ],
            },
        );
        s
    }

    #[test]
    fn a_changed_field_is_reported_from_what_to_what() {
        let files: BTreeMap<String, String> =
            [("a/index.html".to_string(), "1".to_string())].into();
        let files2: BTreeMap<String, String> = [
            ("a/index.html".to_string(), "2".to_string()),
            ("b/index.html".to_string(), "3".to_string()),
        ]
        .into();
        let r = compare(
            Some(&files),
            &files2,
            Some(&snap("0990-11-1111")),
            &snap("0990-11-2222"),
        );
        assert_eq!(r.pages_changed, ["a/index.html"]);
        assert_eq!(r.pages_added, ["b/index.html"]);
        assert_eq!(
            r.providers_changed[0].fields,
            [FieldChange {
                field: "電話番号".into(),
                before: "0990-11-1111".into(),
                after: "0990-11-2222".into()
            }]
        );
        assert!(r.text().contains("電話番号: 0990-11-1111 → 0990-11-2222"));
        assert!(r.summary().contains("変更 1"));
    }
}
