//! The accessibility test of the published site: the 38 success criteria of
//! JIS X 8341-3:2016 (WCAG 2.0) up to level AA, what `tsunagu audit` found by machine, and
//! what staff recorded after checking by eye. The public results page is made from these.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Level {
    A,
    AA,
}

/// Staff's folder for the test: the record and the report, never published.
pub const AUDIT_DIR: &str = "audit";
/// The record of the last test, which every build publishes as the results page.
pub const RESULTS_FILE: &str = "audit/results.json";

/// One 達成基準.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Criterion {
    pub id: &'static str,
    pub name: &'static str,
    pub level: Level,
    /// Applies only where the site has audio or video (見つからなければ該当なし).
    pub media_only: bool,
    /// What a person checks, in the staff's words.
    pub check: &'static str,
}

const fn c(id: &'static str, name: &'static str, level: Level, check: &'static str) -> Criterion {
    Criterion {
        id,
        name,
        level,
        media_only: false,
        check,
    }
}

const fn media(
    id: &'static str,
    name: &'static str,
    level: Level,
    check: &'static str,
) -> Criterion {
    Criterion {
        id,
        name,
        level,
        media_only: true,
        check,
    }
}

use Level::{A, AA};

/// The criteria of levels A and AA, in the standard's order.
pub const CRITERIA: [Criterion; 38] = [
    c(
        "1.1.1",
        "非テキストコンテンツ",
        A,
        "画像・地図・アイコンの代替テキストが、見えている内容と同じことを伝えているか。飾りの画像は読み上げられないか。",
    ),
    media(
        "1.2.1",
        "音声のみ及び映像のみ（収録済み）",
        A,
        "音声だけ・映像だけの内容に、同じ内容の文章があるか。",
    ),
    media(
        "1.2.2",
        "キャプション（収録済み）",
        A,
        "動画に字幕があるか。",
    ),
    media(
        "1.2.3",
        "音声解説、又はメディアに対する代替（収録済み）",
        A,
        "動画の映像の内容が、音声解説か文章でも分かるか。",
    ),
    media(
        "1.2.4",
        "キャプション（ライブ）",
        AA,
        "ライブ配信に字幕があるか。",
    ),
    media(
        "1.2.5",
        "音声解説（収録済み）",
        AA,
        "動画の映像の内容が、音声解説でも分かるか。",
    ),
    c(
        "1.3.1",
        "情報及び関係性",
        A,
        "見出し・一覧・表・入力欄の見出しが、見た目どおりの構造でマークアップされているか（表の見出しのセル、見出しの順番）。",
    ),
    c(
        "1.3.2",
        "意味のある順序",
        A,
        "CSS を切っても（読み上げの順でも）、内容が意味の通る順に並ぶか。",
    ),
    c(
        "1.3.3",
        "感覚的な特徴",
        A,
        "「右の」「赤い」「丸い」など、位置・色・形だけで指示していないか。",
    ),
    c(
        "1.4.1",
        "色の使用",
        A,
        "受入状況や必須の項目などを、色だけで区別していないか（文字や記号でも分かるか）。",
    ),
    media(
        "1.4.2",
        "音声の制御",
        A,
        "自動で3秒より長く音が鳴るものがないか、止められるか。",
    ),
    c(
        "1.4.3",
        "コントラスト（最低限レベル）",
        AA,
        "文字と背景の色の差が十分か（リンクにマウスを重ねたとき、フォーカスしたとき、画像の上の文字も）。",
    ),
    c(
        "1.4.4",
        "テキストのサイズ変更",
        AA,
        "ブラウザで 200% に拡大しても、文字が欠けたり重なったりしないか。",
    ),
    c(
        "1.4.5",
        "文字画像",
        AA,
        "文字を画像にしていないか（ロゴは除く）。",
    ),
    c(
        "2.1.1",
        "キーボード",
        A,
        "マウスを使わず、キーボード（Tab・Enter・矢印）だけで、すべてのリンク・ボタン・入力欄・地図の操作ができるか。",
    ),
    c(
        "2.1.2",
        "キーボードトラップなし",
        A,
        "キーボードで入った所（地図・入力欄）から、キーボードで出られるか。",
    ),
    c(
        "2.2.1",
        "タイミング調整可能",
        A,
        "時間が来ると自動で変わる・消える内容がないか。あれば延ばせるか。",
    ),
    c(
        "2.2.2",
        "一時停止、停止及び非表示",
        A,
        "自動で動く・流れる・点滅する内容がないか。あれば止められるか。",
    ),
    c(
        "2.3.1",
        "3回の閃光、又は閾値以下",
        A,
        "1秒に3回より多く光るものがないか。",
    ),
    c(
        "2.4.1",
        "ブロックスキップ",
        A,
        "「本文へ移動」のリンクなどで、くり返すメニューを飛ばせるか。",
    ),
    c(
        "2.4.2",
        "ページタイトル",
        A,
        "各ページのタイトルが、そのページの内容を表しているか。",
    ),
    c(
        "2.4.3",
        "フォーカス順序",
        A,
        "Tab キーで移る順番が、読む順番と合っているか。",
    ),
    c(
        "2.4.4",
        "リンクの目的（コンテキスト内）",
        A,
        "リンクの文字（と前後の文）から、どこへ行くかが分かるか（「こちら」だけのリンクがないか）。",
    ),
    c(
        "2.4.5",
        "複数の手段",
        AA,
        "ページにたどり着く方法が2つ以上あるか（メニュー、検索、サイトマップなど）。",
    ),
    c(
        "2.4.6",
        "見出し及びラベル",
        AA,
        "見出しと入力欄のラベルが、内容を表しているか。",
    ),
    c(
        "2.4.7",
        "フォーカスの可視化",
        AA,
        "Tab キーで移ったとき、いまどこにいるかが目で見て分かるか。",
    ),
    c(
        "3.1.1",
        "ページの言語",
        A,
        "ページの言語（日本語）が指定されているか。",
    ),
    c(
        "3.1.2",
        "一部分の言語",
        AA,
        "英語など日本語でない部分に、その言語が指定されているか。",
    ),
    c(
        "3.2.1",
        "フォーカス時",
        A,
        "入力欄やリンクに移っただけで、ページが切り替わったりしないか。",
    ),
    c(
        "3.2.2",
        "入力時",
        A,
        "選択や入力をしただけで、予告なくページが切り替わったりしないか。",
    ),
    c(
        "3.2.3",
        "一貫したナビゲーション",
        AA,
        "メニューなどが、どのページでも同じ順番に並んでいるか。",
    ),
    c(
        "3.2.4",
        "一貫した識別性",
        AA,
        "同じ働きのもの（検索、印刷など）が、どのページでも同じ名前になっているか。",
    ),
    c(
        "3.3.1",
        "エラーの特定",
        A,
        "入力の誤りが、どこがどう誤りか文字で示されるか。",
    ),
    c(
        "3.3.2",
        "ラベル又は説明",
        A,
        "入力欄に、何を入れるかのラベルや説明があるか。",
    ),
    c(
        "3.3.3",
        "エラー修正の提案",
        AA,
        "入力の誤りに、直し方の案が示されるか。",
    ),
    c(
        "3.3.4",
        "エラー回避（法的、金融、データ）",
        AA,
        "保存した内容を消す操作（エンディングノートの消去など）の前に、確かめる手順があるか。",
    ),
    c(
        "4.1.1",
        "構文解析",
        A,
        "HTML の検証ツールで、要素の入れ子・重複した属性・重複した id の誤りがないか。",
    ),
    c(
        "4.1.2",
        "名前（name）・役割（role）及び値（value）",
        A,
        "ボタン・入力欄・開閉する部分の名前と状態が、読み上げソフトで正しく伝わるか。",
    ),
];

