//! A lecture's slides rendered with the data: each `::: providers` table filled from the
//! records and given as many rows as its slide has room for. Text is never made smaller;
//! what does not fit is said (see [`warnings`]).

use diagnostics::{Diagnostic, Diagnostics, Pos};
use markup::lecture::{MAX_LIMIT, fit};
use markup::markdown::escape;
use model::lecture::{Slide, SlidePiece, SlideSource};
use model::{Page, PageKind, Provider, Site};

/// A slide being laid out: its HTML pieces and its tables with the rows they may show.
enum Piece {
    Html(String),
    Table {
        line: usize,
        rows: Vec<Row>,
        limit: Option<usize>,
        shown: usize,
    },
}

struct Row {
    name: String,
    area: String,
    phone: String,
}

/// The page's slides, and what did not fit: line in the body (1-based) and message.
pub fn render(site: &Site, page: &Page) -> (Vec<Slide>, Vec<(usize, String)>) {
    let mut warnings = Vec::new();
    let slides = page
        .slides
        .iter()
        .map(|s| slide(site, s, &mut warnings))
        .collect();
    (slides, warnings)
}

/// What does not fit on the site's lecture slides, as warnings at their lines.
pub fn warnings(site: &Site) -> Diagnostics {
    let mut diags = Diagnostics::new();
    for page in site.pages.iter().filter(|p| p.kind == PageKind::Lecture) {
        let body_line = page.body_line;
        for (line, message) in render(site, page).1 {
            let help = "文字は小さくしません。limit= を減らすか、文章を短くするか、「---」でスライドを分けてください";
            diags.push(
                Diagnostic::warning(
                    &page.source,
                    Some(Pos::new(body_line + line - 1, 1)),
                    message,
                )
                .with_help(help),
            );
        }
    }
    diags
}

fn slide(site: &Site, s: &SlideSource, warnings: &mut Vec<(usize, String)>) -> Slide {
    let mut pieces: Vec<Piece> = s
        .pieces
        .iter()
        .map(|p| match p {
            SlidePiece::Html(h) => Piece::Html(h.clone()),
            SlidePiece::Table {
                line,
                filter,
                limit,
            } => Piece::Table {
                line: *line,
                rows: site
                    .providers
                    .iter()
                    .filter(|p| filter.matches_in(p, site.group_of(p)))
                    .map(|p| row(site, p))
                    .collect(),
                limit: *limit,
                shown: 0,
            },
        })
        .collect();
    settle_tables(&mut pieces, warnings);
    let html: String = pieces.iter().map(piece_html).collect();
    let over = fit::height(&html) - fit::INNER_HEIGHT;
    if over > 0.0 {
        let line = pieces
            .iter()
            .find_map(|p| match p {
                Piece::Table { line, .. } => Some(*line),
                Piece::Html(_) => None,
            })
            .unwrap_or(s.line);
        warnings.push((
            line,
            fit::overflow_message("このスライドは内容が枠に入りきらず", over),
        ));
    }
    Slide {
        html,
        notes: s.notes.clone(),
    }
}

fn row(site: &Site, p: &Provider) -> Row {
    Row {
        name: p.name.clone(),
        area: site
            .config
            .areas
            .get(&p.area)
            .map_or(String::new(), |a| a.label.clone()),
        phone: p.phone.as_str().to_string(),
    }
}

/// Gives each provider table as many rows as the slide has room for (or its `limit`,
/// when that is fewer). A `limit` the slide cannot hold is cut to what fits, and said.
fn settle_tables(pieces: &mut [Piece], warnings: &mut Vec<(usize, String)>) {
    for i in 0..pieces.len() {
        let Piece::Table { rows, limit, .. } = &pieces[i] else {
            continue;
        };
        let most = limit.unwrap_or(MAX_LIMIT).min(rows.len());
        let wanted = *limit;
        let mut fits = 1;
        for n in 1..=most {
            set_shown(&mut pieces[i], n);
            let html: String = pieces.iter().map(piece_html).collect();
            if n > 1 && fit::height(&html) > fit::INNER_HEIGHT {
                break;
            }
            fits = n;
        }
        set_shown(&mut pieces[i], fits);
        if let (Some(w), Piece::Table { line, rows, .. }) = (wanted, &pieces[i])
            && fits < w.min(rows.len())
        {
            warnings.push((
                *line,
                format!(
                    "limit={w} ですが、このスライドに入る事業所は{fits}行までです。{fits}行と「ほか{}か所」にしました",
                    rows.len() - fits
                ),
            ));
        }
    }
}

fn set_shown(piece: &mut Piece, n: usize) {
    if let Piece::Table { shown, .. } = piece {
        *shown = n;
    }
}

fn piece_html(piece: &Piece) -> String {
    match piece {
        Piece::Html(h) => h.clone(),
        Piece::Table { rows, shown, .. } => table_html(rows, *shown),
    }
}

/// The first `shown` rows as a table, and how many more there are.
fn table_html(rows: &[Row], shown: usize) -> String {
    if rows.is_empty() {
        return "<p class=\"more\">いまは該当する事業所の登録がありません。</p>".into();
    }
    let mut h = String::from(
        "<table class=\"live\"><thead><tr><th scope=\"col\">名称</th><th scope=\"col\">地域</th><th scope=\"col\">電話</th></tr></thead><tbody>",
    );
    for r in rows.iter().take(shown) {
        h.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"phone\">{}</td></tr>",
            escape(&r.name),
            escape(&r.area),
            escape(&r.phone)
        ));
    }
    h.push_str("</tbody></table>");
    if rows.len() > shown {
        h.push_str(&format!(
            "<p class=\"more\">ほか {} か所（ホームページでご覧いただけます）</p>",
            rows.len() - shown
        ));
    }
    h
}
