//! The clerk's config file, `config.toml` in guantong's config directory
//! (`$GUANTONG_CONFIG_DIR`, else the platform's, e.g. `~/.config/guantong`; the same
//! directory the store uses for the signing key). Every key is optional and the program
//! runs without the file:
//!
//! ```toml
//! clerk_name = "李四"        # shown on signed cases (also read by the store)
//! lang = "zh"                # zh | en
//! borders = "ascii"          # ascii | unicode
//! data_dir = "/srv/guantong" # the case store
//! ```

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::text::Lang;

pub const FILE_NAME: &str = "config.toml";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub clerk_name: Option<String>,
    pub lang: Option<Lang>,
    pub borders: Option<Borders>,
    pub data_dir: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Borders {
    Ascii,
    Unicode,
}

/// The keys the file may hold, and what each takes (for messages).
const KEYS: &[(&str, &str, &str)] = &[
    (
        "clerk_name",
        "经办人姓名（文字）",
        "the clerk's name (a string)",
    ),
    ("lang", "zh | en", "zh | en"),
    ("borders", "ascii | unicode", "ascii | unicode"),
    (
        "data_dir",
        "案件库目录（路径）",
        "the case store's directory (a path)",
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the config file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}:{col}: 配置文件有误 / config file error: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
    #[error(
        "{path}:{line}:{col}: 配置项 `{key}` 的值 {value} 无效，可取 {allowed_zh} / config key `{key}`: {value} is not allowed; expected {allowed_en}"
    )]
    Value {
        path: PathBuf,
        line: usize,
        col: usize,
        key: String,
        /// The value as written in the file.
        value: String,
        allowed_zh: &'static str,
        allowed_en: &'static str,
    },
    #[error(
        "{path}:{line}:{col}: 未知配置项 `{key}`，可用的有 {keys} / unknown config key `{key}`; the keys are {keys}"
    )]
    UnknownKey {
        path: PathBuf,
        line: usize,
        col: usize,
        key: String,
        keys: String,
    },
}

/// guantong's config directory.
pub fn dir() -> Option<PathBuf> {
    crate::case::keys::config_dir()
}

impl Config {
    /// The config from the config directory; no file is an empty config.
    pub fn load() -> Result<Config, ConfigError> {
        match dir() {
            Some(d) => Config::load_from(&d.join(FILE_NAME)),
            None => Ok(Config::default()),
        }
    }

    pub fn load_from(path: &Path) -> Result<Config, ConfigError> {
        let src = match std::fs::read_to_string(path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Config::default()),
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                });
            }
        };
        Config::parse(path, &src)
    }

    /// Parse the file's text. Every key is checked on its own, and an error names the
    /// file, line and column, the key and the values it takes.
    pub fn parse(path: &Path, src: &str) -> Result<Config, ConfigError> {
        use toml::Spanned;
        let at = |offset: usize| crate::diag::line_col(src, offset);
        let table: std::collections::BTreeMap<String, Spanned<toml::Value>> = toml::from_str(src)
            .map_err(|e| {
            let (line, col) = at(e.span().map_or(0, |s| s.start));
            ConfigError::Parse {
                path: path.to_path_buf(),
                line,
                col,
                message: e.message().trim().to_string(),
            }
        })?;
        let mut c = Config::default();
        // in file order, so the first wrong line is the one named
        let mut entries: Vec<_> = table.iter().collect();
        entries.sort_by_key(|(_, v)| v.span().start);
        for (key, v) in entries {
            let (line, col) = at(v.span().start);
            let Some(&(_, allowed_zh, allowed_en)) = KEYS.iter().find(|(k, ..)| k == key) else {
                return Err(ConfigError::UnknownKey {
                    path: path.to_path_buf(),
                    line,
                    col,
                    key: key.clone(),
                    keys: KEYS.iter().map(|(k, ..)| *k).collect::<Vec<_>>().join(", "),
                });
            };
            let bad = || ConfigError::Value {
                path: path.to_path_buf(),
                line,
                col,
                key: key.clone(),
                value: v.get_ref().to_string(),
                allowed_zh,
                allowed_en,
            };
            let Some(text) = v.get_ref().as_str() else {
                return Err(bad());
            };
            match key.as_str() {
                "clerk_name" => c.clerk_name = Some(text.to_string()),
                "lang" => c.lang = Some(Lang::parse(text).ok_or_else(bad)?),
                "borders" => {
                    c.borders = Some(match text {
                        "ascii" => Borders::Ascii,
                        "unicode" => Borders::Unicode,
                        _ => return Err(bad()),
                    })
                }
                _ => c.data_dir = Some(PathBuf::from(text)),
            }
        }
        Ok(c)
    }

    pub fn ascii(&self) -> bool {
        self.borders == Some(Borders::Ascii)
    }

    pub fn clerk_name(&self) -> Option<&str> {
        self.clerk_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_every_key() {
        let c = Config::parse(
            Path::new("c.toml"),
            "clerk_name = \"李四\"\nlang = \"en\"\nborders = \"ascii\"\ndata_dir = \"/tmp/x\"\n",
        )
        .unwrap();
        assert_eq!(c.clerk_name(), Some("李四"));
        assert_eq!(c.lang, Some(Lang::En));
        assert!(c.ascii());
        assert_eq!(c.data_dir, Some(PathBuf::from("/tmp/x")));
    }

    #[test]
    fn errors_name_the_file() {
        let e = Config::parse(Path::new("/x/config.toml"), "borders = \"round\"").unwrap_err();
        assert!(e.to_string().starts_with("/x/config.toml:1:11: "), "{e}");
        assert!(e.to_string().contains("ascii | unicode"), "{e}");
    }

    #[test]
    fn config_lang_cn_is_an_error_naming_lang_and_zh_en() {
        let src = "clerk_name = \"李四\"\nlang = \"cn\"\n";
        let e = Config::parse(Path::new("config.toml"), src).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("config.toml:2:8: "), "{m}");
        assert!(m.contains("`lang`"), "{m}");
        assert!(m.contains("\"cn\""), "{m}");
        assert!(m.contains("zh | en"), "{m}");
    }

    #[test]
    fn config_errors_name_the_key_for_every_kind_of_mistake() {
        let p = Path::new("c.toml");
        for (src, key, allowed) in [
            ("lang = 1", "`lang`", "zh | en"),
            ("borders = \"round\"", "`borders`", "ascii | unicode"),
            ("clerk_name = true", "`clerk_name`", "a string"),
            ("data_dir = [1]", "`data_dir`", "a path"),
            (
                "langs = \"en\"",
                "`langs`",
                "clerk_name, lang, borders, data_dir",
            ),
        ] {
            let m = Config::parse(p, src).unwrap_err().to_string();
            assert!(m.contains(key) && m.contains(allowed), "{src}: {m}");
        }
        assert!(matches!(
            Config::parse(p, "lang = "),
            Err(ConfigError::Parse { line: 1, .. })
        ));
        let c = Config::parse(p, "lang = \"zh-CN\"").unwrap();
        assert_eq!(c.lang, Some(Lang::Zh));
    }

    #[test]
    fn missing_file_is_empty_config() {
        let c = Config::load_from(Path::new("/nonexistent/guantong/config.toml")).unwrap();
        assert_eq!(c, Config::default());
    }
}