/// Criteria whose test a machine decides in full: passing axe-core's rules is conformance.
const MACHINE_DECIDES: &[&str] = &["3.1.1"];

/// What the automated test found for one criterion, over all pages tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Machine {
    /// A rule of this criterion failed on some page.
    Fail,
    /// Its rules ran and passed (the rest needs a person).
    Pass,
    /// No rule of the tool tests it, or none applied to the pages.
    Untested,
    /// The site has no audio or video, which is all the criterion is about.
    NotApplicable,
}

/// The result shown to residents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    #[serde(rename = "適合")]
    Conforms,
    #[serde(rename = "該当なし")]
    NotApplicable,
    #[serde(rename = "不適合")]
    Fails,
    #[serde(rename = "目視で確認")]
    ByEye,
}

impl Outcome {
    pub fn label(self) -> &'static str {
        match self {
            Outcome::Conforms => "適合",
            Outcome::NotApplicable => "該当なし",
            Outcome::Fails => "不適合",
            Outcome::ByEye => "目視で確認",
        }
    }
}

/// A criterion's result: the machine's finding first (a failure found is never hidden),
/// then what staff recorded after checking by eye, else 「目視で確認」.
pub fn outcome(id: &str, machine: Machine, by_eye: Option<Outcome>) -> Outcome {
    match (machine, by_eye) {
        (Machine::Fail, _) => Outcome::Fails,
        (Machine::NotApplicable, _) => Outcome::NotApplicable,
        (Machine::Pass, _) if MACHINE_DECIDES.contains(&id) => Outcome::Conforms,
        (_, Some(o)) if o != Outcome::ByEye => o,
        _ => Outcome::ByEye,
    }
}

