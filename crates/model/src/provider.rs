//! A provider record and what it carries besides its hours: whether it accepts new
//! clients, where it is, and which open data it came from.

use jiff::civil::Date;
use serde::Serialize;

use std::path::PathBuf;

use crate::{
    AreaKey, CategoryKey, Hours, Kana, MunicipalityKey, Phone, Pos, ProviderId, ServiceKey, routes,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Accepting {
    Accepting,
    Limited,
    Full,
    #[default]
    Unknown,
}

impl Accepting {
    pub fn parse(s: &str) -> Option<Accepting> {
        match s {
            "accepting" => Some(Accepting::Accepting),
            "limited" => Some(Accepting::Limited),
            "full" => Some(Accepting::Full),
            "unknown" => Some(Accepting::Unknown),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Accepting::Accepting => "受け入れています",
            Accepting::Limited => "条件つきで受け入れています",
            Accepting::Full => "現在は受け入れていません",
            Accepting::Unknown => "お問い合わせください",
        }
    }

    /// A shape that survives black-and-white printing, so colour is never the only cue.
    pub fn mark(self) -> &'static str {
        match self {
            Accepting::Accepting => "○",
            Accepting::Limited => "△",
            Accepting::Full => "×",
            Accepting::Unknown => "－",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coords {
    pub lat: f64,
    pub lon: f64,
}

/// A provider record. `P` is its phone: a published record has one ([`Phone`]); a record
/// waiting for it (掲載準備中, see [`Pending`]) has `()` and appears on no page.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provider<P = Phone> {
    pub id: ProviderId,
    pub name: String,
    pub kana: Kana,
    pub category: CategoryKey,
    pub area: AreaKey,
    /// On a site of several municipalities, the one the record belongs to (its area's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub municipality: Option<MunicipalityKey>,
    pub postal_code: String,
    pub address: String,
    pub phone: P,
    pub fax: Option<Phone>,
    pub email: Option<String>,
    pub url: Option<String>,
    pub coords: Option<Coords>,
    pub hours: Vec<Hours>,
    pub hours_note: Option<String>,
    pub closed_days: Option<String>,
    /// 診療科目 as the national data names them (内科, 小児歯科 …).
    pub departments: Vec<String>,
    pub services: Vec<ServiceKey>,
    pub accepting: Accepting,
    pub accepting_note: Option<String>,
    pub corporation: Option<String>,
    pub office_code: Option<String>,
    /// The 13-digit ID of 医療情報ネット（ナビイ）, kept as text (leading zeros).
    pub national_id: Option<String>,
    /// The national release the record was imported from, for the licence credit.
    pub origin: Option<Origin>,
    /// The record was missing from the national release of this date: the office may
    /// have closed, and staff should confirm before removing it.
    pub missing_since: Option<Date>,
    pub updated: Date,
    /// Inline Markdown as written; rendered (and escaped) by the outputs.
    pub notes: Option<String>,
    #[serde(skip)]
    pub source: PathBuf,
    #[serde(skip)]
    pub line: usize,
    /// Where `updated` is written, for the staleness warning.
    #[serde(skip)]
    pub updated_pos: Pos,
}

/// Open data a record came from; each asks for its own credit line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataSource {
    /// 医療情報ネット（ナビイ）オープンデータ, 厚生労働省, 公共データ利用規約第1.0版.
    IryoNet,
    /// 介護サービス情報公表システム オープンデータ, 厚生労働省, CC BY 4.0.
    KaigoKouhyou,
}

impl DataSource {
    pub const ALL: [DataSource; 2] = [DataSource::IryoNet, DataSource::KaigoKouhyou];

    pub fn key(self) -> &'static str {
        match self {
            DataSource::IryoNet => "iryo-net",
            DataSource::KaigoKouhyou => "kaigo-kouhyou",
        }
    }

    pub fn parse(s: &str) -> Option<DataSource> {
        DataSource::ALL.into_iter().find(|d| d.key() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            DataSource::IryoNet => "医療情報ネット（ナビイ）",
            DataSource::KaigoKouhyou => "介護サービス情報公表システム",
        }
    }

    /// The credit line the licence asks for; `by` is who processed the data.
    pub fn credit(self, by: &str) -> String {
        match self {
            DataSource::IryoNet => format!(
                "「医療情報ネットのオープンデータ」（厚生労働省）を加工して作成（加工：{by}）。公共データ利用規約（第1.0版）"
            ),
            DataSource::KaigoKouhyou => format!(
                "出典：厚生労働省「介護サービス情報公表システム」オープンデータ（CC BY 4.0）を加工して作成（加工：{by}）"
            ),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Origin {
    pub source: DataSource,
    /// The release's date (ナビイ: 6/1 and 12/1).
    pub date: Date,
}

/// A record without a phone number: kept out of every page, list and open data until
/// staff add one; `stale` prints a sheet asking the provider for it.
pub type Pending = Provider<()>;

/// The phone as shown on staff sheets, whether the record has one or not.
pub trait PhoneText {
    fn text(&self) -> &str;
}

impl PhoneText for Phone {
    fn text(&self) -> &str {
        self.as_str()
    }
}

impl PhoneText for () {
    fn text(&self) -> &str {
        ""
    }
}

impl<P> Provider<P> {
    /// The same record with another phone slot.
    pub fn with_phone<Q>(self, phone: Q) -> Provider<Q> {
        Provider {
            id: self.id,
            name: self.name,
            kana: self.kana,
            category: self.category,
            area: self.area,
            municipality: self.municipality,
            postal_code: self.postal_code,
            address: self.address,
            phone,
            fax: self.fax,
            email: self.email,
            url: self.url,
            coords: self.coords,
            hours: self.hours,
            hours_note: self.hours_note,
            closed_days: self.closed_days,
            departments: self.departments,
            services: self.services,
            accepting: self.accepting,
            accepting_note: self.accepting_note,
            corporation: self.corporation,
            office_code: self.office_code,
            national_id: self.national_id,
            origin: self.origin,
            missing_since: self.missing_since,
            updated: self.updated,
            notes: self.notes,
            source: self.source,
            line: self.line,
            updated_pos: self.updated_pos,
        }
    }

    pub fn path(&self) -> String {
        routes::provider(&self.id)
    }

    pub fn is_stale(&self, today: Date, days: u32) -> bool {
        today
            .since(self.updated)
            .map(|span| span.get_days() > days as i32)
            .unwrap_or(false)
    }
}
