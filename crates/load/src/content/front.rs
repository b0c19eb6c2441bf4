//! A Markdown file's front matter: split from the body, its syntax and fields checked with
//! their places, the file's name and key, and a lecture's settings.

use super::*;

/// Splits and checks the front matter of a Markdown file's text (`rel` names it in
/// messages).
pub fn parse_doc(rel: &Path, src: String) -> Result<Doc, Diagnostics> {
    let key = content_key(rel);
    check_file_name(rel, &key)?;
    let is_section = rel.file_name().is_some_and(|n| n == "_index.md");
    let (yaml, yaml_offset, body_offset) = split_front_matter(&src).ok_or_else(|| {
        Diagnostic::error(
            rel,
            Some(Pos::new(1, 1)),
            "ファイルの先頭に front matter（「---」で囲んだ設定）がありません",
        )
        .with_help(
            "1行目に「---」、次に「title: ページの題名」、その次の行に「---」を書いてください",
        )
    })?;
    let yaml_line = pos_of_offset(&src, yaml_offset).line;
    check_front_matter_syntax(rel, yaml, yaml_line)?;
    let raw: RawFront = serde_yaml_ng::from_str(yaml).map_err(|e| {
        let pos = e
            .location()
            .map(|l| Pos::new(l.line() + yaml_line - 1, l.column()));
        let (message, help) = front_matter_message(&e.to_string());
        Diagnostic::error(rel, pos.or(Some(Pos::new(1, 1))), message).with_help(help)
    })?;
    let line_of = |field: &str| {
        yaml.lines()
            .position(|l| l.starts_with(&format!("{field}:")))
            .map(|i| Pos::new(yaml_line + i, 1))
    };
    let date = match raw.date {
        None | Some(serde_yaml_ng::Value::Null) => None,
        Some(v) => {
            let s = match &v {
                serde_yaml_ng::Value::String(s) => s.clone(),
                other => serde_yaml_ng::to_string(other)
                    .unwrap_or_default()
                    .trim()
                    .to_string(),
            };
            Some(
                s.parse::<Date>()
                    .ok()
                    .filter(|_| s.len() == 10)
                    .ok_or_else(|| {
                        Diagnostic::error(
                            rel,
                            line_of("date"),
                            format!("日付「{s}」が正しくありません"),
                        )
                        .with_help("西暦で「2026-04-01」の形に書いてください")
                    })?,
            )
        }
    };
    if raw.title.trim().is_empty() {
        return Err(Diagnostic::error(rel, line_of("title"), "title が空です")
            .with_help("ページの題名を書いてください")
            .into());
    }
    if raw.lecture.is_some() && raw.template.as_deref() != Some(LECTURE_TEMPLATE) {
        return Err(Diagnostic::error(
            rel,
            line_of("lecture"),
            "lecture: は template: lecture のページにだけ書けます",
        )
        .with_help("講座のページなら「template: lecture」の行を加えてください")
        .into());
    }
    if raw.sort_by.is_some() && !is_section {
        return Err(Diagnostic::error(
            rel,
            line_of("sort_by"),
            "sort_by は _index.md にだけ書けます",
        )
        .with_help("この行を消すか、フォルダの _index.md に移してください")
        .into());
    }
    let extra = match raw.extra {
        None => serde_json::Value::Null,
        Some(v) => serde_json::to_value(&v).map_err(|e| {
            Diagnostic::error(rel, line_of("extra"), format!("extra を読めません: {e}"))
                .with_help("extra の項目名は文字列にしてください")
        })?,
    };
    Ok(Doc {
        rel: rel.to_path_buf(),
        key,
        body_offset,
        meta: FrontMatter {
            title: raw.title.trim().to_string(),
            description: raw
                .description
                .map(|d| d.trim().to_string())
                .filter(|d| !d.is_empty()),
            date,
            weight: raw.weight,
            draft: raw.draft,
            template: raw.template,
            extra,
            sort_by: raw.sort_by.unwrap_or_default(),
            lecture: raw.lecture,
            easy: raw.easy,
        },
        is_section,
        src,
    })
}

