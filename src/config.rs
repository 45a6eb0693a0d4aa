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
//! office_name = "百色市人力资源和社会保障局" # the heading of the applicant's receipt
//! printer = "office"         # the CUPS queue `p` prints on (lp -d)
//! font = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"  # the receipt PDF's font
//! print_to = "zmodem"        # zmodem | printer | html: the print menu's last choice
//! server = "postgresql://gt_451002@db.bureau.example/guantong?sslmode=verify-full"
//! id_hash_key = "/etc/guantong/id-hash.key"  # the bureau's ID-hash key file (a path)
//! ```
//!
//! The wizard writes `clerk_name`, `office_code` and `office_name` (its first-run screen)
//! and `print_to` (the print menu) with [`set_keys`], which leaves every other line as it
//! was.
//!
//! `server` never holds a password (it goes in `~/.pgpass`): one is refused here.
//!
//! Relative paths in `questionnaires` and `font` are relative to the config file's
//! directory.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::case::office::{OFFICE_ENV, OfficeCode, OfficeCodeError};
use crate::text::Lang;

pub const FILE_NAME: &str = "config.toml";

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Config {
    pub clerk_name: Option<String>,
    pub lang: Option<Lang>,
    pub borders: Option<Borders>,
    pub data_dir: Option<PathBuf>,
    /// The office code cases are signed under (`451002`, `451002-2`).
    pub office_code: Option<String>,
    /// Questionnaire files, or directories of `*.toml` files, beside the embedded one.
    pub questionnaires: Vec<PathBuf>,
    /// The id of the questionnaire to use when none is given on the command line.
    pub default_questionnaire: Option<String>,
    /// The office's name: the heading of the applicant's receipt.
    pub office_name: Option<String>,
    /// The CUPS queue the receipt is printed on.
    pub printer: Option<String>,
    /// The font file the receipt's PDF is set in (else one is looked for).
    pub font: Option<PathBuf>,
    /// Where the print menu sent the last receipt.
    pub print_to: Option<PrintTo>,
    /// The bureau's server (a PostgreSQL URL without a password).
    pub server: Option<String>,
    /// The file holding the bureau's ID-hash key.
    pub id_hash_key: Option<PathBuf>,
}

/// Where the wizard's print menu puts the receipt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum PrintTo {
    /// To the clerk's PC through the terminal (ZMODEM): the clerk sits at a PC, guantong
    /// runs on a server.
    #[default]
    Zmodem,
    /// On the configured printer (`lp`).
    Printer,
    /// An HTML file in the store's `printouts/`.
    Html,
}

impl PrintTo {
    pub const ALL: [PrintTo; 3] = [PrintTo::Zmodem, PrintTo::Printer, PrintTo::Html];

