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
//! office_code = "451002"     # this store's office (GUANTONG_OFFICE overrides it)
//! questionnaires = ["subsidy.toml", "/etc/guantong/questionnaires"]  # files or directories
//! default_questionnaire = "flexible-employment-subsidy"              # an id among them
//! ```
//!
//! Relative paths in `questionnaires` are relative to the config file's directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::case::office::{OFFICE_ENV, OfficeCode, OfficeCodeError};
use crate::text::Lang;

pub const FILE_NAME: &str = "config.toml";

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub clerk_name: Option<String>,
    pub lang: Option<Lang>,
    pub borders: Option<Borders>,
    pub data_dir: Option<PathBuf>,
    /// The office code cases are signed under (`451002`, `451002-2`).
    pub office_code: Option<String>,
    /// Questionnaire files, or directories of `*.toml` files, beside the embedded one.
    #[serde(default)]
    pub questionnaires: Vec<PathBuf>,
    /// The id of the questionnaire to use when none is given on the command line.
    pub default_questionnaire: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Borders {
    Ascii,
    Unicode,
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{path}: cannot read the config file: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: config file error: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("{source_name}: {error}")]
    Office {
        source_name: &'static str,
        error: OfficeCodeError,
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

    pub fn parse(path: &Path, src: &str) -> Result<Config, ConfigError> {
        let mut c: Config = toml::from_str(src).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: e.message().trim().to_string(),
        })?;
        if let Some(base) = path.parent() {
            for q in &mut c.questionnaires {
                if q.is_relative() {
                    *q = base.join(&*q);
                }
            }
        }
        Ok(c)
    }

    /// What the questionnaire catalogue is built from, with `given` from the command line.
    pub fn catalogue_spec(&self, given: Option<String>) -> crate::questionnaire::catalogue::Spec {
        crate::questionnaire::catalogue::Spec {
            paths: self.questionnaires.clone(),
            default: self.default_questionnaire.clone(),
            given,
        }
    }

    pub fn ascii(&self) -> bool {
        self.borders == Some(Borders::Ascii)
    }

    /// The office code: `GUANTONG_OFFICE` when set (and not empty), else `office_code`.
    /// A malformed one is an error naming where it came from.
    pub fn office(&self) -> Result<Option<OfficeCode>, ConfigError> {
        self.office_with_env(std::env::var(OFFICE_ENV).ok())
    }

    /// [`Config::office`] with the environment's value given.
    pub fn office_with_env(&self, env: Option<String>) -> Result<Option<OfficeCode>, ConfigError> {
        let (given, source_name) = match env.filter(|s| !s.trim().is_empty()) {
            Some(e) => (e, OFFICE_ENV),
            None => match &self.office_code {
                Some(c) => (c.clone(), "config.toml office_code"),
                None => return Ok(None),
            },
        };
        OfficeCode::parse(&given)
            .map(Some)
            .map_err(|error| ConfigError::Office { source_name, error })
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
    fn questionnaire_paths_are_relative_to_the_config_file() {
        let c = Config::parse(
            Path::new("/etc/guantong/config.toml"),
            "questionnaires = [\"q/a.toml\", \"/srv/b\"]\ndefault_questionnaire = \"a\"\n",
        )
        .unwrap();
        assert_eq!(
            c.questionnaires,
            vec![
                PathBuf::from("/etc/guantong/q/a.toml"),
                PathBuf::from("/srv/b")
            ]
        );
        assert_eq!(c.default_questionnaire.as_deref(), Some("a"));
    }

    #[test]
    fn errors_name_the_file() {
        let e = Config::parse(Path::new("/x/config.toml"), "borders = \"round\"").unwrap_err();
        assert!(e.to_string().starts_with("/x/config.toml: "), "{e}");
    }

    #[test]
    fn office_code_from_the_environment_first() {
        let c = Config::parse(Path::new("c.toml"), "office_code = \"451002\"\n").unwrap();
        assert_eq!(c.office_with_env(None).unwrap().unwrap().as_str(), "451002");
        assert_eq!(
            c.office_with_env(Some("451002-2".into()))
                .unwrap()
                .unwrap()
                .as_str(),
            "451002-2"
        );
        // An empty variable is not set.
        assert_eq!(
            c.office_with_env(Some(" ".into()))
                .unwrap()
                .unwrap()
                .as_str(),
            "451002"
        );
        let e = c.office_with_env(Some("45100".into())).unwrap_err();
        assert!(e.to_string().starts_with("GUANTONG_OFFICE: "), "{e}");
        let bad = Config::parse(Path::new("c.toml"), "office_code = \"4510\"\n").unwrap();
        let e = bad.office_with_env(None).unwrap_err();
        assert!(e.to_string().contains("office_code") && e.to_string().contains("4510"));
        assert_eq!(Config::default().office_with_env(None).unwrap(), None);
    }

    #[test]
    fn missing_file_is_empty_config() {
        let c = Config::load_from(Path::new("/nonexistent/guantong/config.toml")).unwrap();
        assert_eq!(c, Config::default());
    }
}