/// What front matter may hold, for messages.
pub(super) const FRONT_FIELDS: &[&str] = &[
    "title",
    "description",
    "date",
    "weight",
    "draft",
    "template",
    "extra",
    "sort_by",
    "lecture",
    "easy",
];

pub(super) const FRONT_HELP: &str = "front matter に書ける項目: title, description, date, weight, draft, template, extra, easy（_index.md では sort_by も、講座では lecture も）";

/// Syntax first, with the messages provider files get (a missing or full-width colon is
/// named on its own line), and front matter that is not `項目名: 値` at all.
pub(super) fn check_front_matter_syntax(
    rel: &Path,
    yaml: &str,
    first_line: usize,
) -> Result<(), Diagnostic> {
    let at = |e: crate::yaml::YamlError| {
        Diagnostic::error(
            rel,
            Some(Pos::new(e.pos.line + first_line - 1, e.pos.col)),
            e.message,
        )
        .with_help(e.help)
    };
    match crate::yaml::parse(yaml) {
        Err(e) => Err(at(e)),
        Ok(Some(node)) if node.as_map().is_none() => {
            let lines = yaml.lines().count().max(1);
            Err((1..=lines)
                .find_map(|n| crate::yaml::likely_mistake(yaml, n))
                .map(at)
                .unwrap_or_else(|| {
                    Diagnostic::error(
                        rel,
                        Some(Pos::new(first_line, 1)),
                        "front matter は「項目名: 値」の形で書いてください",
                    )
                    .with_help("例: 「title: ページの題名」。「---」の行ではさんで、ファイルの先頭に書きます")
                }))
        }
        Ok(_) => Ok(()),
    }
}

/// Turns serde's English into the words staff need: the message and the help.
pub(super) fn front_matter_message(e: &str) -> (String, String) {
    let e = e.split(" at line ").next().unwrap_or(e);
    if let Some(rest) = e.strip_prefix("unknown field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let hint = crate::suggest::did_you_mean(name, FRONT_FIELDS, "");
        return (
            format!("front matter に知らない項目「{name}」があります"),
            format!("{hint}{FRONT_HELP}"),
        );
    }
    if let Some(rest) = e.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        return (
            format!("front matter に必須の項目「{name}」がありません"),
            format!("「{name}: 値」の行を加えてください（例: title: ページの題名）"),
        );
    }
    // `title: invalid type: sequence, expected a string`
    if let Some((field, rest)) = e.split_once(": invalid ") {
        let (wanted, help) = if rest.contains("expected a string") {
            (
                "文字列",
                "値が「[」「{」「-」などで始まるときは \"…\" で囲んでください".to_string(),
            )
        } else if rest.contains("i64") || rest.contains("integer") {
            (
                "整数",
                format!("半角の数字で書いてください（例: {field}: 10）"),
            )
        } else if rest.contains("bool") {
            (
                "true か false",
                format!("{field}: true か {field}: false と書いてください"),
            )
        } else {
            (
                "決まった形の値",
                "説明書（docs/manual.md）の「ページ（Markdown）」にある書き方と見比べてください"
                    .to_string(),
            )
        };
        return (
            format!("front matter の「{field}」の値の形が正しくありません（{wanted}を書きます）"),
            help,
        );
    }
    if let Some((field, rest)) = e.split_once(": unknown variant `") {
        let value = rest.split('`').next().unwrap_or_default();
        return (
            format!("front matter の「{field}」に「{value}」は書けません"),
            "説明書（docs/manual.md）の「ページ（Markdown）」にある値を書いてください".to_string(),
        );
    }
    (
        "front matter の値を読めません".to_string(),
        format!(
            "{FRONT_HELP}。値の書き方を 説明書（docs/manual.md）の「ページ（Markdown）」と見比べてください"
        ),
    )
}

