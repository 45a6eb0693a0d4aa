//! The catalogue of questionnaires a program run knows: the embedded one, those named in
//! config (files, or directories of `*.toml` files), and the one given on the command
//! line; one of them is the default. Cases and drafts name the questionnaire they were
//! made under (id and content hash): the catalogue finds it, or says it has not got it, so
//! nothing is silently shown or re-evaluated under another one.
//!
//! The case store keeps a copy of every questionnaire a draft or case was made under
//! (`case::store::copies`); a caller that needs one the catalogue lacks adopts the store's
//! copy ([`Catalogue::adopt`]). Adopted copies serve [`Catalogue::find`] by hash, and
//! stand for their id only when no configured questionnaire has it: what config names is
//! what is current.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use super::load;
use super::model::Questionnaire;
use crate::diag::Diagnostic;

/// Where a catalogue entry came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// Built into the program.
    Embedded,
    /// Named in config (a file, or found in a directory named there).
    Config(PathBuf),
    /// Given on the command line (`--questionnaire FILE`).
    Given(PathBuf),
    /// The case store's copy (of a questionnaire some draft or case was made under).
    Kept,
}

#[derive(Debug)]
pub struct Entry {
    pub q: Questionnaire,
    pub source: Source,
}

/// What the catalogue is built from.
#[derive(Clone, Debug, Default)]
pub struct Spec {
    /// Files or directories from config, in order.
    pub paths: Vec<PathBuf>,
    /// The id config marks as default.
    pub default: Option<String>,
    /// `--questionnaire`: a file, or the id of a catalogue entry. It becomes the default.
    pub given: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    /// A questionnaire failed to load; its diagnostics say where and why.
    #[error("{}", .0.iter().map(|d| d.render(crate::text::Lang::Zh)).collect::<Vec<_>>().join("\n"))]
    Load(Vec<Diagnostic>),
    #[error("{path}: 无法读取问卷目录 / cannot read the questionnaire directory: {source}")]
    Dir {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "问卷“{given}”既不是文件，也不是问卷目录中的标识（已有：{known}）/ questionnaire \"{given}\" is neither a file nor the id of a known questionnaire (known: {known})"
    )]
    NotFound { given: String, known: String },
    #[error(
        "配置的默认问卷 default_questionnaire = \"{id}\" 不在问卷目录中（已有：{known}）/ the default questionnaire \"{id}\" in config is not among the known ones ({known})"
    )]
    NoDefault { id: String, known: String },
    #[error(
        "问卷 {id} {version} 有两个不同的文件：{a} 与 {b} / two different files claim questionnaire {id} {version}: {a} and {b}"
    )]
    Duplicate {
        id: String,
        version: String,
        a: String,
        b: String,
    },
}

impl CatalogueError {
    /// The diagnostics, when a file failed to load (to print as `check` does).
    pub fn diagnostics(&self) -> Option<&[Diagnostic]> {
        match self {
            CatalogueError::Load(d) => Some(d),
            _ => None,
        }
    }
}

/// What the catalogue holds for a questionnaire a case or draft names.
#[derive(Clone, Copy, Debug)]
pub enum Lookup<'a> {
    /// The very questionnaire (same id and content hash).
    Exact(&'a Questionnaire),
    /// Another version or edit with the same id (the newest one).
    SameId(&'a Questionnaire),
    /// Nothing with that id.
    Missing,
}

impl<'a> Lookup<'a> {
    pub fn questionnaire(self) -> Option<&'a Questionnaire> {
        match self {
            Lookup::Exact(q) | Lookup::SameId(q) => Some(q),
            Lookup::Missing => None,
        }
    }
}

#[derive(Debug)]
pub struct Catalogue {
    entries: Vec<Entry>,
    default: usize,
    given: Option<usize>,
}

