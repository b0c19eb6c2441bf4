//! Where and how to reach a provider: postal code, phone and fax, email, web address,
//! coordinates.

use super::record::Record;
use diagnostics::Diagnostic;
use model::{Coords, Phone, text};

impl Record<'_> {
    pub(super) fn postal_code(&mut self) -> Option<String> {
        let written = self.text("postal_code", false)?;
        // 〒, full-width digits and a missing hyphen change nothing of the meaning.
        if let Some(code) = text::postal(&written) {
            return Some(code);
        }
        let node = self.field("postal_code")?.clone();
        self.error(
            &node,
            format!("郵便番号「{written}」の形が正しくありません"),
            "半角で「123-4567」の形に書いてください（「〒」は不要です）",
        );
        None
    }

    pub(super) fn phone(&mut self, key: &str, required: bool) -> Option<Phone> {
        let s = self.text(key, required)?;
        let what = if key == "fax" {
            "FAX番号"
        } else {
            "電話番号"
        };
        // Full-width digits and hyphens mean the same; other guesses are said aloud.
        if let Some(p) = Phone::parse(&text::ascii_fold(&s)) {
            return Some(p);
        }
        let node = self.field(key)?.clone();
        if let Some(p) = Phone::parse_loose(&s) {
            self.diags.push(
                Diagnostic::warning(
                    self.file,
                    Some(node.pos),
                    format!("{what}「{s}」を「{}」と読みました", p.as_str()),
                )
                .with_len(node.len)
                .with_help(
                    "読み方が正しいか確かめて、半角の数字とハイフン（-）で書き直してください",
                ),
            );
            return Some(p);
        }
        self.error(
            &node,
            format!("{what}「{s}」の形が正しくありません"),
            "半角の数字とハイフンで、市外局番から書いてください（例: 0990-12-3456）。内線は「0479-00-0100（内線 245）」のように後ろに書けます",
        );
        None
    }

    pub(super) fn email(&mut self) -> Option<String> {
        let s = self.code("email", false)?;
        let ok = match s.split_once('@') {
            Some((local, domain)) => {
                !local.is_empty()
                    && domain.contains('.')
                    && !domain.starts_with('.')
                    && !domain.ends_with('.')
                    && s.chars()
                        .all(|c| c.is_ascii_graphic() && !"<>\"'(),;:[]\\".contains(c) || c == '@')
                    && s.matches('@').count() == 1
            }
            None => false,
        };
        if ok {
            return Some(s);
        }
        let node = self.field("email")?.clone();
        self.error(
            &node,
            format!("メールアドレス「{s}」の形が正しくありません"),
            "半角で「info@example.jp」の形に書いてください",
        );
        None
    }

    pub(super) fn url(&mut self) -> Option<String> {
        let s = self.code("url", false)?;
        match url::Url::parse(&s) {
            Ok(u) if matches!(u.scheme(), "http" | "https") && u.host().is_some() => {
                Some(u.to_string())
            }
            _ => {
                let node = self.field("url")?.clone();
                self.error(
                    &node,
                    format!("ホームページの URL「{s}」が正しくありません"),
                    "https:// または http:// で始まる URL を書いてください",
                );
                None
            }
        }
    }

    pub(super) fn number(&mut self, key: &str) -> Option<f64> {
        let node = self.field(key)?.clone();
        match node
            .as_str()
            .map(text::ascii_fold)
            .and_then(|s| s.trim().parse::<f64>().ok())
        {
            Some(v) if v.is_finite() => Some(v),
            _ => {
                self.error(
                    &node,
                    format!("「{key}」には数値を書いてください"),
                    "地図アプリで調べた緯度・経度を、35.6812 のような小数で書いてください",
                );
                None
            }
        }
    }

    pub(super) fn coords(&mut self) -> Option<Coords> {
        let (has_lat, has_lon) = (self.field("lat").is_some(), self.field("lon").is_some());
        if has_lat != has_lon {
            let node = self.field(if has_lat { "lat" } else { "lon" })?.clone();
            self.error(
                &node,
                "緯度（lat）と経度（lon）は両方書くか、両方とも省いてください".into(),
                "片方だけでは地図に表示できません",
            );
            return None;
        }
        let (lat, lon) = (self.number("lat"), self.number("lon"));
        let (lat, lon) = (lat?, lon?);
        // Japan's extremes: 沖ノ鳥島 20.4°N, 択捉島 45.6°N, 与那国島 122.9°E, 南鳥島 154.0°E.
        if !(20.0..=46.0).contains(&lat) || !(122.0..=154.0).contains(&lon) {
            let node = self.field("lat")?.clone();
            self.error(
                &node,
                format!("座標（緯度 {lat}, 経度 {lon}）が日本の範囲外です"),
                "緯度と経度が入れ替わっていないか確かめてください（日本は緯度 20〜46、経度 122〜154）",
            );
            return None;
        }
        Some(Coords { lat, lon })
    }
}