/// Splits `---\nyaml\n---\nbody`; returns the YAML, its byte offset and the body's.
pub(super) fn split_front_matter(src: &str) -> Option<(&str, usize, usize)> {
    let first_end = src.find('\n')?;
    if src[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = first_end + 1;
    let mut offset = yaml_start;
    for line in src[yaml_start..].split_inclusive('\n') {
        if line.trim_end() == "---" {
            return Some((&src[yaml_start..offset], yaml_start, offset + line.len()));
        }
        offset += line.len();
    }
    None
}

pub(super) fn content_key(rel: &Path) -> String {
    rel.strip_prefix(CONTENT_DIR)
        .unwrap_or(rel)
        .components()
        .filter_map(|c| match c {
            Component::Normal(s) => Some(s.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// File and folder names become URLs, so they are kept to safe ASCII.
pub(super) fn check_file_name(rel: &Path, key: &str) -> Result<(), Diagnostic> {
    let ok = key.trim_end_matches(".md").split('/').all(|seg| {
        !seg.is_empty()
            && seg
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
    });
    if ok {
        Ok(())
    } else {
        Err(Diagnostic::error(rel, None, "ファイル名やフォルダ名に使えない文字があります")
            .with_help("名前はページの URL になります。半角の英数字と「-」で付けてください（例: kaigo-hoken.md）"))
    }
}

/// A lecture's front matter against the site's areas and providers.
pub(super) fn check_lecture(
    d: &Doc,
    meta: &lecture::LectureMeta,
    config: &Config,
    data: &Data,
) -> Vec<Diagnostic> {
    let fm_line = |field: &str| {
        d.src
            .lines()
            .position(|l| l.trim_start().starts_with(&format!("{field}:")))
            .map(|i| Pos::new(i + 1, 1))
    };
    let mut out = Vec::new();
    let when = [
        d.meta.date.map(model::wareki::both).unwrap_or_default(),
        meta.time.clone(),
    ]
    .join("　");
    let speaker = Some(&meta.speaker)
        .filter(|s| !s.is_empty())
        .map(|s| format!("講師　{s}"));
    let organiser = Some(&meta.organiser)
        .filter(|s| !s.is_empty())
        .map(|s| format!("主催　{s}"));
    let title_h = lecture::fit::title_height(
        &d.meta.title,
        &[when.trim(), &meta.place, speaker.as_deref().unwrap_or("")],
        organiser.as_deref(),
    );
    if let Some(over) = Some(title_h - lecture::fit::INNER_HEIGHT).filter(|o| *o > 0.0) {
        out.push(
            Diagnostic::warning(&d.rel, fm_line("title"), lecture::fit::overflow_message("表紙のスライドは題名・日時・会場・講師が枠に入りきらず", over))
                .with_help("文字は小さくしません。title を短くするか、lecture: の place・speaker・organiser を短く書いてください"),
        );
    }
    if ![2, 3, 6].contains(&meta.handout) {
        out.push(
            Diagnostic::error(&d.rel, fm_line("handout"), format!("handout: {} には対応していません", meta.handout))
                .with_help("配布資料の1ページのスライド数を 2・3・6 のどれかで書いてください（3 はメモ欄つき）"),
        );
    }
    if let Some(a) = meta
        .area
        .as_ref()
        .filter(|a| !config.areas.contains_key(a.as_str()))
    {
        out.push(
            Diagnostic::error(
                &d.rel,
                fm_line("area"),
                format!("area「{a}」は site.toml の [areas] にありません"),
            )
            .with_help(format!(
                "次のどれかを書いてください: {}",
                config.areas.keys().cloned().collect::<Vec<_>>().join(", ")
            )),
        );
    }
    if let Some(c) = meta
        .contact
        .as_ref()
        .filter(|c| !data.providers.iter().any(|p| &p.id == *c))
    {
        out.push(
            Diagnostic::error(&d.rel, fm_line("contact"), format!("contact「{c}」という id の事業所がありません"))
                .with_help("配布資料に載せる問い合わせ先の事業所の id を書いてください（content/providers/ の id）"),
        );
    }
    out
}