    pub fn code(self) -> &'static str {
        match self {
            PrintTo::Zmodem => "zmodem",
            PrintTo::Printer => "printer",
            PrintTo::Html => "html",
        }
    }

    pub fn parse(s: &str) -> Option<PrintTo> {
        PrintTo::ALL.into_iter().find(|p| p.code() == s)
    }
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
    (
        "office_code",
        "行政区划代码，6位数字，可带 -2 等后缀（文字）",
        "the 6-digit administrative division code, optionally with a suffix like -2 (a string)",
    ),
    (
        "questionnaires",
        "问卷文件或目录的列表（路径数组）",
        "a list of questionnaire files or directories (an array of paths)",
    ),
    (
        "default_questionnaire",
        "默认问卷的 id（文字）",
        "the id of the default questionnaire (a string)",
    ),
    (
        "office_name",
        "办公室名称，印在回执抬头（文字）",
        "the office's name, the receipt's heading (a string)",
    ),
    (
        "printer",
        "打印机（CUPS 队列）名称（文字）",
        "the printer's (CUPS queue's) name (a string)",
    ),
    (
        "font",
        "打印回执所用的中文字体文件（路径）",
        "the Chinese font file the receipt is printed in (a path)",
    ),
    (
        "print_to",
        "zmodem | printer | html",
        "zmodem | printer | html",
    ),
    (
        "server",
        "全局服务器的 PostgreSQL 地址，不含密码（密码写在 ~/.pgpass）",
        "the bureau's server, a PostgreSQL URL without a password (passwords go in ~/.pgpass)",
    ),
    (
        "id_hash_key",
        "身份证号哈希密钥文件（路径）",
        "the ID-hash key file (a path)",
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
            if key == "questionnaires" {
                let Some(items) = v.get_ref().as_array() else {
                    return Err(bad());
                };
                for it in items {
                    let Some(p) = it.as_str() else {
                        return Err(bad());
                    };
                    let p = PathBuf::from(p);
                    // relative to the config file's directory
                    c.questionnaires.push(match path.parent() {
                        Some(base) if p.is_relative() => base.join(p),
                        _ => p,
                    });
                }
                continue;
            }
            let Some(text) = v.get_ref().as_str() else {
                return Err(bad());
            };
            match key.as_str() {
                "server" => {
                    // a password here would sit in a file copied and pasted around
                    let has_password = text
                        .split_once("://")
                        .and_then(|(_, rest)| rest.split('/').next())
                        .and_then(|auth| auth.rsplit_once('@'))
                        .is_some_and(|(user, _)| user.contains(':'))
                        || text.contains("password=");
                    if has_password {
                        // named, not repeated: the message must not print the password
                        let mut e = bad();
                        if let ConfigError::Value { value, .. } = &mut e {
                            *value = "\"postgresql://…:…@…\"".into();
                        }
                        return Err(e);
                    }
                    c.server = Some(text.to_string())
                }
                "id_hash_key" => {
                    let p = PathBuf::from(text);
                    c.id_hash_key = Some(match path.parent() {
                        Some(base) if p.is_relative() => base.join(p),
                        _ => p,
                    })
                }
                "office_code" => c.office_code = Some(text.to_string()),
                "default_questionnaire" => c.default_questionnaire = Some(text.to_string()),
                "clerk_name" => c.clerk_name = Some(text.to_string()),
                "office_name" => c.office_name = Some(text.to_string()),
                "printer" => c.printer = Some(text.to_string()),
                // relative to the config file's directory, as `questionnaires`
                "font" => {
                    let p = PathBuf::from(text);
                    c.font = Some(match path.parent() {
                        Some(base) if p.is_relative() => base.join(p),
                        _ => p,
                    });
                }
                "print_to" => c.print_to = Some(PrintTo::parse(text).ok_or_else(bad)?),
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

    /// What the questionnaire catalogue is built from, with `given` from the command line.
    pub fn catalogue_spec(&self, given: Option<String>) -> crate::questionnaire::catalogue::Spec {
        crate::questionnaire::catalogue::Spec {
            paths: self.questionnaires.clone(),
            default: self.default_questionnaire.clone(),
            given,
        }
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

    pub fn ascii(&self) -> bool {
        self.borders == Some(Borders::Ascii)
    }

    pub fn clerk_name(&self) -> Option<&str> {
        self.clerk_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn office_name(&self) -> Option<&str> {
        self.office_name
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }

    pub fn printer(&self) -> Option<&str> {
        self.printer
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// Why the config file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{path}: 无法写入配置文件 / cannot write the config file: {detail}")]
    Write { path: PathBuf, detail: String },
}

/// Set string keys in the config file at `path` (created, with its directory, when
/// absent): a key already there has its value replaced in place, a new one is added at the
/// end; every other line, comment and key stays as it was. The result is checked as the
/// program reads it before it replaces the file (written privately, 0600, and renamed into
/// place, never through a symlink). A file that does not parse now is not touched: the
/// error names its line.
pub fn set_keys(path: &Path, keys: &[(&str, &str)]) -> Result<Config, WriteError> {
    use toml::Spanned;
    let write_err = |detail: String| WriteError::Write {
        path: path.to_path_buf(),
        detail,
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(source) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                source,
            }
            .into());
        }
    };
    // the file as it is must be readable: its mistakes are the clerk's to see, not ours to
    // rewrite
    Config::parse(path, &src)?;
    let table: std::collections::BTreeMap<String, Spanned<toml::Value>> =
        toml::from_str(&src).map_err(|e| write_err(e.message().to_string()))?;
    let mut replace: Vec<(std::ops::Range<usize>, String)> = Vec::new();
    let mut append = String::new();
    for (key, value) in keys {
        let literal = toml::Value::String((*value).to_string()).to_string();
        match table.get(*key) {
            Some(v) => replace.push((v.span(), literal)),
            None => append.push_str(&format!("{key} = {literal}\n")),
        }
    }
    let mut out = src.clone();
    replace.sort_by_key(|(r, _)| std::cmp::Reverse(r.start));
    for (r, lit) in replace {
        out.replace_range(r, &lit);
    }
    if !append.is_empty() {
        if !out.is_empty() && !out.ends_with('\n') {
            out.push('\n');
        }
        out.push_str(&append);
    }
    let config = Config::parse(path, &out)?;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| write_err(e.to_string()))?;
    }
    let mut f = crate::outfile::OutFile::create(path).map_err(|e| write_err(e.to_string()))?;
    std::io::Write::write_all(&mut f, out.as_bytes()).map_err(|e| write_err(e.to_string()))?;
    f.commit().map_err(|e| write_err(e.to_string()))?;
    Ok(config)
}