/// `audit/results.json`: what `tsunagu audit` tested and found, kept in the site's folder
/// so that every build publishes the same results page.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AuditRecord {
    pub date: Date,
    /// The tool and its version, e.g. `axe-core 4.14.1`.
    pub tool: String,
    pub browser: String,
    /// How the pages were chosen (JIS X 8341-3:2016 附属書JB).
    pub method: Method,
    pub seed: u64,
    /// HTML pages the site had.
    pub site_pages: usize,
    pub pages: Vec<TestedPage>,
    pub criteria: Vec<CriterionFinding>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Method {
    /// a) every page.
    All,
    /// d) one page of each kind and pages chosen at random.
    RepresentativeAndRandom,
}

impl Method {
    pub fn label(self) -> &'static str {
        match self {
            Method::All => "すべてのページを試験しました。",
            Method::RepresentativeAndRandom => {
                "ページの種類ごとに代表のページを選び、残りのページから無作為に選んだページと合わせて試験しました（JIS X 8341-3:2016 附属書JB の「ウェブページ一式を代表するウェブページとランダムに選択したウェブページとを併せて選択する場合」）。"
            }
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TestedPage {
    /// Path below the site's base URL, `""` for the home page.
    pub path: String,
    pub title: String,
    pub kind: String,
    /// Chosen to stand for its kind (not at random).
    pub representative: bool,
    /// Failed checks on this page (elements × rules).
    pub problems: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct CriterionFinding {
    pub id: String,
    pub machine: Machine,
    /// The tool's rules that tested it.
    pub rules: Vec<String>,
    /// Pages where a rule failed.
    pub failed_pages: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_eight_criteria_twenty_five_of_level_a() {
        assert_eq!(CRITERIA.iter().filter(|c| c.level == Level::A).count(), 25);
        let mut ids: Vec<&str> = CRITERIA.iter().map(|c| c.id).collect();
        ids.dedup();
        assert_eq!(ids.len(), 38);
    }

    #[test]
    fn a_failure_found_by_machine_is_never_overridden() {
        assert_eq!(
            outcome("1.1.1", Machine::Fail, Some(Outcome::Conforms)),
            Outcome::Fails
        );
        assert_eq!(outcome("1.1.1", Machine::Pass, None), Outcome::ByEye);
        assert_eq!(
            outcome("1.1.1", Machine::Pass, Some(Outcome::Conforms)),
            Outcome::Conforms
        );
        assert_eq!(outcome("3.1.1", Machine::Pass, None), Outcome::Conforms);
        assert_eq!(
            outcome("1.2.2", Machine::NotApplicable, None),
            Outcome::NotApplicable
        );
    }
}
