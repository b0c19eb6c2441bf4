// Shared by the fuzz targets: the settings of a small valid site, loaded once.
use std::sync::OnceLock;

use tsunagu::model::config::Config;

pub const SITE_TOML: &str = r#"title = "テスト市"
base_url = "https://www.city.test.example.lg.jp/zaitaku/"

[municipality]
name = "テスト市"
code = "131016"

[categories.clinic]
label = "診療所"
group = "医療"
source_types = ["診療所", "無床診療所"]

[categories.home-help]
label = "訪問介護"
group = "介護"
source_types = ["訪問介護"]

[areas.chuo]
label = "中央圏域"
towns = ["本町"]

[services.houmon-shinryo]
label = "訪問診療"
"#;

pub fn root() -> &'static std::path::Path {
    static DIR: OnceLock<std::path::PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("tsunagu-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("content/providers")).expect("temp dir");
        std::fs::write(dir.join("site.toml"), SITE_TOML).expect("site.toml");
        dir
    })
}

#[allow(dead_code)]
pub fn config() -> &'static Config {
    static C: OnceLock<Config> = OnceLock::new();
    C.get_or_init(|| {
        tsunagu::load::config::load(root(), &Default::default()).expect("valid fuzz site.toml")
    })
}