/// The config file's path (in [`dir`]).
pub fn path() -> Option<PathBuf> {
    dir().map(|d| d.join(FILE_NAME))
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
    fn new_keys_parse_and_name_their_values() {
        let c = Config::parse(
            Path::new("c.toml"),
            "office_name = \"百色市人社局\"\nprinter = \"office\"\nfont = \"/f.ttf\"\nprint_to = \"printer\"\n",
        )
        .unwrap();
        assert_eq!(c.office_name(), Some("百色市人社局"));
        assert_eq!(c.printer(), Some("office"));
        assert_eq!(c.font, Some(PathBuf::from("/f.ttf")));
        assert_eq!(c.print_to, Some(PrintTo::Printer));
        let m = Config::parse(Path::new("c.toml"), "print_to = \"usb\"")
            .unwrap_err()
            .to_string();
        assert!(
            m.contains("`print_to`") && m.contains("zmodem | printer | html"),
            "{m}"
        );
        let m = Config::parse(Path::new("c.toml"), "printer = 3")
            .unwrap_err()
            .to_string();
        assert!(m.contains("`printer`"), "{m}");
    }

    #[test]
    fn set_keys_replaces_in_place_and_keeps_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("sub/config.toml");
        // a new file, in a new directory
        let c = set_keys(&p, &[("clerk_name", "李四"), ("office_code", "451002")]).unwrap();
        assert_eq!(c.clerk_name(), Some("李四"));
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // comments and other keys stay; a value with quotes is written as TOML
        std::fs::write(
            &p,
            "# the counter's settings\nlang = \"zh\"  # Chinese\nclerk_name = \"x\"\n",
        )
        .unwrap();
        let c = set_keys(&p, &[("clerk_name", "王\"五\""), ("office_name", "右江区")]).unwrap();
        assert_eq!(c.clerk_name(), Some("王\"五\""));
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(
            text.starts_with("# the counter's settings\nlang = \"zh\"  # Chinese\n"),
            "{text}"
        );
        assert!(text.ends_with("office_name = \"右江区\"\n"), "{text}");
        assert_eq!(text.matches("clerk_name").count(), 1, "{text}");
        // a file with a mistake is left alone, and the mistake named
        std::fs::write(&p, "lang = \"cn\"\n").unwrap();
        let e = set_keys(&p, &[("clerk_name", "李四")]).unwrap_err();
        assert!(e.to_string().contains("`lang`"), "{e}");
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "lang = \"cn\"\n");
    }

    #[test]
    fn server_urls_never_hold_a_password() {
        let p = Path::new("c.toml");
        let c = Config::parse(
            p,
            "server = \"postgresql://gt_451002@db/guantong?sslmode=verify-full\"\nid_hash_key = \"k\"\n",
        )
        .unwrap();
        assert_eq!(
            c.server.as_deref(),
            Some("postgresql://gt_451002@db/guantong?sslmode=verify-full")
        );
        assert_eq!(c.id_hash_key, Some(PathBuf::from("k")));
        for bad in [
            "server = \"postgresql://gt:secret@db/g\"",
            "server = \"postgresql://db/g?password=secret\"",
        ] {
            let m = Config::parse(p, bad).unwrap_err().to_string();
            assert!(m.contains("`server`") && m.contains("pgpass"), "{m}");
        }
    }

    #[test]
    fn missing_file_is_empty_config() {
        let c = Config::load_from(Path::new("/nonexistent/guantong/config.toml")).unwrap();
        assert_eq!(c, Config::default());
    }
}
