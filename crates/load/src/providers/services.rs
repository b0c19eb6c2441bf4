//! What a provider offers: services from the site's vocabulary, whether it accepts new
//! people, and its 介護保険 office code.

use super::record::Record;
use model::{Accepting, ServiceKey, text};

impl Record<'_> {
    pub(super) fn services(&mut self) -> Vec<ServiceKey> {
        let Some(node) = self.field("services").cloned() else {
            return Vec::new();
        };
        let Some(items) = node.as_seq() else {
            self.error(
                &node,
                "「services」はリストで書いてください".into(),
                "例: services: [houmon-shinryo, mitori]",
            );
            return Vec::new();
        };
        let mut out: Vec<ServiceKey> = Vec::new();
        for item in items {
            let folded = item.as_str().map(text::ascii_fold);
            match folded.and_then(|s| self.config.services.get_key_value(s.as_str())) {
                Some((key, _)) => {
                    if !out.contains(key) {
                        out.push(key.clone());
                    }
                }
                _ => {
                    let known: Vec<&str> =
                        self.config.services.keys().map(|k| k.as_str()).collect();
                    self.error(
                        item,
                        format!(
                            "対応サービス「{}」は site.toml の [services] にありません",
                            item.as_str().unwrap_or_default()
                        ),
                        &format!("次のどれかを書いてください: {}", known.join(", ")),
                    );
                }
            }
        }
        // Listed in the site's own order so every page shows services alike.
        out.sort_by_key(|s| self.config.services.get_index_of(s.as_str()));
        out
    }

    pub(super) fn accepting(&mut self) -> (Accepting, Option<String>) {
        let Some(node) = self.field("accepting").cloned() else {
            return (Accepting::Unknown, None);
        };
        let help = "accepting, limited, full, unknown のどれかを書いてください";
        let (status_node, note) = match (node.as_str(), node.as_map()) {
            (Some(_), _) => (Some(node.clone()), None),
            (None, Some(pairs)) => {
                for (k, _) in pairs {
                    if !matches!(k.as_str(), Some("status" | "note")) {
                        self.error(
                            k,
                            format!(
                                "「accepting」に知らない項目「{}」があります",
                                k.as_str().unwrap_or_default()
                            ),
                            "書けるのは status と note だけです",
                        );
                    }
                }
                let mut inner = Record {
                    file: self.file,
                    node: &node,
                    config: self.config,
                    diags: self.diags,
                };
                (inner.field("status").cloned(), inner.text("note", false))
            }
            _ => {
                self.error(&node, "「accepting」の形が正しくありません".into(), help);
                return (Accepting::Unknown, None);
            }
        };
        let Some(status_node) = status_node else {
            self.error(&node, "「accepting」に status がありません".into(), help);
            return (Accepting::Unknown, note);
        };
        match status_node
            .as_str()
            .map(text::ascii_fold)
            .as_deref()
            .and_then(Accepting::parse)
        {
            Some(a) => (a, note),
            None => {
                self.error(
                    &status_node,
                    format!(
                        "受入状況「{}」がわかりません",
                        status_node.as_str().unwrap_or_default()
                    ),
                    help,
                );
                (Accepting::Unknown, note)
            }
        }
    }

    pub(super) fn office_code(&mut self) -> Option<String> {
        let s = self.code("office_code", false)?;
        // 介護保険事業所番号 may carry a capital letter (総合事業: "04A0700017").
        let digits = s.bytes().all(|b| b.is_ascii_digit());
        let care = s.len() == 10
            && s.bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
        if (digits && s.len() == 7) || care {
            return Some(s);
        }
        let node = self.field("office_code")?.clone();
        self.error(
            &node,
            format!("事業所番号「{s}」の形が正しくありません"),
            "医療機関コードは7桁、介護保険事業所番号は10桁の半角英数字で、\"0123456\" のように引用符で囲んで書いてください",
        );
        None
    }
}
