//! Files copied as they are: the theme's and the site's `static/`, and content assets.

use std::path::Path;

use super::{Content, OutputFile, RenderContext, Renderer};
use diagnostics::Diagnostics;
use model::Site;

pub struct Assets;

impl Renderer for Assets {
    fn name(&self) -> &'static str {
        "assets"
    }

    fn render(&self, cx: &RenderContext) -> Result<Vec<OutputFile>, Diagnostics> {
        // An edit of provider data alone leaves every copied file as it was.
        if cx.scope.is_some() {
            return Ok(Vec::new());
        }
        Ok(cx
            .site
            .assets
            .iter()
            // The vendored map library is published only for sites that draw maps.
            .filter(|a| {
                cx.site.config.map.tiles.is_some() || !a.output.starts_with("vendor/leaflet")
            })
            .map(|a| OutputFile {
                path: a.output.clone(),
                content: match a.embedded {
                    Some(bytes) => Content::Embedded(bytes),
                    None => Content::Copy(a.source.clone()),
                },
            })
            .collect())
    }
}

/// The bytes of a copied file, by its path in the output (`css/style.css`).
pub fn bytes(site: &Site, rel: &str) -> Option<Vec<u8>> {
    let asset = site.assets.iter().find(|a| a.output == Path::new(rel))?;
    match asset.embedded {
        Some(b) => Some(b.to_vec()),
        None => std::fs::read(site.root.join(&asset.source)).ok(),
    }
}