/// Compare versions part by part (`1.10` after `1.9`), numerically where both are numbers.
pub fn cmp_versions(a: &str, b: &str) -> Ordering {
    let mut x = a.split(['.', '-']);
    let mut y = b.split(['.', '-']);
    loop {
        match (x.next(), y.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(p), Some(q)) => {
                let o = match (p.parse::<u64>(), q.parse::<u64>()) {
                    (Ok(m), Ok(n)) => m.cmp(&n),
                    _ => p.cmp(q),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

fn source_name(s: &Source) -> String {
    match s {
        Source::Embedded => "(built in)".into(),
        Source::Kept => "(case store)".into(),
        Source::Config(p) | Source::Given(p) => p.display().to_string(),
    }
}

impl Catalogue {
    /// Build the catalogue: the embedded questionnaire, then every configured one, then
    /// the one given. Any file that fails to load is an error (its diagnostics), as is a
    /// default or given id that is not there.
    pub fn load(spec: &Spec) -> Result<Catalogue, CatalogueError> {
        let mut cat = Catalogue {
            entries: Vec::new(),
            default: 0,
            given: None,
        };
        cat.add(
            load::embedded().map_err(CatalogueError::Load)?,
            Source::Embedded,
        )?;
        let mut first_configured = None;
        for p in &spec.paths {
            for file in files(p)? {
                let q = load::load_file(&file).map_err(CatalogueError::Load)?;
                let i = cat.add(q, Source::Config(file))?;
                first_configured.get_or_insert(i);
            }
        }
        let known = |c: &Catalogue| c.ids().join(", ");
        cat.default = match &spec.default {
            Some(id) => cat.newest(id).ok_or_else(|| CatalogueError::NoDefault {
                id: id.clone(),
                known: known(&cat),
            })?,
            None => first_configured.unwrap_or(0),
        };
        if let Some(g) = &spec.given {
            let path = Path::new(g);
            let i = if path.is_file() {
                let q = load::load_file(path).map_err(CatalogueError::Load)?;
                cat.add(q, Source::Given(path.to_path_buf()))?
            } else if let Some(i) = cat.newest(g) {
                i
            } else if path.exists() {
                // a directory or some other non-file: let the loader say so
                let q = load::load_file(path).map_err(CatalogueError::Load)?;
                cat.add(q, Source::Given(path.to_path_buf()))?
            } else {
                return Err(CatalogueError::NotFound {
                    given: g.clone(),
                    known: known(&cat),
                });
            };
            cat.given = Some(i);
            cat.default = i;
        }
        Ok(cat)
    }

    /// A catalogue of one questionnaire, its default (a wizard run without config: tests,
    /// benchmarks).
    pub fn single(q: Questionnaire) -> Catalogue {
        let source = Source::Given(PathBuf::from(&q.file));
        Catalogue {
            entries: vec![Entry { q, source }],
            default: 0,
            given: None,
        }
    }

    /// Add `q`; an identical file already present is not added twice (its index is
    /// returned), a different one with the same id and version is an error.
    fn add(&mut self, q: Questionnaire, source: Source) -> Result<usize, CatalogueError> {
        if let Some(i) = self.entries.iter().position(|e| e.q.sha256 == q.sha256) {
            if matches!(source, Source::Given(_)) {
                self.entries[i].source = source;
            }
            return Ok(i);
        }
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.q.meta.id == q.meta.id && e.q.meta.version == q.meta.version)
        {
            return Err(CatalogueError::Duplicate {
                id: q.meta.id.clone(),
                version: q.meta.version.clone(),
                a: source_name(&e.source),
                b: source_name(&source),
            });
        }
        self.entries.push(Entry { q, source });
        Ok(self.entries.len() - 1)
    }

    /// Add the case store's copy of a questionnaire (its text is the one a draft or case
    /// was made under). Nothing happens when an entry has the same content already; a copy
    /// may share an id and version with a configured file (that file was edited since).
    /// Returns true when it was added.
    pub fn adopt(&mut self, q: Questionnaire) -> bool {
        if self.has(&q.sha256) {
            return false;
        }
        self.entries.push(Entry {
            q,
            source: Source::Kept,
        });
        true
    }

    /// True when an entry (configured or adopted) has exactly this content.
    pub fn has(&self, sha256: &str) -> bool {
        self.entries.iter().any(|e| e.q.sha256 == sha256)
    }

    /// The newest entry with this id: among the configured ones (embedded, config, given)
    /// when any has it, else among the store's copies.
    fn newest(&self, id: &str) -> Option<usize> {
        let newest = |kept: bool| {
            (0..self.entries.len())
                .filter(|&i| {
                    self.entries[i].q.meta.id == id
                        && (self.entries[i].source == Source::Kept) == kept
                })
                .max_by(|&a, &b| {
                    cmp_versions(
                        &self.entries[a].q.meta.version,
                        &self.entries[b].q.meta.version,
                    )
                })
        };
        newest(false).or_else(|| newest(true))
    }

    /// The default questionnaire: the one given, else config's default, else the first
    /// configured one, else the embedded one.
    pub fn default_questionnaire(&self) -> &Questionnaire {
        &self.entries[self.default].q
    }

    /// The questionnaire given on the command line, if any.
    pub fn given(&self) -> Option<&Questionnaire> {
        self.given.map(|i| &self.entries[i].q)
    }

    /// The newest version of the questionnaire with this id (a store's copy only when no
    /// configured questionnaire has the id).
    pub fn get(&self, id: &str) -> Option<&Questionnaire> {
        self.newest(id).map(|i| &self.entries[i].q)
    }

    /// The questionnaire a case or draft names: the same content if the catalogue has it,
    /// else the newest with the same id, else nothing.
    pub fn find(&self, id: &str, sha256: &str) -> Lookup<'_> {
        if let Some(e) = self
            .entries
            .iter()
            .find(|e| e.q.meta.id == id && e.q.sha256 == sha256)
        {
            return Lookup::Exact(&e.q);
        }
        match self.get(id) {
            Some(q) => Lookup::SameId(q),
            None => Lookup::Missing,
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The distinct ids of the configured questionnaires (not the store's copies), in
    /// catalogue order.
    pub fn ids(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.entries {
            if e.source != Source::Kept && !out.contains(&e.q.meta.id) {
                out.push(e.q.meta.id.clone());
            }
        }
        out
    }

    /// What a new interview can be made under: the newest version of each configured id,
    /// the default first, then in catalogue order.
    pub fn choices(&self) -> Vec<&Questionnaire> {
        let default = self.default_questionnaire();
        let mut out = vec![default];
        for id in self.ids() {
            if let Some(q) = self.get(&id)
                && q.meta.id != default.meta.id
            {
                out.push(q);
            }
        }
        out
    }
}

/// The questionnaire files a configured path stands for: the file itself, or a
/// directory's `*.toml` files in name order.
fn files(p: &Path) -> Result<Vec<PathBuf>, CatalogueError> {
    if !p.is_dir() {
        return Ok(vec![p.to_path_buf()]);
    }
    let dir_err = |source| CatalogueError::Dir {
        path: p.to_path_buf(),
        source,
    };
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).map_err(dir_err)? {
        let path = e.map_err(dir_err)?.path();
        if path.extension().is_some_and(|x| x == "toml") && path.is_file() {
            out.push(path);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_by_part() {
        assert_eq!(cmp_versions("1.10", "1.9"), Ordering::Greater);
        assert_eq!(cmp_versions("2", "10"), Ordering::Less);
        assert_eq!(cmp_versions("1.0", "1.0.1"), Ordering::Less);
        assert_eq!(cmp_versions("2026a", "2026b"), Ordering::Less);
        assert_eq!(cmp_versions("1.0.0", "1.0.0"), Ordering::Equal);
    }
}
